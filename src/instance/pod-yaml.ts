// A pod template's raw pod YAML (`agents.templates[].yaml`): the admin's partial Pod, merged by the Kubernetes plugin
// under what the template's own keys build. Checked here against the Kubernetes Pod schema, unknown fields included,
// so a typo is the admin's spec error now instead of an agent pod the plugin cannot create at build time.
import { isMapping, loadUntrusted } from './untrusted-yaml.js';
import { Pod } from 'kubernetes-models/v1/Pod';
import { checkModel } from './model-check.js';

const TOP_LEVEL = ['apiVersion', 'kind', 'metadata', 'spec'];

export type PartialPod = Record<string, unknown> & { spec?: Record<string, unknown> };

/** `spec.containers.0.image` → `spec.containers[0].image`, as spec paths are written. */
const readable = (path: string): string => path.replace(/\.(\d+)(?=\.|$)/g, '[$1]');


/** Parses and checks the text; returns the partial Pod, or the problems in words (first one per kind of mistake). */
export function parsePodYaml(text: string): { pod?: PartialPod; problems: string[] } {
  let doc: unknown;
  try {
    doc = loadUntrusted(text);
  } catch (err) {
    return { problems: [`yaml does not parse: ${(err as Error).message}`] };
  }
  if (!isMapping(doc)) return { problems: ['yaml must be a (partial) Pod: a mapping with spec and/or metadata'] };
  const problems: string[] = [];
  for (const key of Object.keys(doc)) {
    if (!TOP_LEVEL.includes(key)) problems.push(`yaml has unknown field "${key}"; a Pod has ${TOP_LEVEL.join(', ')}`);
  }
  if (doc.apiVersion !== undefined && doc.apiVersion !== 'v1') problems.push('yaml apiVersion must be v1');
  if (doc.kind !== undefined && doc.kind !== 'Pod') problems.push('yaml kind must be Pod');
  if (doc.spec !== undefined && !isMapping(doc.spec)) problems.push('yaml spec must be a mapping');
  if (doc.metadata !== undefined && !isMapping(doc.metadata)) problems.push('yaml metadata must be a mapping');
  if (problems.length) return { problems };

  // The plugin supplies the containers it builds; a partial Pod may leave them out or name only what it adds.
  const spec = { containers: [], ...(doc.spec as object | undefined) };
  const model = new Pod({ metadata: doc.metadata ?? {}, spec } as never) as unknown as Record<string, unknown> & { validate(): void };
  for (const p of checkModel(model, ['metadata', 'spec'])) {
    // An unknown field is named in the object that has it: `yaml spec: unknown field "hostNetwrk"`.
    const at = p.message.startsWith('unknown field') ? p.path.slice(0, p.path.lastIndexOf('.')) : p.path;
    problems.push(at ? `yaml ${readable(at)}: ${p.message}` : `yaml: ${p.message}`);
  }
  return problems.length ? { problems } : { pod: doc as PartialPod, problems };
}

/**
 * The pod YAML a template hands the plugin: the admin's partial Pod with the template's tolerations (which have no
 * JCasC attribute of their own) added to its spec. Undefined when there is neither.
 */
export function templatePod(yaml: string | undefined, tolerations: unknown[]): PartialPod | undefined {
  const pod = yaml === undefined ? undefined : parsePodYaml(yaml).pod;
  if (!pod && tolerations.length === 0) return undefined;
  if (tolerations.length === 0) return pod;
  const spec = pod?.spec ?? {};
  const own = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  return { ...pod, spec: { ...spec, tolerations: [...own, ...tolerations] } };
}
