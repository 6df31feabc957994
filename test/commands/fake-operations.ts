// A small in-memory Operations for command-layer tests: real spec resolution (so spec errors are real), a plan
// computed from the resolved specs, progress steps like the real ones, and stored values per instance.
import type { Bundle } from '../../src/render/bundle.js';
import type { FieldChange, InstanceStatus, ObjectChange, Plan, Target } from '../../src/operations/target.js';
import type { DeployRequest, DeployResult, Operations } from '../../src/operations/api.js';
import { deepMerge, loadSources, resolveSpec, type Values } from '../../src/instance/index.js';

interface Stored {
  values: Values;
}

export class FakeOperations implements Operations {
  readonly instances = new Map<string, Stored>();
  readonly calls: string[] = [];
  readonly target: Target;

  constructor() {
    const instances = this.instances;
    this.target = {
      // Behaves like a cluster: things become ready (the directory target's wording is tested on the real one).
      kind: 'cluster',
      description: 'fake',
      listInstances: async () => [...instances.keys()],
      loadValues: async (name: string) => instances.get(name)?.values,
    } as unknown as Target;
  }

  async preview(req: Omit<DeployRequest, 'dryRun' | 'wait'>): Promise<DeployResult> {
    const stored = this.instances.get(req.instance)?.values;
    const values = req.changes.reduce((acc, c) => deepMerge(acc, c), { ...(stored ?? {}), name: req.instance });
    const spec = resolveSpec([{ values }]);
    const before = stored ? resolveSpec([{ values: stored }]) : undefined;
    const bundle = { instance: req.instance, namespace: spec.namespace, agentNamespace: spec.namespace, spec, objects: [], casc: 'jenkins: {}\n', cascRevision: 'abc', cascExtra: [] } as Bundle;
    const changes: ObjectChange[] = before
      ? [{ kind: 'StatefulSet', name: req.instance, namespace: spec.namespace, action: 'update', fields: diffFields('', before, spec) }]
      : ['ConfigMap', 'Service', 'StatefulSet'].map((kind) => ({ kind, name: req.instance, namespace: spec.namespace, action: 'create' as const, fields: [] }));
    const real = changes.filter((c) => c.action === 'create' || c.fields.length > 0);
    const plan: Plan = { instance: req.instance, changes: real, empty: real.length === 0 };
    return { bundle, plan, created: !stored, applied: false, ...(stored ? {} : {}) } as DeployResult & { values: Values };
  }

  async deploy(req: DeployRequest): Promise<DeployResult> {
    this.calls.push(`deploy ${req.instance}`);
    return this.apply(req);
  }

  private async apply(req: DeployRequest): Promise<DeployResult> {
    const preview = await this.preview(req);
    if (req.dryRun) return preview;
    const stored = this.instances.get(req.instance)?.values;
    req.onProgress?.({ phase: 'applied', message: `applied ${preview.plan.changes.length} objects` });
    this.instances.set(req.instance, { values: req.changes.reduce((acc, c) => deepMerge(acc, c), { ...(stored ?? {}), name: req.instance }) });
    req.onProgress?.({ phase: 'pod-scheduled', message: `pod ${req.instance}-0 scheduled on node-1` });
    req.onProgress?.({ phase: 'ready', message: `${req.instance}-0 is ready` });
    return { ...preview, applied: true, adminSecret: stored ? 'exists' : 'created', outcome: { status: 'ready', message: 'Jenkins is up' } };
  }

  scaleControllers(req: Parameters<Operations['scaleControllers']>[0]): Promise<DeployResult> {
    this.calls.push(`scale ${req.instance} ${req.replicas}`);
    return this.apply({ instance: req.instance, changes: [{ controller: { replicas: req.replicas } }], actor: req.actor, ...(req.onProgress ? { onProgress: req.onProgress } : {}) });
  }

  scaleAgents(req: Parameters<Operations['scaleAgents']>[0]): Promise<DeployResult> {
    this.calls.push(`scale-agents ${req.instance} ${req.containerCap}${req.template ? ` ${req.template}=${req.instanceCap}` : ''}`);
    return this.apply({ instance: req.instance, changes: [{ agents: { containerCap: req.containerCap } }], actor: req.actor });
  }

  async urls(bundle: Bundle): Promise<string[]> {
    return [`http://${bundle.instance}.${bundle.namespace}.svc:8080`];
  }

  async status(instance?: string): Promise<InstanceStatus[]> {
    const names = instance ? [instance] : [...this.instances.keys()];
    return names.map((name) => {
      const stored = this.instances.get(name);
      if (!stored) return { name, namespace: 'jenkins', exists: false, replicas: { desired: 0, ready: 0 }, controllers: [], volumes: [], urls: [], agents: { running: 0, pending: 0 }, casc: {} };
      const spec = resolveSpec([{ values: stored.values }]);
      const n = spec.controller.replicas;
      return {
        name, namespace: spec.namespace, exists: true,
        replicas: { desired: n, ready: n },
        controllers: Array.from({ length: n }, (_, i) => ({ name: `${name}-${i}`, phase: 'Running', ready: true, restarts: i, node: 'node-1', ageSeconds: 3700 })),
        volumes: Array.from({ length: Math.max(n, 1) }, (_, i) => ({ claim: `jenkins-home-${name}-${i}`, phase: 'Bound' })),
        urls: [`http://${name}.${spec.namespace}.svc:8080`],
        agents: { running: 2, pending: 1 },
        casc: { desired: 'abc', live: 'abc' },
      };
    });
  }

  async casc(instance: string): Promise<string> {
    return `jenkins:\n  systemMessage: "${instance}"\n`;
  }

  async password(): Promise<{ user: string; password: string }> {
    return { user: 'admin', password: 'fake-password-for-tests' };
  }

  async delete(req: { instance: string; purge: boolean }): Promise<{ deleted: string[]; kept: string[] }> {
    this.calls.push(`delete ${req.instance}${req.purge ? ' --purge' : ''}`);
    this.instances.delete(req.instance);
    return { deleted: ['StatefulSet/' + req.instance, 'Service/' + req.instance], kept: req.purge ? [] : [`PersistentVolumeClaim/jenkins-home-${req.instance}-0`] };
  }

  async templates(): Promise<{ name: string; label: string; description?: string }[]> {
    return [...loadSources().presets.entries()].map(([name, p]) => ({ name, label: String(p.label), description: String(p.description) }));
  }
}

function diffFields(prefix: string, a: unknown, b: unknown): FieldChange[] {
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => diffFields(prefix ? `${prefix}.${k}` : k, a[k], b[k]));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => diffFields(`${prefix}[${i}]`, a[i], b[i])).flat();
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path: prefix, before: a, after: b }];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
