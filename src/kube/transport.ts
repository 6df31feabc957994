// How requests reach the API server: one keep-alive connection pool per process, proxies from the environment
// (kubectl's rules), and a per-request timeout that really aborts the HTTP request.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import {
  ServerConfiguration,
  createConfiguration,
  type Cluster,
  type Configuration,
  type KubeConfig,
  type RequestContext,
  type SecurityAuthentication,
} from '@kubernetes/client-node';
import { proxyFromEnvironment, type ProxyEnv } from './proxy.js';

type Agent = HttpAgent | HttpsAgent;
type CreateAgent = (cluster: Cluster | null, agentOptions: Record<string, unknown>) => Agent;

/** Per-request timeout of API calls (watches excluded: they end by their own timeoutSeconds). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

// ---------------------------------------------------------------------------------------------------------------
// One agent per (server, proxy, TLS settings) for the whole process.

const agents = new Map<string, Agent>();

function fingerprint(value: unknown): unknown {
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `sha256:${createHash('sha256').update(value).digest('hex')}`;
  if (Array.isArray(value)) return value.map(fingerprint);
  return value;
}

/** Identifies what makes two connections interchangeable: the server, the proxy and every TLS setting. */
export function agentKey(server: string, proxyUrl: string | undefined, skipTLSVerify: boolean, agentOptions: Record<string, unknown>): string {
  const tls = Object.keys(agentOptions)
    .filter((k) => agentOptions[k] !== undefined)
    .sort()
    .map((k) => [k, fingerprint(agentOptions[k])]);
  return JSON.stringify([server, proxyUrl ?? '', skipTLSVerify, tls]);
}

/** How many distinct pools the process holds (for tests and diagnostics). */
export function sharedAgentCount(): number {
  return agents.size;
}

/** Closes every pooled connection (tests; a process that is shutting down). */
export function destroySharedAgents(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}

const POOLED = Symbol.for('jenkins-chatops.pooledAgents');

/**
 * Makes every agent `kc` hands out (API clients, Watch, informers built from it) come from the process-wide
 * keep-alive pool, and adds the environment's proxy when the cluster entry has no proxy-url. client-node otherwise
 * builds a new agent, hence a new connection and TLS handshake, for every request.
 */
export function usePooledAgents(kc: KubeConfig, env: ProxyEnv = process.env): KubeConfig {
  const target = kc as unknown as { createAgent: CreateAgent; [POOLED]?: boolean };
  if (target[POOLED]) return kc;
  const original: CreateAgent = target.createAgent.bind(kc);
  target.createAgent = (cluster, agentOptions) => {
    if (!cluster) return original(cluster, agentOptions);
    // A proxy-url in the kubeconfig wins over the environment, as in client-go.
    const proxyUrl = cluster.proxyUrl || proxyFromEnvironment(cluster.server, env);
    const key = agentKey(cluster.server, proxyUrl, !!cluster.skipTLSVerify, agentOptions);
    let agent = agents.get(key);
    if (!agent) {
      agent = original({ ...cluster, ...(proxyUrl ? { proxyUrl } : {}) }, { ...agentOptions, keepAlive: true });
      agents.set(key, agent);
    }
    return agent;
  };
  target[POOLED] = true;
  return kc;
}

// ---------------------------------------------------------------------------------------------------------------
// Request timeouts.

/** An API request that got no complete answer in time; retried like other transient failures. */
export class RequestTimeoutError extends Error {
  // `TimeoutError` and ETIMEDOUT are what errors.ts treats as a transient network failure.
  override name = 'TimeoutError';
  readonly code = 'ETIMEDOUT';
  constructor(readonly timeoutMs: number) {
    super(`no answer from the Kubernetes API within ${formatTimeout(timeoutMs)}`);
  }
}

export function formatTimeout(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}

const currentSignal = new AsyncLocalStorage<AbortSignal>();

/**
 * Runs one attempt of an API call with a deadline: requests made inside carry an AbortSignal that fires after
 * `timeoutMs` (including reading the body), and the attempt fails with RequestTimeoutError then.
 */
export async function withRequestTimeout<T>(timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  if (!(timeoutMs > 0 && Number.isFinite(timeoutMs))) return fn();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new RequestTimeoutError(timeoutMs);
      controller.abort(err);
      reject(err);
    }, timeoutMs);
  });
  try {
    // The race also ends attempts stuck where no request is in flight (e.g. an exec credential plugin).
    return await Promise.race([currentSignal.run(controller.signal, fn), expired]);
  } catch (err) {
    if (controller.signal.aborted) throw controller.signal.reason;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** The kubeconfig's authentication, plus the signal that ends the request at its deadline. */
function authWithDeadline(kc: KubeConfig, timeoutMs: number): SecurityAuthentication {
  return {
    getName: () => 'default',
    async applySecurityAuthentication(context: RequestContext) {
      await kc.applySecurityAuthentication(context);
      // Outside withRequestTimeout (a caller using the API objects directly) the request still gets a deadline.
      const signal = currentSignal.getStore() ?? (timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined);
      if (signal) context.setSignal(signal);
    },
  };
}

/** Like `kc.makeApiClient`, with pooled connections and request deadlines. */
export function makeApiClient<T>(kc: KubeConfig, apiClientType: new (config: Configuration) => T, timeoutMs: number = DEFAULT_REQUEST_TIMEOUT_MS): T {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('No active cluster!');
  usePooledAgents(kc);
  const config = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: authWithDeadline(kc, timeoutMs) },
  });
  return new apiClientType(config);
}
