// The user's values live next to the instance (ConfigMap names.specConfigMap), so any bot replica can re-render it.
import { dump } from 'js-yaml';
import type { Bundle, KubeObject } from '../render/bundle.js';
import { ANNOTATION_SWITCHED_OBJECTS, instanceLabels, LABEL_INSTANCE, LABEL_MANAGED_BY, LABEL_SPEC, MANAGED_BY, names } from '../instance/naming.js';
import { switchedRecord } from './switched-objects.js';
import { clone, type Values } from '../instance/index.js';
import { isMapping, loadUntrusted } from '../instance/untrusted-yaml.js';

export const VALUES_KEY = 'values.yaml';

interface Owned {
  metadata?: { labels?: Record<string, string>; managedFields?: Array<{ manager?: string }> } | Record<string, unknown>;
}

/**
 * Whether an object is one the bot made for `instance`: the instance's ownership labels and a write by the bot's
 * field manager. Anyone who may create a ConfigMap or Secret could copy the labels; the field manager records who
 * wrote it, so a spoofed copy made by another client is not taken for ours.
 */
export function madeByBot(object: Owned | undefined, instance: string, fieldManager: string): boolean {
  const meta = (object?.metadata ?? {}) as { labels?: Record<string, string>; managedFields?: Array<{ manager?: string }> };
  const labels = meta.labels ?? {};
  if (labels[LABEL_INSTANCE] !== instance || labels[LABEL_MANAGED_BY] !== MANAGED_BY) return false;
  return (meta.managedFields ?? []).some((f) => f.manager === fieldManager);
}

export function valuesYaml(values: Values): string {
  // clone: plain objects of this realm, which dump accepts (structuredClone's may not be).
  return dump(clone(values), { sortKeys: true, lineWidth: 120 });
}

export function specConfigMap(bundle: Bundle, values: Values): KubeObject {
  const switched = switchedRecord(bundle.objects.map((o) => o.object));
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: names.specConfigMap(bundle.instance),
      namespace: bundle.namespace,
      labels: { ...instanceLabels(bundle.instance, 'spec'), [LABEL_SPEC]: bundle.instance },
      // What spec switches made, so the deploy that turns one off removes it (see switched-objects.ts).
      ...(switched ? { annotations: { [ANNOTATION_SWITCHED_OBJECTS]: switched } } : {}),
    },
    data: { [VALUES_KEY]: valuesYaml(values) },
  };
}

/** Stored values are our own dump: small, no aliases, shallow. Anything else is refused before it costs much. */
export const MAX_STORED_VALUES = 256 * 1024;

export function parseStoredValues(text: string | undefined, where: string): Values {
  if (text && text.length > MAX_STORED_VALUES) throw new Error(`${where} holds ${text.length} characters of values, more than the ${MAX_STORED_VALUES} jenkins-chatops ever writes; fix or delete it`);
  let doc: unknown;
  try {
    doc = text ? loadUntrusted(text) : {};
  } catch (err) {
    throw new Error(`${where} does not hold values jenkins-chatops wrote (${(err as Error).message}); fix or delete it`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isMapping(doc)) throw new Error(`${where} does not hold a values mapping; fix or delete it`);
  return doc as Values;
}
