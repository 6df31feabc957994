// The REST semantics shared by HTTP handlers and the built-in controllers: create, update, apply, patch, delete,
// get and list over the store, with defaulting, validation, managed fields and deletion rules.
// k8s.io/apiserver/pkg/registry/generic/registry/store.go and k8s.io/apiserver/pkg/endpoints/handlers/*.go.
import { load as loadYaml } from 'js-yaml';
import type { Clock } from './clock.js';
import { applyDefaults } from './defaults.js';
import {
  alreadyExists, ApiError, badRequest, conflict, forbidden, invalid, notFound, required, unsupportedMediaType, type FieldError,
} from './errors.js';
import { applyOwnership, decodeManagedFields, encodeManagedFields, updateOwnership, type ManagerEntry, type OwnershipContext } from './managed-fields.js';
import { jsonPatch, mergePatch, strategicMergePatch } from './patches.js';
import { byKind, type ResourceInfo } from './resources.js';
import { schemaFor, type Schema } from './schema.js';
import { matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { Store } from './store.js';
import { admitCreate, allocateService, convertStringData, initialStatus, type AllocatorConfig } from './strategy.js';
import { clone, deepEqual, isObject, normaliseTimes, type Obj } from './util.js';
import { validateCreate, validateUpdate } from './validation.js';

export interface RegistryConfig extends AllocatorConfig {
  minor: number;
  claimRefGranular: boolean;
}

export interface WriteOptions {
  /** Manager recorded in managedFields; defaults to the user agent's first word, like the apiserver. */
  fieldManager?: string;
  userAgent?: string;
  dryRun?: boolean;
  subresource?: 'status';
  force?: boolean;
}

export interface DeleteOptions {
  dryRun?: boolean;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

// Kinds whose DELETE answers with the object rather than a Status (ReturnDeletedObject in their storage.go).
const RETURNS_DELETED = new Set(['Pod', 'Service', 'PersistentVolume', 'PersistentVolumeClaim', 'Namespace', 'Node']);

export const PATCH_TYPES = {
  apply: 'application/apply-patch+yaml',
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
} as const;

export class Registry {
  private uidCounter = 0;
  private nameCounter = 0;

  constructor(readonly store: Store, readonly clock: Clock, readonly config: RegistryConfig) {}

  schema(info: ResourceInfo): Schema {
    return schemaFor(info.kind, { claimRefGranular: this.config.claimRefGranular });
  }

  private ownership(info: ResourceInfo, subresource?: string): OwnershipContext {
    return { schema: this.schema(info), apiVersion: info.apiVersion, hasStatus: info.status, now: this.clock.iso(), ...(subresource ? { subresource } : {}) };
  }

  /** UIDs are counters shaped like UUIDs: unique per server, identical across runs. */
  nextUid(): string {
    this.uidCounter += 1;
    return `00000000-0000-4000-8000-${this.uidCounter.toString(16).padStart(12, '0')}`;
  }

  private manager(opts: WriteOptions): string {
    if (opts.fieldManager) return opts.fieldManager;
    // handlers/rest.go managerOrUserAgent: the user agent up to its first "/".
    return (opts.userAgent ?? 'unknown').split('/')[0] || 'unknown';
  }

  get(info: ResourceInfo, namespace: string | undefined, name: string): Obj {
    const obj = this.store.get(info, info.namespaced ? namespace : undefined, name);
    if (!obj) throw notFound(info, name);
    return obj;
  }

  list(info: ResourceInfo, namespace: string | undefined, opts: ListOptions = {}): Obj {
    const labels = opts.labelSelector ? parseLabelSelector(opts.labelSelector) : undefined;
    const fields = opts.fieldSelector ? parseFieldSelector(opts.fieldSelector, info.kind) : undefined;
    let items = this.store.list(info, info.namespaced ? namespace : undefined)
      .filter((o) => (!labels || matchesLabels(labels, o.metadata.labels)) && (!fields || fields(o)));
    let rv = String(this.store.rv);
    // Continue tokens (storage/etcd3 continue.go) hold the list's version and the key to start after. The rest of
    // the list is served from the current state, not from a snapshot at that version.
    if (opts.continue) {
      let token: { rv?: number; start?: string };
      try {
        token = JSON.parse(Buffer.from(opts.continue, 'base64').toString('utf8')) as { rv?: number; start?: string };
      } catch {
        throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
      }
      if (token.rv !== undefined && token.rv < this.store.compactedRv) {
        throw new ApiError(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
      }
      items = items.filter((o) => keyOf(o) > (token.start ?? ''));
      if (token.rv !== undefined) rv = String(token.rv);
    }
    const metadata: Obj = { resourceVersion: rv };
    if (opts.limit && opts.limit > 0 && items.length > opts.limit) {
      const page = items.slice(0, opts.limit);
      metadata.continue = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: Number(rv), start: keyOf(page[page.length - 1]!) })).toString('base64');
      metadata.remainingItemCount = items.length - opts.limit;
      items = page;
    }
    // Items of a typed list carry no apiVersion/kind.
    for (const o of items) {
      delete o.apiVersion;
      delete o.kind;
    }
    return { kind: `${info.kind}List`, apiVersion: info.apiVersion, metadata, items };
  }

  private checkNamespace(info: ResourceInfo, namespace: string | undefined, name: string): void {
    if (!info.namespaced) return;
    if (!namespace) throw badRequest('the server could not find the requested resource');
    const ns = this.store.get(byKind('Namespace'), undefined, namespace);
    if (!ns) throw notFound(byKind('Namespace'), namespace);
    // plugin/pkg/admission/namespace/lifecycle
    if (ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating') {
      throw forbidden(info, name, `unable to create new content in namespace ${namespace} because it is being terminated`);
    }
  }

  private normaliseBody(info: ResourceInfo, namespace: string | undefined, body: unknown): Obj {
    if (!isObject(body)) throw badRequest('Object \'Kind\' is missing in the request body');
    const obj = clone(body);
    if (obj.apiVersion !== undefined && obj.apiVersion !== info.apiVersion) {
      throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${info.apiVersion})`);
    }
    if (obj.kind !== undefined && obj.kind !== info.kind) {
      throw badRequest(`${info.apiVersion}, Kind=${String(obj.kind)} is not suitable for converting to "${info.apiVersion}", Kind=${info.kind}`);
    }
    obj.apiVersion = info.apiVersion;
    obj.kind = info.kind;
    normaliseTimes(obj);
    if (!isObject(obj.metadata)) obj.metadata = {};
    if (info.namespaced) {
      if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = namespace ?? obj.metadata.namespace;
    } else {
      delete obj.metadata.namespace;
    }
    return obj;
  }

  create(info: ResourceInfo, namespace: string | undefined, body: unknown, opts: WriteOptions = {}, entries?: ManagerEntry[]): Obj {
    const obj = this.normaliseBody(info, namespace, body);
    const m = obj.metadata;
    if (!m.name && m.generateName) {
      // names.SimpleNameGenerator: 5 random characters; here a counter, for repeatable names.
      this.nameCounter += 1;
      m.name = `${m.generateName}${(this.nameCounter * 7919).toString(36).padStart(5, 'x').slice(-5)}`;
    }
    if (!m.name) throw invalid(info, '', [required('metadata.name', 'name or generateName is required')]);
    this.checkNamespace(info, m.namespace, m.name);
    if (this.store.get(info, m.namespace, m.name)) throw alreadyExists(info, m.name);

    // BeforeCreate: system fields are the server's.
    for (const f of ['uid', 'resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'selfLink']) delete m[f];
    m.uid = this.nextUid();
    m.creationTimestamp = this.clock.iso();
    // StatefulSet and PodDisruptionBudget strategies (PrepareForCreate) start at generation 1, and so does every
    // custom resource (apiextensions-apiserver pkg/registry/customresource/strategy.go).
    if (info.kind === 'StatefulSet' || info.kind === 'PodDisruptionBudget' || info.crd) m.generation = 1;
    const status = initialStatus(info.kind, obj);
    if (status) obj.status = status;
    convertStringData(info.kind, obj);
    admitCreate(info.kind, obj, this.store);
    applyDefaults(info.kind, obj);
    if (info.kind === 'Service') allocateService(info, obj, undefined, this.store, this.config);
    const errs = validateCreate(info.kind, obj);
    if (errs.length) throw invalid(info, m.name, errs);

    const withoutManaged = clone(obj);
    delete withoutManaged.metadata.managedFields;
    const owned = entries ?? updateOwnership(undefined, withoutManaged, [], this.manager(opts), this.ownership(info));
    const mf = encodeManagedFields(owned);
    if (mf) m.managedFields = mf;
    else delete m.managedFields;
    if (opts.dryRun) return obj;
    return this.store.write(info, obj);
  }

  /** PUT, and the last step of every patch: `next` replaces `old` after the update rules. */
  private commit(info: ResourceInfo, old: Obj, nextIn: Obj, opts: WriteOptions, entries?: ManagerEntry[]): Obj {
    let next = clone(nextIn);
    const om = old.metadata;
    if (next.metadata?.name !== om.name) {
      throw badRequest(`the name of the object (${String(next.metadata?.name)}) does not match the name on the URL (${String(om.name)})`);
    }
    const rv = next.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== om.resourceVersion) throw conflict(info, om.name);

    if (opts.subresource === 'status') {
      next = { ...clone(old), status: next.status };
    } else if (info.status) {
      if (old.status === undefined) delete next.status;
      else next.status = clone(old.status);
    }
    const nm = next.metadata;
    for (const f of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'namespace']) {
      if (om[f] === undefined) delete nm[f];
      else nm[f] = om[f];
    }
    nm.resourceVersion = om.resourceVersion;
    convertStringData(info.kind, next);
    applyDefaults(info.kind, next);
    if (info.kind === 'Service') allocateService(info, next, old, this.store, this.config);
    const errs: FieldError[] = validateUpdate(info.kind, next, old, this.config.minor);
    if (errs.length) throw invalid(info, om.name, errs);
    // StatefulSet and PodDisruptionBudget strategies PrepareForUpdate: any spec change is a new generation.
    if ((info.kind === 'StatefulSet' || info.kind === 'PodDisruptionBudget') && !deepEqual(next.spec, old.spec)) nm.generation = (om.generation ?? 1) + 1;
    // A custom resource without a status subresource: any change besides metadata is a new generation.
    if (info.crd && !deepEqual({ ...next, metadata: undefined }, { ...old, metadata: undefined })) nm.generation = (om.generation ?? 1) + 1;

    let owned = entries;
    if (!owned) {
      const given = nm.managedFields;
      const givenEntries = Array.isArray(given) && given.length > 0 ? decodeManagedFields(next) : undefined;
      if (givenEntries && !deepEqual(encodeManagedFields(givenEntries), om.managedFields)) {
        owned = givenEntries;
      } else {
        const a = clone(old);
        const b = clone(next);
        delete a.metadata.managedFields;
        delete b.metadata.managedFields;
        owned = updateOwnership(a, b, decodeManagedFields(old), this.manager(opts), this.ownership(info, opts.subresource));
      }
    }
    const mf = encodeManagedFields(owned);
    if (mf) nm.managedFields = mf;
    else delete nm.managedFields;

    // Storage writes nothing when the object did not change: same resourceVersion, no watch event.
    if (deepEqual(next, old)) return old;
    if (opts.dryRun) return next;
    if (nm.deletionTimestamp && (nm.finalizers ?? []).length === 0 && !this.isGraceful(info, next)) return this.store.remove(info, next);
    return this.store.write(info, next);
  }

  update(info: ResourceInfo, namespace: string | undefined, name: string, body: unknown, opts: WriteOptions = {}): Obj {
    const old = this.get(info, namespace, name);
    const next = this.normaliseBody(info, namespace, body);
    return this.commit(info, old, next, opts);
  }

  patch(info: ResourceInfo, namespace: string | undefined, name: string, contentType: string, body: string, opts: WriteOptions = {}): Obj {
    const type = contentType.split(';')[0]!.trim().toLowerCase();
    if (type === PATCH_TYPES.apply) return this.apply(info, namespace, name, parseYaml(body), opts);
    if (opts.force) {
      throw invalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', [{ type: 'FieldValueForbidden', field: 'force', detail: 'may not be specified for non-apply patch' }]);
    }
    const patchBody = parseJson(body);
    const old = this.get(info, namespace, name);
    let next: unknown;
    if (type === PATCH_TYPES.merge) next = mergePatch(old, patchBody);
    else if (type === PATCH_TYPES.json) next = jsonPatch(old, patchBody);
    else if (type === PATCH_TYPES.strategic) next = strategicMergePatch(old, patchBody, this.schema(info));
    else throw unsupportedMediaType(contentType);
    if (!isObject(next)) throw badRequest('the patched object is not an object');
    return this.commit(info, old, this.normaliseBody(info, namespace, next), opts);
  }

  apply(info: ResourceInfo, namespace: string | undefined, name: string, config: unknown, opts: WriteOptions = {}): Obj {
    if (!opts.fieldManager) {
      throw invalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', [required('fieldManager', 'is required for apply patch')]);
    }
    if (!isObject(config)) throw badRequest('error decoding YAML: the apply configuration is not an object');
    if (!config.apiVersion || !config.kind) throw badRequest('apiVersion and kind must be set in an apply configuration');
    if (config.metadata?.managedFields !== undefined) throw badRequest('metadata.managedFields must be nil');
    const cfg = this.normaliseBody(info, namespace, config);
    if (cfg.metadata.name !== name) {
      throw badRequest(`the name of the object (${String(cfg.metadata.name)}) does not match the name on the URL (${name})`);
    }
    // Fields the endpoint resets are not part of what is applied (GetResetFields).
    if (opts.subresource === 'status') {
      for (const k of Object.keys(cfg)) if (!['apiVersion', 'kind', 'metadata', 'status'].includes(k)) delete cfg[k];
    } else if (info.status) {
      delete cfg.status;
    }
    const old = this.store.get(info, info.namespaced ? namespace : undefined, name);
    const ctx = this.ownership(info, opts.subresource);
    if (!old) {
      if (opts.subresource) throw notFound(info, name);
      const { object, entries } = applyOwnership(undefined, cfg, [], opts.fieldManager, !!opts.force, ctx);
      return this.create(info, namespace, object, opts, entries);
    }
    const live = clone(old);
    delete live.metadata.managedFields;
    const { object, entries } = applyOwnership(live, cfg, decodeManagedFields(old), opts.fieldManager, !!opts.force, ctx);
    object.metadata.managedFields = old.metadata.managedFields;
    return this.commit(info, old, object, opts, entries);
  }

  /** Pods on a node end gracefully: the kubelet removes them once deletionTimestamp is set. */
  private isGraceful(info: ResourceInfo, obj: Obj): boolean {
    return info.kind === 'Pod' && !!obj.spec?.nodeName && (obj.metadata.deletionGracePeriodSeconds ?? 0) > 0;
  }

  delete(info: ResourceInfo, namespace: string | undefined, name: string, opts: DeleteOptions = {}): Obj {
    const old = this.get(info, namespace, name);
    const m = old.metadata;
    const pre = opts.preconditions ?? {};
    if (pre.uid && pre.uid !== m.uid) {
      throw conflict(info, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${m.uid}`);
    }
    if (pre.resourceVersion && pre.resourceVersion !== m.resourceVersion) {
      throw conflict(info, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${m.resourceVersion}`);
    }
    const next = clone(old);
    const nm = next.metadata;
    // Propagation (garbage collector finalizers); Background is the default for every kind here.
    const finalizers: string[] = [...(nm.finalizers ?? [])];
    if (opts.propagationPolicy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
    if (opts.propagationPolicy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
    if (finalizers.length) nm.finalizers = finalizers;

    let graceful = false;
    if (info.kind === 'Pod' && next.spec?.nodeName) {
      const grace = opts.gracePeriodSeconds ?? next.spec.terminationGracePeriodSeconds ?? 30;
      graceful = grace > 0;
      if (graceful && !nm.deletionTimestamp) {
        nm.deletionGracePeriodSeconds = grace;
        nm.deletionTimestamp = new Date(this.clock.now().getTime() + grace * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      }
      if (!graceful) nm.deletionGracePeriodSeconds = 0;
    }
    if (info.kind === 'Namespace') {
      next.status = { ...(next.status ?? {}), phase: 'Terminating' };
      graceful = true;
    }
    if (finalizers.length === 0 && !graceful) {
      if (opts.dryRun) return this.deleted(info, old);
      return this.deleted(info, this.store.remove(info, old));
    }
    if (!nm.deletionTimestamp) {
      nm.deletionTimestamp = this.clock.iso();
      nm.deletionGracePeriodSeconds = nm.deletionGracePeriodSeconds ?? 0;
    }
    if (deepEqual(next, old) || opts.dryRun) return next;
    return this.store.write(info, next);
  }

  private deleted(info: ResourceInfo, obj: Obj): Obj {
    if (RETURNS_DELETED.has(info.kind)) return obj;
    return {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success',
      details: { name: obj.metadata.name, ...(info.group ? { group: info.group } : {}), kind: info.plural, uid: obj.metadata.uid },
    };
  }

  /** Removes an object now, whatever its finalizers (the last step of finalization, and test seeding). */
  forceRemove(info: ResourceInfo, obj: Obj): void {
    if (this.store.get(info, obj.metadata.namespace, obj.metadata.name)) this.store.remove(info, obj);
  }

  /** A controller's write of a whole object through the update rules, recorded under its manager. */
  controllerUpdate(info: ResourceInfo, next: Obj, manager: string, subresource?: 'status'): Obj {
    const old = this.get(info, next.metadata.namespace, next.metadata.name);
    const body = clone(next);
    body.metadata.resourceVersion = old.metadata.resourceVersion;
    // Controllers write their whole view every sync; most syncs change nothing.
    if (deepEqual(body, old)) return old;
    return this.commit(info, old, body, { fieldManager: manager, ...(subresource ? { subresource } : {}) });
  }
}

function keyOf(o: Obj): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (e) {
    throw badRequest(`error decoding patch: ${(e as Error).message}`);
  }
}

function parseYaml(body: string): unknown {
  try {
    return loadYaml(body);
  } catch (e) {
    throw badRequest(`error decoding YAML: ${(e as Error).message}`);
  }
}
