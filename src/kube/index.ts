export * from './target.js';
export { ClusterTarget, type ClusterTargetOptions } from './cluster-target.js';
export { DirectoryTarget, DEFAULT_DIRECTORY } from './directory-target.js';
export { findCluster, ConnectionError, type Connection, type ConnectionOptions } from './connection.js';
export { selectTarget, type SelectedTarget, type TargetSelection } from './select-target.js';
export { KubeApiError, ConflictError } from './errors.js';
export { formatPlan, formatOutcome, formatStatus } from './format.js';
