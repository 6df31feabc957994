// A set of field paths, the unit of ownership in server-side apply, and its wire form `fieldsV1`.
// Path elements are spelt as on the wire: "f:<field>", "k:<json of key fields>", "v:<json value>", "i:<index>".
// sigs.k8s.io/structured-merge-diff/v4/fieldpath/set.go (set algebra) and serialize.go (fieldsV1, "." = the node itself).
import { isObject, type Obj } from './util.js';

export class FieldSet {
  /** This path itself is in the set (the "." entry when it also has children). */
  member = false;
  readonly children = new Map<string, FieldSet>();

  static of(...paths: string[][]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(path: readonly string[]): void {
    let node: FieldSet = this;
    for (const pe of path) {
      let child = node.children.get(pe);
      if (!child) {
        child = new FieldSet();
        node.children.set(pe, child);
      }
      node = child;
    }
    node.member = true;
  }

  /** The node at a path (members or not), if any path in the set passes through it. */
  at(path: readonly string[]): FieldSet | undefined {
    let node: FieldSet | undefined = this;
    for (const pe of path) node = node?.children.get(pe);
    return node;
  }

  has(path: readonly string[]): boolean {
    return this.at(path)?.member === true;
  }

  isEmpty(): boolean {
    if (this.member) return false;
    for (const c of this.children.values()) if (!c.isEmpty()) return false;
    return true;
  }

  private static combine(a: FieldSet | undefined, b: FieldSet | undefined, op: (x: boolean, y: boolean) => boolean): FieldSet {
    const out = new FieldSet();
    out.member = op(a?.member ?? false, b?.member ?? false);
    const keys = new Set([...(a?.children.keys() ?? []), ...(b?.children.keys() ?? [])]);
    for (const k of keys) {
      const c = FieldSet.combine(a?.children.get(k), b?.children.get(k), op);
      if (!c.isEmpty()) out.children.set(k, c);
    }
    return out;
  }

  union(o: FieldSet): FieldSet {
    return FieldSet.combine(this, o, (x, y) => x || y);
  }

  intersection(o: FieldSet): FieldSet {
    return FieldSet.combine(this, o, (x, y) => x && y);
  }

  difference(o: FieldSet): FieldSet {
    return FieldSet.combine(this, o, (x, y) => x && !y);
  }

  /** Every member path. */
  paths(prefix: string[] = []): string[][] {
    const out: string[][] = [];
    if (this.member && prefix.length > 0) out.push(prefix);
    for (const [k, c] of sortedChildren(this)) out.push(...c.paths([...prefix, k]));
    return out;
  }

  /** Removes every member path under (and including) a prefix. */
  without(prefix: readonly string[]): FieldSet {
    return this.difference(FieldSet.of([...prefix])).difference(subtree(this, prefix));
  }

  /** fieldsV1 JSON (serialize.go): children in path-element order, "." when a member node has children. */
  toJSON(): Obj {
    const out: Obj = {};
    if (this.member && this.children.size > 0) out['.'] = {};
    for (const [k, c] of sortedChildren(this)) out[k] = c.toJSON();
    return out;
  }

  static fromJSON(json: unknown): FieldSet {
    const s = new FieldSet();
    const walk = (node: FieldSet, value: unknown) => {
      if (!isObject(value)) return;
      for (const [k, v] of Object.entries(value)) {
        if (k === '.') {
          node.member = true;
          continue;
        }
        const child = new FieldSet();
        node.children.set(k, child);
        if (!isObject(v) || Object.keys(v).length === 0) child.member = true;
        walk(child, v);
      }
    };
    walk(s, json);
    return s;
  }
}

function subtree(set: FieldSet, prefix: readonly string[]): FieldSet {
  const node = set.at(prefix);
  const out = new FieldSet();
  if (!node) return out;
  for (const p of node.paths([...prefix])) out.insert(p);
  return out;
}

// PathElement ordering (fieldpath/element.go Less): field names, then keys, then values, then indexes.
const ORDER: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };
function sortedChildren(set: FieldSet): Array<[string, FieldSet]> {
  return [...set.children].sort(([a], [b]) => (ORDER[a[0]!]! - ORDER[b[0]!]!) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Path.String() (fieldpath/path.go): `.spec.containers[name="jenkins"].image`, `.metadata.finalizers[="x"]`. */
export function pathString(path: readonly string[]): string {
  return path.map((pe) => {
    const body = pe.slice(2);
    switch (pe[0]) {
      case 'f': return `.${body}`;
      case 'k': {
        const key = JSON.parse(body) as Obj;
        return `[${Object.keys(key).sort().map((k) => `${k}=${JSON.stringify(key[k])}`).join(',')}]`;
      }
      case 'v': return `[=${body}]`;
      default: return `[${body}]`;
    }
  }).join('');
}
