// Build step (`npm run build`, after tsc): bundles the render pipeline (render-run.js and everything it imports) into
// render-run.bundle.js next to it and the cluster commands into cluster-commands.bundle.js, then precompiles
// templates/ for the bundles' own copy of the Handlebars environment (templates.precompiled.cjs beside them). What stays outside: Handlebars and the Kubernetes schemas of kinds a render
// rarely has, which the code itself requires when needed. Not imported at run time; esbuild is a dev dependency.
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const outfile = join(here, 'render-run.bundle.js');

/** One self-contained bundle per entry: the two never run in one process, so nothing is shared between them. */
const bundle = (entry: string, out: string) => build({
  entryPoints: [join(here, entry)],
  outfile: join(here, out),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  // Less to parse at every start (about 15% of the cluster bundle's load); names stay, for readable stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  // CommonJS dependencies inside an ES module bundle call require() for Node's built-ins.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
});

await bundle('render-run.js', 'render-run.bundle.js');
// deploy, diff, status, scale, delete, password: the Kubernetes client's ~800 modules (most of a deploy's start-up
// when loaded one by one) in one file, with the runner, targets and renderer.
await bundle('cluster-commands.js', 'cluster-commands.bundle.js');

const bundled = (await import(pathToFileURL(outfile).href)) as typeof import('./render-run.js');
let templates: string | undefined;
try {
  templates = bundled.templatesDir();
} catch {
  process.stderr.write('bundle-render: no templates/ next to package.json; nothing precompiled for the bundle\n');
}
if (templates && existsSync(templates)) writeFileSync(join(here, 'templates.precompiled.cjs'), bundled.precompileTemplates(templates));
