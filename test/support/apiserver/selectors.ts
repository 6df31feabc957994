// Label and field selectors in list and watch queries.
// Labels: k8s.io/apimachinery/pkg/labels/selector.go (=, ==, !=, in, notin, exists, !exists).
// Fields: pkg/registry/*/strategy.go GetAttrs / field label conversion: metadata.name and metadata.namespace for
// every kind; pods also spec.nodeName, status.phase, spec.restartPolicy, spec.schedulerName, spec.serviceAccountName.
import { badRequest } from './errors.js';
import type { Obj } from './util.js';

type Requirement = { key: string; op: 'in' | 'notin' | 'exists' | '!exists' | '=' | '!='; values: string[] };

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) parts.push(cur);
  return parts.map((p) => p.trim()).filter(Boolean);
}

export function parseLabelSelector(text: string): Requirement[] {
  return splitTopLevel(text).map((part) => {
    let m = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (m) return { key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((s) => s.trim()).filter(Boolean) };
    m = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s]*)$/.exec(part);
    if (m) return { key: m[1]!, op: m[2] === '!=' ? '!=' : '=', values: [m[3]!] };
    m = /^!\s*([^\s!=]+)$/.exec(part);
    if (m) return { key: m[1]!, op: '!exists', values: [] };
    m = /^([^\s!=()]+)$/.exec(part);
    if (m) return { key: m[1]!, op: 'exists', values: [] };
    throw badRequest(`unable to parse requirement: found '${part}', expected: in, notin, =, ==, !=, gt, lt`);
  });
}

export function matchesLabels(reqs: Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'exists': return has;
      case '!exists': return !has;
      case '=': return has && v === r.values[0];
      case '!=': return !has || v !== r.values[0];
      case 'in': return has && r.values.includes(v!);
      case 'notin': return !has || !r.values.includes(v!);
    }
  });
}

/** A LabelSelector object (matchLabels + matchExpressions), as StatefulSets and PVCs carry. */
export function matchesSelector(selector: Obj | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const reqs: Requirement[] = Object.entries((selector.matchLabels ?? {}) as Record<string, string>).map(([key, v]) => ({ key, op: '=', values: [v] }));
  for (const e of (selector.matchExpressions ?? []) as Obj[]) {
    const op = String(e.operator);
    reqs.push({ key: String(e.key), op: op === 'In' ? 'in' : op === 'NotIn' ? 'notin' : op === 'Exists' ? 'exists' : '!exists', values: (e.values ?? []) as string[] });
  }
  return matchesLabels(reqs, labels);
}

const FIELD_GETTERS: Record<string, (o: Obj) => unknown> = {
  'metadata.name': (o) => o.metadata?.name,
  'metadata.namespace': (o) => o.metadata?.namespace,
};
const POD_FIELDS: Record<string, (o: Obj) => unknown> = {
  'spec.nodeName': (o) => o.spec?.nodeName ?? '',
  'status.phase': (o) => o.status?.phase ?? '',
  'spec.restartPolicy': (o) => o.spec?.restartPolicy,
  'spec.schedulerName': (o) => o.spec?.schedulerName,
  'spec.serviceAccountName': (o) => o.spec?.serviceAccountName,
};
const EVENT_FIELDS: Record<string, (o: Obj) => unknown> = {
  'involvedObject.kind': (o) => o.involvedObject?.kind,
  'involvedObject.name': (o) => o.involvedObject?.name,
  'involvedObject.namespace': (o) => o.involvedObject?.namespace,
  'involvedObject.uid': (o) => o.involvedObject?.uid,
  reason: (o) => o.reason,
  type: (o) => o.type,
};

export type FieldFilter = (o: Obj) => boolean;

export function parseFieldSelector(text: string, kind: string): FieldFilter {
  const getters = { ...FIELD_GETTERS, ...(kind === 'Pod' ? POD_FIELDS : {}), ...(kind === 'Event' ? EVENT_FIELDS : {}) };
  const tests = splitTopLevel(text).map((part) => {
    const m = /^([^!=]+)(==|=|!=)(.*)$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const field = m[1]!.trim();
    const get = getters[field];
    // Wording of fields.go / the registry's "field label not supported" conversion error.
    if (!get) throw badRequest(`field label not supported: ${field}`);
    const want = m[3]!.trim();
    return (o: Obj) => (String(get(o) ?? '') === want) === (m[2] !== '!=');
  });
  return (o) => tests.every((t) => t(o));
}
