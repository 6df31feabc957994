// deploy / scale / status / delete: load stored values → layer the changes → resolve → render → lock → apply → wait.
import { hostname } from 'node:os';
import type { Bundle } from '../render/bundle.js';
import { cascStream, renderBundle } from '../render/index.js';
import type { PlanSnapshot, ProgressSink, Target } from './target.js';
import { clone, deepMerge, isPlainObject, loadSources, mergeLayers, resolveSpec, type InstanceSpec, type SpecSources, type Values } from '../instance/index.js';
import type { Actor, DeployRequest, DeployResult, Operations } from './api.js';
import { names } from '../instance/naming.js';

export interface OperationsOptions {
  /** The generator; tests may pass a stub. */
  render?: (spec: InstanceSpec) => Bundle;
  sources?: SpecSources;
  /** Identifies this bot process in lock holders: `<actor>@<host>`. */
  host?: string;
  /** Default wait for controllers to become ready (seconds). */
  readyTimeoutSeconds?: number;
  /** Default wait for a JCasC reload (seconds). */
  reloadTimeoutSeconds?: number;
  /** Clock for the age of remembered plans (tests). */
  now?: () => number;
}

/** An operation on an instance that was never deployed (or was deleted). */
export class UnknownInstanceError extends Error {
  override name = 'UnknownInstanceError';
  constructor(readonly instance: string, where: string) {
    super(`no instance named ${instance} on ${where}; deploy it first (jenkins-chatops deploy --set name=${instance})`);
  }
}

/** How long an instance's latest plan is offered for reuse (verified first) by the next plan of the same objects. */
const RECENT_PLAN_MS = 10 * 60_000;
const RECENT_PLANS = 64;

export function createOperations(target: Target, options: OperationsOptions = {}): Operations {
  const render = options.render ?? renderBundle;
  const sources = () => options.sources ?? loadSources();
  const host = options.host ?? hostname();
  const holder = (actor: Actor) => `${actor.id}@${host}`;
  const now = options.now ?? Date.now;

  type Prepared = Awaited<ReturnType<typeof prepare>>;
  /**
   * The preview a deploy request was shown, keyed by the request's `changes` (a handler asks with a preview, then
   * deploys the same request): the deploy renders nothing again and hands the preview's plan to the apply as the
   * plan the user agreed to.
   */
  const previews = new WeakMap<Values[], { prepared: Prepared; snapshot: PlanSnapshot }>();
  /** Each instance's latest plan: the next plan of the same objects verifies it instead of planning again. */
  const recent = new Map<string, { snapshot: PlanSnapshot; at: number }>();
  const remember = (key: string, snapshot: PlanSnapshot | undefined) => {
    recent.delete(key);
    if (!snapshot) return;
    recent.set(key, { snapshot, at: now() });
    for (const oldest of recent.keys()) {
      if (recent.size <= RECENT_PLANS) break;
      recent.delete(oldest);
    }
  };
  const latest = (key: string): PlanSnapshot | undefined => {
    const entry = recent.get(key);
    return entry && now() - entry.at <= RECENT_PLAN_MS ? entry.snapshot : undefined;
  };

  /** The user's values after this request (what gets stored), and what they render to. */
  async function prepare(instance: string, changes: Values[], namespace?: string, known?: Values | null) {
    const stored = known === undefined ? await target.loadValues(instance, namespace) : known ?? undefined;
    let values: Values = stored ?? {};
    for (const change of changes) values = deepMerge(values, change);
    values = deepMerge(values, namespace ? { name: instance, namespace } : { name: instance });
    const spec = resolveSpec([{ values }], sources());
    return { stored, values, bundle: render(spec) };
  }

  async function existing(instance: string, namespace?: string) {
    const prepared = await prepare(instance, [], namespace);
    if (!prepared.stored) throw new UnknownInstanceError(instance, target.description);
    return prepared;
  }

  async function namespaceOf(instance: string, namespace?: string): Promise<string> {
    if (namespace) return namespace;
    const stored = await target.loadValues(instance);
    const ns = stored?.namespace ?? mergeLayers([], sources()).namespace;
    return typeof ns === 'string' ? ns : 'jenkins';
  }

  async function deploy(req: DeployRequest): Promise<DeployResult> {
    const previewed = req.dryRun ? undefined : previews.get(req.changes);
    previews.delete(req.changes);
    const prepared = previewed?.prepared ?? (await prepare(req.instance, req.changes, req.namespace, req.stored));
    const { stored, values, bundle } = prepared;
    const created = !stored;
    const key = `${bundle.namespace}/${bundle.instance}`;
    const reuse = previewed?.snapshot ?? latest(key);
    if (req.dryRun) {
      const { plan, snapshot } = await target.apply(bundle, values, { dryRun: true, force: req.force, ...(reuse ? { reuse } : {}) });
      remember(key, snapshot);
      if (snapshot) previews.set(req.changes, { prepared, snapshot });
      return { bundle, plan, created, applied: false };
    }
    return target.withLock(bundle.instance, bundle.namespace, holder(req.actor), async (signal) => {
      // Created while the apply plans (it writes nothing before they exist); a failure stops it before any write.
      const secrets = Promise.all([target.ensureAdminSecret(bundle), target.ensureReloadToken(bundle)]);
      const [applying, ensuring] = await Promise.allSettled([
        target.apply(bundle, values, {
          force: req.force, onProgress: req.onProgress, signal, beforeWrites: secrets,
          // The preview's plan is what the user agreed to: a cluster that changed since into another plan stops the deploy.
          ...(reuse ? { reuse, confirmed: previewed !== undefined } : {}),
        }),
        secrets,
      ]);
      if (applying.status === 'rejected') throw applying.reason;
      if (ensuring.status === 'rejected') throw ensuring.reason;
      const { plan, applied, snapshot } = applying.value;
      const [adminSecret] = ensuring.value;
      // What was just applied has new versions: only a plan that changed nothing stays worth verifying.
      remember(key, applied ? undefined : snapshot);
      const result: DeployResult = { bundle, plan, created, applied, adminSecret };
      if (!applied || req.wait === false) return result;
      const touched = new Set(plan.changes.filter((c) => c.action !== 'unchanged').map((c) => `${c.kind}/${c.name}`));
      const wait = { timeoutSeconds: req.timeoutSeconds ?? options.readyTimeoutSeconds, onProgress: req.onProgress, signal };
      if (touched.has(`StatefulSet/${names.statefulSet(bundle.instance)}`)) {
        result.outcome = await target.waitReady(bundle, wait);
      } else if (touched.has(`ConfigMap/${names.cascConfigMap(bundle.instance)}`)) {
        result.outcome = await target.waitCascReload(bundle, { ...wait, timeoutSeconds: req.timeoutSeconds ?? options.reloadTimeoutSeconds });
      }
      return result;
    });
  }

  return {
    target,

    async preview(req) {
      return deploy({ ...req, dryRun: true, wait: false });
    },

    deploy,

    async scaleControllers(req) {
      const controller: Values = { replicas: req.replicas };
      // Several controllers are independent Jenkins: keep each browser on one of them.
      if (req.replicas > 1) controller.sessionAffinity = true;
      const { bundle } = await existing(req.instance, req.namespace);
      const before = bundle.spec.controller.replicas;
      const result = await deploy({ instance: req.instance, namespace: req.namespace, changes: [{ controller }], actor: req.actor, wait: req.wait, onProgress: req.onProgress });
      if (result.applied && req.replicas < before) {
        const kept = Array.from({ length: before - req.replicas }, (_, i) => names.homeClaim(req.instance, req.replicas + i));
        req.onProgress?.({
          phase: 'volumes-kept',
          message: `kept ${kept.join(', ')}${bundle.spec.persistence.mode === 'static' ? ' and their PersistentVolumes' : ''}: scaling back up reuses the data; delete --purge removes it`,
        });
      }
      return result;
    },

    async scaleAgents(req) {
      const { stored, bundle } = await existing(req.instance, req.namespace);
      const agents: Values = { containerCap: req.containerCap };
      if (req.template !== undefined) {
        const index = bundle.spec.agents.templates.findIndex((t) => t.name === req.template);
        if (index < 0) {
          throw new UnknownInstanceError(req.instance, `${target.description} (template ${req.template} not found; templates: ${bundle.spec.agents.templates.map((t) => t.name).join(', ')})`);
        }
        // Lists replace whole when values merge: store the full template list with the one cap changed.
        const merged = mergeLayers([{ values: stored! }], sources()).agents;
        const templates = isPlainObject(merged) && Array.isArray(merged.templates) ? clone(merged.templates) as Values[] : [];
        if (req.instanceCap !== undefined && templates[index]) templates[index] = { ...templates[index], instanceCap: req.instanceCap };
        agents.templates = templates;
      }
      const onProgress: ProgressSink | undefined = req.onProgress;
      const result = await deploy({ instance: req.instance, namespace: req.namespace, changes: [{ agents }], actor: req.actor, onProgress, timeoutSeconds: options.reloadTimeoutSeconds });
      return result;
    },

    async status(instance, namespace) {
      const names = instance ? [instance] : await target.listInstances();
      const out = [];
      for (const name of names) out.push(await target.status(name, await namespaceOf(name, namespace)));
      return out;
    },

    urls(bundle) {
      return target.urls(bundle);
    },

    async casc(instance, namespace) {
      return cascStream((await existing(instance, namespace)).bundle);
    },

    async password(instance, namespace) {
      return target.readAdminPassword(instance, await namespaceOf(instance, namespace));
    },

    async delete(req) {
      const { bundle } = await existing(req.instance, req.namespace);
      return target.withLock(bundle.instance, bundle.namespace, holder(req.actor), () =>
        target.delete(bundle, { purge: req.purge, onProgress: req.onProgress }));
    },

    async templates() {
      return [...sources().presets.entries()].map(([preset, values]) => {
        const entry: { name: string; label: string; description?: string } = {
          name: typeof values.name === 'string' ? values.name : preset,
          label: typeof values.label === 'string' ? values.label : preset,
        };
        if (typeof values.description === 'string') entry.description = values.description;
        return entry;
      });
    },
  };
}
