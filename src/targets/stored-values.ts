// The user's values live next to the instance (ConfigMap names.specConfigMap), so any bot replica can re-render it.
import { dump, load } from 'js-yaml';
import type { Bundle, KubeObject } from '../render/bundle.js';
import { instanceLabels, LABEL_SPEC, names } from '../instance/naming.js';
import { clone, type Values } from '../instance/index.js';

export const VALUES_KEY = 'values.yaml';

export function valuesYaml(values: Values): string {
  // clone: plain objects of this realm, which dump accepts (structuredClone's may not be).
  return dump(clone(values), { sortKeys: true, lineWidth: 120 });
}

export function specConfigMap(bundle: Bundle, values: Values): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: names.specConfigMap(bundle.instance),
      namespace: bundle.namespace,
      labels: { ...instanceLabels(bundle.instance, 'spec'), [LABEL_SPEC]: bundle.instance },
    },
    data: { [VALUES_KEY]: valuesYaml(values) },
  };
}

export function parseStoredValues(text: string | undefined, where: string): Values {
  const doc = text ? load(text) : {};
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${where} does not hold a values mapping; fix or delete it`);
  return doc as Values;
}
