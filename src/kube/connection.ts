// Where the cluster is: in-cluster service account when running in a pod, else a kubeconfig file and context.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

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

/** The cluster to talk to, or undefined when none is configured (then the directory target is used). */
export function findCluster(options: ConnectionOptions = {}): Connection | undefined {
  const env = options.env ?? process.env;
  const kc = new KubeConfig();

  const prefix = options.rootPrefix ?? '';
  if (!options.kubeconfig && env.KUBERNETES_SERVICE_HOST && existsSync(`${prefix}${SERVICE_ACCOUNT_DIR}/token`)) {
    kc.loadFromCluster(prefix || undefined);
    return { kubeConfig: kc, source: 'in-cluster', description: `cluster in-cluster (${kc.getCurrentCluster()?.server ?? 'kubernetes.default'})` };
  }

  let files: string[];
  if (options.kubeconfig) {
    if (!existsSync(options.kubeconfig)) throw new ConnectionError(`kubeconfig file ${options.kubeconfig} does not exist`);
    files = [options.kubeconfig];
  } else {
    const candidates = env.KUBECONFIG ? env.KUBECONFIG.split(delimiter).filter(Boolean) : [join(options.home ?? homedir(), '.kube', 'config')];
    files = candidates.filter((f) => existsSync(f));
  }
  if (files.length === 0) return undefined;
  const file = files.join(delimiter);

  // Like kubectl: every file of KUBECONFIG is merged, the first one's current-context wins.
  for (const [i, path] of files.entries()) {
    try {
      if (i === 0) kc.loadFromFile(path);
      else {
        const more = new KubeConfig();
        more.loadFromFile(path);
        kc.mergeConfig(more, true);
      }
    } catch (err) {
      throw new ConnectionError(`cannot read kubeconfig ${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
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
  return { kubeConfig: kc, source: 'kubeconfig', description: describe(kc, file) };
}
