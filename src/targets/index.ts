// The two adapters of the Target port (operations/target.ts): a real cluster, or a dry-run directory.
export { ClusterTarget, type ClusterTargetOptions } from './cluster/cluster-target.js';
export { DirectoryTarget, DEFAULT_DIRECTORY } from './directory/directory-target.js';
export { selectTarget, type SelectedTarget, type TargetSelection } from './select-target.js';
