export type { Bundle, KubeObject, ObjectMeta, RenderedObject } from './bundle.js';
export { renderBundle, RenderError } from './render.js';
export { loadTemplates, TemplateError, type TemplateSet } from './handlebars-env.js';
export { validateKubeObject, type SchemaProblem } from './validate-kube.js';
export { validateCasc } from './validate-casc.js';
export { writeBundle, bundleStream, cascStream, writeCascExtra } from './write.js';
export { templateId } from './context.js';
export * from '../instance/naming.js';
