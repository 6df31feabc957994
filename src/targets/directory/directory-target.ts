// A folder instead of a cluster: the bundle is written as files and read back, so every command can be tried
// without Kubernetes (and the files can later be `kubectl apply -f`-ed). Nothing runs here.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dump, load } from 'js-yaml';
import type { Bundle, KubeObject } from '../../render/bundle.js';
import { writeCascExtra } from '../../render/index.js';
import { ANNOTATION_CASC_REVISION, names, RELOAD_TOKEN_KEY } from '../../instance/naming.js';
import type { Values } from '../../instance/index.js';
import { objectChange } from '../diff.js';
import { parseStoredValues, valuesYaml } from '../stored-values.js';
import {
  BusyError, type ApplyOptions, type ApplyResult, type DeleteResult, type InstanceStatus, type ObjectChange, type Outcome, type Plan, type ProgressSink, type Target,
} from '../../operations/target.js';

export const DEFAULT_DIRECTORY = './.jenkins-chatops';
const ADMIN_FILE = 'admin-secret.yaml';
const RELOAD_TOKEN_FILE = 'casc-reload-token.yaml';
const VALUES_FILE = 'values.yaml';
const LOCK_STALE_MS = 10 * 60_000;

export class DirectoryTarget implements Target {
  readonly kind = 'directory' as const;
  readonly description: string;
  readonly root: string;

  constructor(dir: string = DEFAULT_DIRECTORY, private readonly now: () => number = Date.now) {
    this.root = resolve(dir);
    this.description = `directory ${dir} (dry run: files only, nothing runs)`;
  }

  private folder(instance: string): string {
    return join(this.root, instance);
  }

  private manifestsDir(instance: string): string {
    return join(this.folder(instance), 'manifests');
  }

  async listInstances(): Promise<string[]> {
    if (!existsSync(this.root)) return [];
    return readdirSync(this.root).filter((name) => existsSync(join(this.root, name, VALUES_FILE))).sort();
  }

  async loadValues(instance: string, namespace?: string): Promise<Values | undefined> {
    const file = join(this.folder(instance), VALUES_FILE);
    if (!existsSync(file)) return undefined;
    const values = parseStoredValues(readFileSync(file, 'utf8'), file);
    if (namespace && typeof values.namespace === 'string' && values.namespace !== namespace) return undefined;
    return values;
  }

  /** What is on disk now: manifest file name → object. */
  private readManifests(instance: string): Map<string, KubeObject> {
    const dir = this.manifestsDir(instance);
    const found = new Map<string, KubeObject>();
    if (!existsSync(dir)) return found;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
      const doc = load(readFileSync(join(dir, file), 'utf8'));
      if (doc && typeof doc === 'object') found.set(file, doc as KubeObject);
    }
    return found;
  }

  private findLive(existing: Map<string, KubeObject>, object: KubeObject): KubeObject | undefined {
    for (const live of existing.values()) {
      if (live.kind === object.kind && live.metadata?.name === object.metadata.name && live.metadata?.namespace === object.metadata.namespace) return live;
    }
    return undefined;
  }

  async diff(bundle: Bundle): Promise<Plan> {
    const existing = this.readManifests(bundle.instance);
    const changes: ObjectChange[] = bundle.objects.map((o) => objectChange(o.object, this.findLive(existing, o.object)));
    // A file whose object the bundle no longer has (a switch turned off) goes; volume files stay, like volumes do.
    const wanted = new Set(bundle.objects.map((o) => `${o.object.kind}/${o.object.metadata.name}`));
    for (const live of existing.values()) {
      if (live.kind === 'PersistentVolume' || wanted.has(`${live.kind}/${live.metadata?.name}`)) continue;
      changes.push({ kind: live.kind, name: live.metadata.name, namespace: live.metadata.namespace, action: 'delete', fields: [] });
    }
    return { instance: bundle.instance, changes, empty: changes.every((c) => c.action === 'unchanged') };
  }

  async apply(bundle: Bundle, values: Values, options: ApplyOptions = {}): Promise<ApplyResult> {
    const plan = await this.diff(bundle);
    const valuesFile = join(this.folder(bundle.instance), VALUES_FILE);
    const valuesChanged = !existsSync(valuesFile) || readFileSync(valuesFile, 'utf8') !== valuesYaml(values);
    if (options.dryRun || (plan.empty && !valuesChanged)) return { plan, applied: false };
    const dir = this.manifestsDir(bundle.instance);
    mkdirSync(dir, { recursive: true });
    const wanted = new Set(bundle.objects.map((o) => o.file));
    const wantedObjects = new Set(bundle.objects.map((o) => `${o.object.kind}/${o.object.metadata.name}`));
    let after = bundle.objects.length;
    for (const [file, object] of this.readManifests(bundle.instance)) {
      if (wanted.has(file)) continue;
      // Volumes keep data: like the cluster, a scale-down leaves their PersistentVolume files in place, numbered after
      // the bundle's files so no number repeats (`08-persistentvolume-…` next to `08-service-…`); a volume the bundle
      // has again is written under the bundle's own name.
      if (object.kind !== 'PersistentVolume' || wantedObjects.has(`${object.kind}/${object.metadata?.name}`)) {
        rmSync(join(dir, file));
        const ref = `${object.kind}/${object.metadata?.name}`;
        if (!wantedObjects.has(ref)) options.onProgress?.({ phase: 'applied', object: ref, message: `removed ${file} (delete)` });
        continue;
      }
      const kept = `${String(after++).padStart(2, '0')}-${file.replace(/^\d+-/, '')}`;
      if (kept !== file) renameSync(join(dir, file), join(dir, kept));
    }
    for (const [i, o] of bundle.objects.entries()) {
      writeFileSync(join(dir, o.file), o.yaml);
      const change = plan.changes[i]!;
      if (change.action !== 'unchanged') {
        options.onProgress?.({ phase: 'applied', object: `${o.object.kind}/${o.object.metadata.name}`, message: `wrote ${o.file} (${change.action})` });
      }
    }
    writeFileSync(join(this.folder(bundle.instance), 'jenkins.yaml'), bundle.casc);
    writeCascExtra(bundle, this.folder(bundle.instance));
    writeFileSync(valuesFile, valuesYaml(values));
    return { plan, applied: true };
  }

  /** Writes a Secret manifest once (owner-only file mode), like the cluster creates the Secret once. */
  private writeSecretOnce(instance: string, fileName: string, secret: KubeObject): 'created' | 'exists' {
    const file = join(this.folder(instance), fileName);
    if (existsSync(file)) return 'exists';
    mkdirSync(this.folder(instance), { recursive: true });
    writeFileSync(file, dump(secret), { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    return 'created';
  }

  async ensureAdminSecret(bundle: Bundle): Promise<'created' | 'exists'> {
    return this.writeSecretOnce(bundle.instance, ADMIN_FILE, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: names.adminSecret(bundle.instance, bundle.spec.controller.adminSecret), namespace: bundle.namespace },
      type: 'Opaque',
      stringData: { 'jenkins-admin-user': bundle.spec.controller.adminUser, 'jenkins-admin-password': randomBytes(18).toString('base64url') },
    });
  }

  async ensureReloadToken(bundle: Bundle): Promise<'created' | 'exists'> {
    return this.writeSecretOnce(bundle.instance, RELOAD_TOKEN_FILE, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: names.reloadTokenSecret(bundle.instance), namespace: bundle.namespace },
      type: 'Opaque',
      stringData: { [RELOAD_TOKEN_KEY]: randomBytes(24).toString('base64url') },
    });
  }

  async readAdminPassword(instance: string): Promise<{ user: string; password: string }> {
    const file = join(this.folder(instance), ADMIN_FILE);
    if (!existsSync(file)) throw new Error(`no admin secret for ${instance} in ${this.root}; deploy it first`);
    const secret = load(readFileSync(file, 'utf8')) as { stringData?: Record<string, string> };
    return { user: secret.stringData?.['jenkins-admin-user'] ?? '', password: secret.stringData?.['jenkins-admin-password'] ?? '' };
  }

  async waitReady(bundle: Bundle): Promise<Outcome> {
    return { status: 'ready', message: `manifests for ${bundle.instance} written to ${this.manifestsDir(bundle.instance)} (directory target: nothing runs; apply them with kubectl apply -f)` };
  }

  async waitCascReload(bundle: Bundle): Promise<Outcome> {
    return { status: 'ready', message: `JCasC revision ${bundle.cascRevision} written to ${join(this.folder(bundle.instance), 'jenkins.yaml')} (directory target: no controller to reload)` };
  }

  async urls(bundle: Bundle): Promise<string[]> {
    const { instance, namespace, spec } = bundle;
    return [`http://${instance}.${namespace}.svc.${spec.clusterDomain}:${spec.service.port}/ (once applied to a cluster)`];
  }

  async status(instance: string, namespace: string): Promise<InstanceStatus> {
    const values = await this.loadValues(instance);
    const manifests = [...this.readManifests(instance).values()];
    const status: InstanceStatus = { name: instance, namespace, exists: !!values, replicas: { desired: 0, ready: 0 }, controllers: [], volumes: [], urls: [], agents: { running: 0, pending: 0 }, casc: {} };
    if (!values) return status;
    const sts = manifests.find((o) => o.kind === 'StatefulSet');
    status.replicas.desired = ((sts?.spec as { replicas?: number } | undefined)?.replicas) ?? 0;
    for (const pv of manifests.filter((o) => o.kind === 'PersistentVolume')) {
      const claimRef = (pv.spec as { claimRef?: { name?: string } } | undefined)?.claimRef;
      status.volumes.push({ claim: claimRef?.name ?? '?', phase: 'file only', volume: pv.metadata.name });
    }
    const service = manifests.find((o) => o.kind === 'Service' && o.metadata.name === instance);
    const port = ((service?.spec as { ports?: { port?: number }[] } | undefined)?.ports?.[0]?.port) ?? 8080;
    status.urls = [`http://${instance}.${namespace}.svc.cluster.local:${port}/ (once applied to a cluster)`];
    const cm = manifests.find((o) => o.kind === 'ConfigMap' && o.metadata.annotations?.[ANNOTATION_CASC_REVISION]);
    const revision = cm?.metadata.annotations?.[ANNOTATION_CASC_REVISION];
    if (revision) status.casc = { desired: revision };
    return status;
  }

  async delete(bundle: Bundle, options: { purge: boolean; onProgress?: ProgressSink }): Promise<DeleteResult> {
    const folder = this.folder(bundle.instance);
    const deleted: string[] = [];
    const kept: string[] = [];
    if (!existsSync(folder)) return { deleted, kept };
    if (options.purge) {
      rmSync(folder, { recursive: true, force: true });
      deleted.push(folder);
      options.onProgress?.({ phase: 'deleted', message: `removed ${folder}` });
      return { deleted, kept };
    }
    for (const [file, object] of this.readManifests(bundle.instance)) {
      const name = `${object.kind}/${object.metadata?.name}`;
      if (object.kind === 'PersistentVolume' || object.kind === 'Namespace') {
        kept.push(name);
        continue;
      }
      rmSync(join(this.manifestsDir(bundle.instance), file));
      deleted.push(name);
      options.onProgress?.({ phase: 'deleted', object: name, message: `removed ${file}` });
    }
    // The settings stay with the admin secret, as on a cluster: `deploy` brings the instance back with them, and
    // `delete --purge` still finds it.
    for (const file of ['jenkins.yaml', RELOAD_TOKEN_FILE]) rmSync(join(folder, file), { force: true });
    if (existsSync(join(folder, ADMIN_FILE))) kept.push(join(folder, ADMIN_FILE));
    if (existsSync(join(folder, VALUES_FILE))) kept.push(join(folder, VALUES_FILE));
    return { deleted, kept };
  }

  async withLock<T>(instance: string, _namespace: string, holder: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    mkdirSync(this.root, { recursive: true });
    const file = join(this.root, `${instance}.lock`);
    if (existsSync(file) && this.now() - statSync(file).mtimeMs > LOCK_STALE_MS) rmSync(file, { force: true });
    try {
      writeFileSync(file, JSON.stringify({ holder, since: new Date(this.now()).toISOString() }), { flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const held = JSON.parse(readFileSync(file, 'utf8') || '{}') as { holder?: string; since?: string };
      throw new BusyError(instance, held.holder ?? 'another operation', held.since);
    }
    try {
      // A local file lock is never taken away while held: the signal never aborts.
      return await fn(new AbortController().signal);
    } finally {
      rmSync(file, { force: true });
    }
  }
}
