// `status`: what runs of an instance — replicas, controller pods, volumes, URLs, agent pods, JCasC live vs desired.
import type { Bundle, KubeObject } from '../../render/bundle.js';
import type { Values } from '../../instance/index.js';
import { ANNOTATION_CASC_REVISION, LABEL_AGENT_CONTROLLER, LABEL_AGENT_INSTANCE, controllerSelector, names, selectorString } from '../../instance/naming.js';
import type { InstanceStatus } from '../../operations/target.js';
import { cascLoaded } from './casc-wait.js';
import { ownedClaims, type ClusterContext } from './context.js';
import { controllerPod, serviceUrls, volume } from './status-view.js';

interface IngressValues {
  enabled?: boolean;
  host?: string;
  path?: string;
  tlsSecret?: string;
}

/** The Ingress' URL for a host (`https` with TLS), when the instance has an Ingress. */
function externalUrl(ingress: IngressValues | undefined): ((host: string) => string) | undefined {
  return ingress?.enabled && ingress.host ? (host) => `${ingress.tlsSecret ? 'https' : 'http'}://${host}${ingress.path ?? '/'}` : undefined;
}

/**
 * A deployed bundle's URLs, Ingress first: a ClusterIP instance's come from its spec alone; a NodePort or
 * LoadBalancer one reads its Service (the assigned port, the balancer's address) and the nodes, in one round trip.
 */
export async function bundleUrls(ctx: ClusterContext, bundle: Bundle): Promise<string[]> {
  const { spec, instance, namespace } = bundle;
  const exposed = spec.service.type !== 'ClusterIP';
  const [service, nodes] = exposed
    ? await Promise.all([ctx.client.readService(namespace, names.httpService(instance)), ctx.client.listNodes().then((l) => l.items)])
    : [undefined, []];
  const urls = serviceUrls(service, nodes, { name: names.httpService(instance), namespace, port: spec.service.port, clusterDomain: spec.clusterDomain });
  const external = externalUrl(spec.ingress);
  return external ? [external(spec.ingress!.host!), ...urls] : urls;
}

/** `values` are the instance's stored values (undefined when it was never deployed or they are gone). */
export async function instanceStatus(ctx: ClusterContext, instance: string, namespace: string, values: Values | undefined): Promise<InstanceStatus> {
  const { client, settings } = ctx;
  const now = settings.now();
  // Everything that does not depend on another answer is asked at once: status costs round trips, not requests.
  const agentNamespace = (values?.agents as { namespace?: string } | undefined)?.namespace ?? namespace;
  const [sts, pods, claims, service, agentPods, cm] = await Promise.all([
    client.read({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: names.statefulSet(instance), namespace }) as Promise<KubeObject | undefined>,
    client.listPods(namespace, selectorString(controllerSelector(instance))),
    ownedClaims(ctx, instance, namespace),
    client.readService(namespace, names.httpService(instance)),
    // This instance's agents only: the cloud labels every pod it starts with the instance's name, and its controller's.
    client.listPods(agentNamespace, `${LABEL_AGENT_INSTANCE}=${instance}`),
    client.read({ apiVersion: 'v1', kind: 'ConfigMap', name: names.cascConfigMap(instance), namespace }),
  ]);
  const base: InstanceStatus = { name: instance, namespace, exists: !!(sts || values), replicas: { desired: 0, ready: 0 }, controllers: [], volumes: [], urls: [], agents: { running: 0, pending: 0 }, casc: {} };
  if (!base.exists) return base;
  const spec = (sts?.spec ?? {}) as { replicas?: number };
  const stsStatus = (sts?.status ?? {}) as { readyReplicas?: number };
  base.replicas = { desired: spec.replicas ?? 0, ready: stsStatus.readyReplicas ?? 0 };
  base.controllers = pods.items.map((p) => controllerPod(p, now)).sort((a, b) => a.name.localeCompare(b.name));
  base.volumes = claims.map(volume);
  const fleet = base.replicas.desired > 1;
  const desired = cm?.metadata.annotations?.[ANNOTATION_CASC_REVISION];
  // With several controllers each has its own Service (named like its pod); read those that the pods need.
  const ownServices = fleet ? Promise.all(base.controllers.map((c) => client.readService(namespace, c.name))) : Promise.resolve([]);
  const nodesFor = async () => {
    const needsNodes = [service, ...(await ownServices)].some((s) => s?.spec?.type === 'NodePort' || s?.spec?.type === 'LoadBalancer');
    return needsNodes ? (await client.listNodes()).items : [];
  };
  const [own, nodes, check] = await Promise.all([
    ownServices,
    nodesFor(),
    desired ? cascLoaded(ctx, instance, namespace, desired).catch(() => undefined) : Promise.resolve(undefined),
  ]);
  const port = (values?.service as { port?: number } | undefined)?.port ?? 8080;
  const clusterDomain = typeof values?.clusterDomain === 'string' ? values.clusterDomain : undefined;
  base.urls = serviceUrls(service, nodes, { name: names.httpService(instance), namespace, port, ...(clusterDomain ? { clusterDomain } : {}) });
  const agents = agentPods.items;
  const count = (pods: typeof agents) => ({
    running: pods.filter((p) => p.status?.phase === 'Running').length,
    pending: pods.filter((p) => p.status?.phase === 'Pending').length,
  });
  base.agents = count(agents);
  if (desired) {
    base.casc.desired = desired;
    if (check && check.running > 0 && check.loaded.length >= check.running) base.casc.live = desired;
  }
  // Through the Ingress first: the address people are meant to use (and the one Jenkins links to).
  const ingress = values?.ingress as IngressValues | undefined;
  const external = externalUrl(ingress);
  if (external) base.urls = [external(ingress!.host!), ...base.urls];
  base.controllers.forEach((controller, i) => {
    const ownUrls = own[i] ? serviceUrls(own[i], nodes, { name: controller.name, namespace, port, ...(clusterDomain ? { clusterDomain } : {}) }) : base.urls;
    if (external && fleet) ownUrls.unshift(external(`${controller.name}.${ingress!.host}`));
    if (ownUrls[0]) controller.url = ownUrls[0];
    controller.agents = count(agents.filter((p) => p.metadata?.labels?.[LABEL_AGENT_CONTROLLER] === controller.name));
    if (check && !check.problem && controller.phase === 'Running') controller.cascLoaded = check.loaded.includes(controller.name);
  });
  return base;
}
