export { SpecError, type SpecIssue } from './errors.js';
export { instanceSpec, type InstanceSpec, type PodTemplateSpec, type ToolContainerSpec, type Resources } from './schema.js';
export { loadSources, mergeLayers, resolveSpec, validateValues, type Layer, type SpecSources } from './resolve.js';
export { clone, deepMerge, isPlainObject, parseSetExpression, parsePath, parseScalar, parseValues, setAt, type Values } from './values.js';
export { isQuantity, parseQuantity, toMebibytes } from './quantity.js';
export { packageRoot, defaultCascDir, templatesDir } from './files.js';
