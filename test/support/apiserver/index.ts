// Entry point for tests: start a fake, strict Kubernetes API server on 127.0.0.1 and point client-node at it.
export { startApiServer, type ApiServerOptions, type NodeSpec, type TestApiServer } from './server.js';
export type { FaultRule, RequestRecord } from './faults.js';
export type { ImageBehaviour } from './controllers/context.js';
export type { Obj } from './util.js';
export { ApiError } from './errors.js';
