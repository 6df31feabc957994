// Settings → the `changes` layer of a deploy. Lists are replaced whole when layers merge, so a setting inside a
// list (agents.templates[0].jnlpImage) starts from the instance's current list instead of wiping its other items.
import { clone, setAt, type PathKey, type Values } from '../instance/values.js';
import type { Setting } from './keys.js';

export function settingsToChanges(instance: string, settings: Setting[], current: Values): Values {
  let changes: Values = { name: instance };
  for (const setting of settings) {
    const firstIndex = setting.path.findIndex((key) => typeof key === 'number');
    if (firstIndex > 0) {
      const listPath = setting.path.slice(0, firstIndex);
      if (!Array.isArray(valueAt(changes, listPath))) {
        const existing = valueAt(current, listPath);
        changes = setAt(changes, listPath, Array.isArray(existing) ? clone(existing) : []);
      }
    }
    changes = setAt(changes, setting.path, setting.value);
  }
  return changes;
}

export function valueAt(root: unknown, path: PathKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PathKey, unknown>)[key];
  }
  return node;
}
