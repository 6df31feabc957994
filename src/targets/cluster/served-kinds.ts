// Kinds a bundle may hold that only some clusters serve: custom resources whose CRD comes with an operator. Asked of
// API discovery before the plan reads anything, so a cluster without the operator gets a plan error that names the
// kind and what to do — instead of a plan that says "create" and an apply that fails halfway with a 404.
import { CustomObjectsApi } from '@kubernetes/client-node';
import type { KubeObject } from '../../render/bundle.js';
import { statusCode } from '../../kube/errors.js';
import { pluralOf } from '../../kube/resources.js';
import { makeApiClient } from '../../kube/transport.js';
import type { ClusterContext } from './context.js';

interface OptionalKind {
  /** Whose CRD serves it, for the message. */
  provider: string;
  /** The spec setting that renders it, to turn it off. */
  setting: string;
}

/** Built-in kinds are served by every supported cluster; these only where their operator is installed. */
const OPTIONAL_KINDS: Record<string, OptionalKind> = {
  'monitoring.coreos.com/v1/ServiceMonitor': { provider: "the Prometheus operator's", setting: 'metrics.serviceMonitor=false' },
};

/** A bundle asks for a kind the cluster does not serve: nothing was planned or changed. */
export class UnservedKindError extends Error {
  override name = 'UnservedKindError';
  constructor(readonly kind: string, readonly apiVersion: string, message: string) {
    super(message);
  }
}

/** Throws UnservedKindError for the first optional kind of `objects` whose group/version lacks it in discovery. */
export async function checkServedKinds(ctx: ClusterContext, objects: KubeObject[]): Promise<void> {
  const wanted = new Map<string, KubeObject>();
  for (const object of objects) {
    const key = `${object.apiVersion}/${object.kind}`;
    if (OPTIONAL_KINDS[key] && !wanted.has(key)) wanted.set(key, object);
  }
  if (wanted.size === 0) return;
  const api = makeApiClient(ctx.client.kubeConfig, CustomObjectsApi, ctx.client.requestTimeoutMs);
  for (const [key, object] of wanted) {
    const [group, version] = object.apiVersion.split('/') as [string, string];
    const plural = pluralOf(object.apiVersion, object.kind);
    const served = await ctx.client
      .call({ verb: 'get', resource: `${group}/${version} (API discovery)` }, () => api.getAPIResources({ group, version }))
      .then((list) => list.resources.some((r) => r.name === plural), (err: unknown) => {
        if (statusCode(err) === 404) return false;
        throw err;
      });
    if (served) continue;
    const { provider, setting } = OPTIONAL_KINDS[key]!;
    throw new UnservedKindError(object.kind, object.apiVersion,
      `${object.kind} ${object.metadata.name} needs ${provider} CRD ${object.apiVersion} (${plural}.${group}), which this cluster does not serve; ` +
      `install it or set ${setting}. No object of the instance was applied.`);
  }
}
