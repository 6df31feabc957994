// Where the cluster is: a kubeconfig file and context like kubectl, else the in-cluster service account in a pod.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { usePooledAgents } from './transport.js';

/** A bad --kubeconfig or --context: the user's input, not a cluster failure. */
export class ConnectionError extends Error {
  override name = 'ConnectionError';
}

export interface ConnectionOptions {
  /** Explicit kubeconfig file (--kubeconfig); wins over KUBECONFIG and ~/.kube/config. */
  kubeconfig?: string;
  /** Context name (--context); default: the file's current-context. */
  context?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** Prefix before /var/run/secrets/..., for tests. */
  rootPrefix?: string;
}

export interface Connection {
  kubeConfig: KubeConfig;
  source: 'in-cluster' | 'kubeconfig';
  /** e.g. `cluster kind-kind (https://127.0.0.1:6443)`. */
  description: string;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

function describe(kc: KubeConfig, source: string): string {
  return `cluster ${kc.getCurrentContext() || source} (${kc.getCurrentCluster()?.server ?? 'unknown server'})`;
}

/** Kubeconfig entries of one or more files; for a duplicate name the first file's entry wins (kubectl's rule). */
function mergeKubeconfigs(files: string[]): KubeConfig {
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let currentContext = '';
  for (const path of files) {
    const one = new KubeConfig();
    try {
      // kubectl accepts an empty file as an empty config.
      if (readFileSync(path, 'utf8').trim() === '') continue;
      one.loadFromFile(path); // also makes certificate paths relative to this file absolute
    } catch (err) {
      throw new ConnectionError(`cannot read kubeconfig ${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    for (const c of one.getClusters()) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of one.getUsers()) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of one.getContexts()) if (!contexts.has(c.name)) contexts.set(c.name, c);
    // The first file that sets current-context wins.
    if (!currentContext && one.getCurrentContext()) currentContext = one.getCurrentContext();
  }
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [...clusters.values()], users: [...users.values()], contexts: [...contexts.values()], currentContext });
  return kc;
}

/** The in-cluster service account is usable (client-go's inClusterClientConfig.Possible). */
function inClusterPossible(env: NodeJS.ProcessEnv, prefix: string): boolean {
  return !!env.KUBERNETES_SERVICE_HOST && !!env.KUBERNETES_SERVICE_PORT && existsSync(`${prefix}${SERVICE_ACCOUNT_DIR}/token`);
}

/**
 * The cluster to talk to, or undefined when none is configured (then the directory target is used).
 *
 * Precedence as in client-go's clientcmd loading rules (kubectl): the --kubeconfig file; else every file of
 * $KUBECONFIG (missing ones skipped), merged; else ~/.kube/config. Only when none of them yields a config (no
 * file, or files without clusters and contexts) is the in-cluster service account used
 * (DeferredLoadingClientConfig falls back to in-cluster only for an empty config).
 */
export function findCluster(options: ConnectionOptions = {}): Connection | undefined {
  const env = options.env ?? process.env;
  const prefix = options.rootPrefix ?? '';

  let files: string[];
  if (options.kubeconfig) {
    if (!existsSync(options.kubeconfig)) throw new ConnectionError(`kubeconfig file ${options.kubeconfig} does not exist`);
    files = [options.kubeconfig];
  } else {
    const candidates = env.KUBECONFIG ? env.KUBECONFIG.split(delimiter).filter(Boolean) : [join(options.home ?? homedir(), '.kube', 'config')];
    files = candidates.filter((f) => existsSync(f));
  }
  const kc = mergeKubeconfigs(files);
  const empty = kc.getClusters().length === 0 && kc.getContexts().length === 0;

  if (empty && !options.kubeconfig && inClusterPossible(env, prefix)) {
    const inCluster = new KubeConfig();
    inCluster.loadFromCluster(prefix || undefined);
    usePooledAgents(inCluster, env);
    return { kubeConfig: inCluster, source: 'in-cluster', description: `cluster in-cluster (${inCluster.getCurrentCluster()?.server ?? 'kubernetes.default'})` };
  }
  if (files.length === 0) {
    // Asking for a context means a cluster was meant: never fall back to the dry-run directory in silence.
    if (options.context) throw new ConnectionError(`context "${options.context}" was asked for, but no kubeconfig was found (--kubeconfig, KUBECONFIG or ~/.kube/config)`);
    return undefined;
  }
  const file = files.join(delimiter);

  const contexts = kc.getContexts().map((c) => c.name);
  if (options.context) {
    if (!contexts.includes(options.context)) {
      throw new ConnectionError(`context "${options.context}" is not in ${file}; available: ${contexts.join(', ') || '(none)'}`);
    }
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new ConnectionError(`${file} has no current context with a cluster; pass --context (available: ${contexts.join(', ') || '(none)'})`);
  }
  // One keep-alive pool per process; HTTPS_PROXY/NO_PROXY apply unless the cluster entry sets proxy-url.
  usePooledAgents(kc, env);
  return { kubeConfig: kc, source: 'kubeconfig', description: describe(kc, file) };
}
