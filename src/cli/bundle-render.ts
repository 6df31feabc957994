// Build step (`npm run build`, after tsc): bundles the render pipeline (render-run.js and everything it imports) into
// render-run.bundle.js next to it, then precompiles templates/ for the bundle's own copy of the Handlebars environment
// (templates.precompiled.cjs beside it). What stays outside: Handlebars and the Kubernetes schemas of kinds a render
// rarely has, which the code itself requires when needed. Not imported at run time; esbuild is a dev dependency.
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const outfile = join(here, 'render-run.bundle.js');

await build({
  entryPoints: [join(here, 'render-run.js')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  // CommonJS dependencies inside an ES module bundle call require() for Node's built-ins.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
});

const bundled = (await import(pathToFileURL(outfile).href)) as typeof import('./render-run.js');
let templates: string | undefined;
try {
  templates = bundled.templatesDir();
} catch {
  process.stderr.write('bundle-render: no templates/ next to package.json; nothing precompiled for the bundle\n');
}
if (templates && existsSync(templates)) writeFileSync(join(here, 'templates.precompiled.cjs'), bundled.precompileTemplates(templates));
