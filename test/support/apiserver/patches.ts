// The three non-apply PATCH bodies.
// merge-patch: RFC 7386. json-patch: RFC 6902 (as evanphx/json-patch applies it).
// strategic-merge-patch: k8s.io/apimachinery/pkg/util/strategicpatch/patch.go, for the simple cases: maps merge,
// null deletes, lists with a patchMergeKey merge by key (with "$patch: delete" items), "$patch: replace",
// primitive lists with patchStrategy=merge (finalizers) are unions, every other list is replaced.
import { ApiError } from './errors.js';
import { childSchema, resolve, type Schema } from './schema.js';
import { clone, deepEqual, isObject, stableStringify, type Obj } from './util.js';

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out: Obj = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function patchError(message: string): ApiError {
  // handlers/patch.go jsonPatcher: a patch that does not apply is the client's error.
  return new ApiError(422, 'Invalid', message);
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw patchError(`invalid JSON pointer "${pointer}"`);
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parent(doc: unknown, path: string[], op: string, pointer: string): { container: Obj | unknown[]; key: string } {
  let node: unknown = doc;
  for (const seg of path.slice(0, -1)) {
    if (Array.isArray(node)) node = node[Number(seg)];
    else if (isObject(node)) node = node[seg];
    else node = undefined;
    if (node === undefined) throw patchError(`${op} operation does not apply: doc is missing path: "${pointer}": missing value`);
  }
  if (!Array.isArray(node) && !isObject(node)) throw patchError(`${op} operation does not apply: doc is missing path: "${pointer}": missing value`);
  return { container: node, key: path[path.length - 1]! };
}

function getAt(doc: unknown, pointer: string, op: string): unknown {
  const path = parsePointer(pointer);
  if (path.length === 0) return doc;
  const { container, key } = parent(doc, path, op, pointer);
  const v = Array.isArray(container) ? container[Number(key)] : container[key];
  if (v === undefined) throw patchError(`${op} operation does not apply: doc is missing path: "${pointer}": missing value`);
  return v;
}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new ApiError(400, 'BadRequest', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = clone(target);
  for (const raw of ops) {
    if (!isObject(raw)) throw patchError('invalid JSON patch operation');
    const op = String(raw.op);
    const pointer = String(raw.path ?? '');
    const add = (p: string, value: unknown) => {
      const path = parsePointer(p);
      if (path.length === 0) {
        doc = clone(value);
        return;
      }
      const { container, key } = parent(doc, path, op, p);
      if (Array.isArray(container)) {
        const i = key === '-' ? container.length : Number(key);
        if (!(i >= 0 && i <= container.length)) throw patchError(`${op} operation does not apply: doc is missing path: "${p}": missing value`);
        container.splice(i, 0, clone(value));
      } else container[key] = clone(value);
    };
    const remove = (p: string) => {
      const path = parsePointer(p);
      const { container, key } = parent(doc, path, op, p);
      if (Array.isArray(container)) {
        const i = Number(key);
        if (!(i >= 0 && i < container.length)) throw patchError(`${op} operation does not apply: doc is missing path: "${p}": missing value`);
        container.splice(i, 1);
      } else {
        if (!(key in container)) throw patchError(`${op} operation does not apply: doc is missing path: "${p}": missing value`);
        delete container[key];
      }
    };
    switch (op) {
      case 'add': add(pointer, raw.value); break;
      case 'remove': remove(pointer); break;
      case 'replace': getAt(doc, pointer, op); remove(pointer); add(pointer, raw.value); break;
      case 'move': { const v = getAt(doc, String(raw.from), op); remove(String(raw.from)); add(pointer, v); break; }
      case 'copy': add(pointer, getAt(doc, String(raw.from), op)); break;
      case 'test':
        if (!deepEqual(getAt(doc, pointer, op), raw.value)) throw patchError(`testing value ${pointer} failed: test failed`);
        break;
      default: throw patchError(`Unexpected kind: ${op}`);
    }
  }
  return doc;
}

/** Lists a strategic merge patch merges rather than replaces, and by which key (patchMergeKey). */
function mergeKeyOf(schema: Schema): string | undefined {
  return schema.kind === 'map-list' ? schema.keys[0] : undefined;
}

export function strategicMergePatch(target: unknown, patch: unknown, schema: Schema | undefined): unknown {
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return clone(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const sch = resolve(schema, patch);
  const out: Obj = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$setElementOrder/') || k === '$retainKeys' || k === '$patch') continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[field]) && Array.isArray(v)) out[field] = out[field].filter((x: unknown) => !v.some((d) => deepEqual(d, x)));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const child = resolve(childSchema(sch, k), v);
    const key = mergeKeyOf(child);
    if (Array.isArray(v) && key) {
      out[k] = mergeKeyedList(out[k], v, key, child.kind === 'map-list' ? child.elem : undefined);
    } else if (Array.isArray(v) && child.kind === 'set-list') {
      const list: unknown[] = Array.isArray(out[k]) ? out[k] : [];
      const seen = new Set(list.map(stableStringify));
      out[k] = [...list, ...v.filter((x) => !seen.has(stableStringify(x)))];
    } else if (isObject(v) && child.kind === 'struct') {
      out[k] = strategicMergePatch(out[k], v, child);
    } else {
      out[k] = clone(v);
    }
  }
  return out;
}

function mergeKeyedList(live: unknown, patch: unknown[], key: string, elem: Schema | undefined): unknown[] {
  const out: unknown[] = Array.isArray(live) ? clone(live) : [];
  if (patch.some((p) => isObject(p) && p.$patch === 'replace')) return clone(patch.filter((p) => !(isObject(p) && p.$patch === 'replace')));
  for (const item of patch) {
    if (!isObject(item)) continue;
    const i = out.findIndex((x) => isObject(x) && deepEqual(x[key], item[key]));
    if (item.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
      continue;
    }
    if (i >= 0) out[i] = strategicMergePatch(out[i], item, elem);
    else out.push(strategicMergePatch(undefined, item, elem));
  }
  return out;
}
