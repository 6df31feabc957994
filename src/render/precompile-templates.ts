// Build step (`npm run build`): precompiles templates/ into templates.precompiled.cjs next to the built
// handlebars-env.js, so a render loads the small Handlebars runtime instead of parsing and compiling every template.
// templates/ stays the source of truth: a template added or edited after the build is compiled at load time.
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { templatesDir } from '../instance/index.js';
import { precompileTemplates } from './handlebars-env.js';

const out = join(dirname(fileURLToPath(import.meta.url)), 'templates.precompiled.cjs');
// A build without templates/ next to package.json precompiles nothing: the templates are then compiled when first
// loaded, as under Jest.
let dir: string | undefined;
try {
  dir = templatesDir();
} catch {
  process.stderr.write('precompile-templates: no templates/ next to package.json; nothing precompiled\n');
}
if (dir && existsSync(dir)) writeFileSync(out, precompileTemplates(dir));
