export type { Actor, DeployRequest, DeployResult, Operations } from './api.js';
export { createOperations, UnknownInstanceError, type OperationsOptions } from './operations.js';
