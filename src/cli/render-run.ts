// Everything `render` runs, as one module. The build bundles it with its dependencies (zod, js-yaml, the Kubernetes
// schemas, the instance and render code) into render-run.bundle.js (bundle-render.ts): loading one file instead of
// some 300 modules is most of what `render` costs before it renders anything.
export { collectLayers, defaultInstanceFile } from './values-options.js';
export { resolveSpec, templatesDir } from '../instance/index.js';
export { bundleStream, renderBundle, writeBundle } from '../render/index.js';
export { precompileTemplates } from '../render/handlebars-env.js';
export { fleetNote } from '../commands/fleet-note.js';
export { z } from 'zod';
