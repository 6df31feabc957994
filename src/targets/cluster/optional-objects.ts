// Objects a spec switch renders (an Ingress, a PodDisruptionBudget, a NetworkPolicy, a ServiceMonitor). The bundle
// names them only while the switch is on, so `delete` also finds them by the instance's ownership labels: one left by
// an earlier deploy that had the switch on goes too.
import type { KubernetesObject, KubernetesListObject } from '@kubernetes/client-node';
import type { ObjectRef } from '../../kube/client.js';
import { statusCode } from '../../kube/errors.js';
import { pluralOf } from '../../kube/resources.js';
import { ownedSelector, selectorString } from '../../instance/naming.js';
import type { ClusterContext } from './context.js';
import { OPTIONAL_KINDS } from '../switched-objects.js';

/** This instance's objects of the optional kinds in `namespace`, found by its labels. */
export async function ownedOptionalObjects({ client }: ClusterContext, instance: string, namespace: string): Promise<ObjectRef[]> {
  const labelSelector = selectorString(ownedSelector(instance));
  const found: ObjectRef[] = [];
  for (const { apiVersion, kind } of OPTIONAL_KINDS) {
    const list = await client
      .listAll<KubernetesObject, KubernetesListObject<KubernetesObject>>({ verb: 'list', resource: pluralOf(apiVersion, kind), namespace }, (chunk) =>
        client.objects.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector, chunk.limit, chunk._continue))
      .catch((err: unknown) => {
        // A CRD kind on a cluster without its operator: there is none to delete.
        if (statusCode(err) === 404) return { items: [] as KubernetesObject[] };
        throw err;
      });
    for (const item of list.items) if (item.metadata?.name) found.push({ apiVersion, kind, name: item.metadata.name, namespace });
  }
  return found;
}
