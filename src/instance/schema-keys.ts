// The keys a spec object accepts at a path, read from the schema itself so error hints never go stale.
import { instanceSpec } from './schema.js';

type Node = { _zod: { def: Record<string, unknown> } };

function unwrap(node: Node): Node {
  let current = node;
  for (;;) {
    const def = current._zod.def;
    if ((def.type === 'optional' || def.type === 'nullable' || def.type === 'default') && def.innerType) current = def.innerType as Node;
    else if (def.type === 'pipe' && def.in) current = def.in as Node;
    else return current;
  }
}

export function allowedKeysAt(path: ReadonlyArray<PropertyKey>): string[] | undefined {
  let node = unwrap(instanceSpec as unknown as Node);
  for (const key of path) {
    const def = node._zod.def;
    if (def.type === 'array' && typeof key === 'number') node = unwrap(def.element as Node);
    else if (def.type === 'object' && typeof key === 'string') {
      const child = (def.shape as Record<string, Node>)[key];
      if (!child) return undefined;
      node = unwrap(child);
    } else return undefined;
  }
  const def = node._zod.def;
  return def.type === 'object' ? Object.keys(def.shape as object) : undefined;
}
