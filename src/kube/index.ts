// Kubernetes plumbing shared by the cluster target and the alerter: client, connection, retries, errors, lease.
export { findCluster, ConnectionError, type Connection, type ConnectionOptions } from './connection.js';
export { KubeApiError, ConflictError } from './errors.js';
