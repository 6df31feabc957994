// One kubernetes-models check, shared by the renderer (every object) and the spec (an agent template's pod YAML): the
// model's own validate(), plus the unknown fields it does not report — found by watching which keys it reads.
export interface FieldProblem {
  /** Dotted path from the model's root (`spec.containers.0.image`); empty for the whole object. */
  path: string;
  message: string;
}

interface Visit {
  path: string;
  target: object;
  read: Set<string>;
  enumerated: boolean;
}

/** Wraps `value` so we learn which keys the schema validator looked at; keys it never read are unknown fields. */
function track(value: unknown, path: string, visits: Visit[]): unknown {
  if (value === null || typeof value !== 'object') return value;
  const visit: Visit = { path, target: value, read: new Set(), enumerated: false };
  visits.push(visit);
  const children = new Map<string, unknown>();
  return new Proxy(value, {
    get(target, key, receiver) {
      const child = Reflect.get(target, key, receiver);
      if (typeof key !== 'string') return child;
      visit.read.add(key);
      if (child === null || typeof child !== 'object') return child;
      if (!children.has(key)) children.set(key, track(child, `${path}.${key}`, visits));
      return children.get(key);
    },
    // A validator that enumerates an object treats it as a map (labels, data): any key is allowed there.
    ownKeys(target) {
      visit.enumerated = true;
      return Reflect.ownKeys(target);
    },
  });
}

/** Validates `fields` of a kubernetes-models `model` (replaced in place by tracking proxies while it runs). */
export function checkModel(model: Record<string, unknown> & { validate(): void }, fields: string[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const visits: Visit[] = [];
  for (const field of fields) model[field] = track(model[field], field, visits);
  try {
    model.validate();
  } catch (err) {
    for (const line of String(err instanceof Error ? err.message : err).split(/\n|, (?=data)/)) {
      const m = /^data\/?(\S*) (.*)$/.exec(line.trim());
      problems.push(m ? { path: m[1]!.replaceAll('/', '.'), message: m[2]! } : { path: '', message: line });
    }
  }
  for (const visit of visits) {
    if (visit.enumerated || Array.isArray(visit.target)) continue;
    for (const field of Object.keys(visit.target)) {
      if (!visit.read.has(field)) problems.push({ path: `${visit.path}.${field}`, message: `unknown field "${field}"` });
    }
  }
  return problems;
}
