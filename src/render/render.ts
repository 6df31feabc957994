// Spec → Bundle: render every template, parse each result back, validate it, and order it for apply.
import { createHash } from 'node:crypto';
import { load } from 'js-yaml';
import type { InstanceSpec } from '../instance/index.js';
import { templatesDir } from '../instance/index.js';
import type { Bundle, KubeObject, RenderedObject } from './bundle.js';
import { buildContext, type RenderContext } from './context.js';
import { loadTemplates, type TemplateSet } from './handlebars-env.js';
import { validateCasc } from './validate-casc.js';
import { checkCascFiles } from './casc-extra.js';
import { validateKubeObject, type SchemaProblem } from './validate-kube.js';

/** A render that does not parse or validate: always a bug in a template or the generator, never the user's. */
export class RenderError extends Error {
  override name = 'RenderError';
  constructor(readonly template: string, readonly problems: SchemaProblem[]) {
    super(`template ${template} rendered an invalid document:\n${problems.map((p) => `  - ${p.path || '(document)'}: ${p.message}`).join('\n')}`);
  }
}

let defaultTemplates: TemplateSet | undefined;

function templates(): TemplateSet {
  defaultTemplates ??= loadTemplates(templatesDir());
  return defaultTemplates;
}

/** One entry per object to render, in apply order: what exists first is what others need. */
function plan(ctx: RenderContext, extra: { casc: string; cascRevision: string }): Array<{ template: string; context: object }> {
  const with_ = (more: object) => ({ ...ctx, ...more });
  const namespaces = ctx.separateAgentNamespace ? [ctx.namespace, ctx.agentNamespace] : [ctx.namespace];
  return [
    ...namespaces.map((target) => ({ template: 'namespace.yaml.hbs', context: with_({ target }) })),
    { template: 'serviceaccount.yaml.hbs', context: ctx },
    { template: 'role-agents.yaml.hbs', context: ctx },
    { template: 'rolebinding-agents.yaml.hbs', context: ctx },
    { template: 'role-casc-reload.yaml.hbs', context: ctx },
    { template: 'rolebinding-casc-reload.yaml.hbs', context: ctx },
    { template: 'configmap-casc.yaml.hbs', context: with_(extra) },
    ...ctx.persistence.volumes.map((volume) => ({ template: 'persistentvolume.yaml.hbs', context: with_({ volume }) })),
    { template: 'service-http.yaml.hbs', context: ctx },
    ...ctx.service.controllers.map((controller) => ({ template: 'service-controller.yaml.hbs', context: { ...ctx, own: controller } })),
    ...(ctx.service.needsAgentService ? [{ template: 'service-agent.yaml.hbs', context: ctx }] : []),
    { template: 'service-pods.yaml.hbs', context: ctx },
    { template: 'statefulset.yaml.hbs', context: ctx },
    ...(ctx.controller.disruptionBudget ? [{ template: 'poddisruptionbudget.yaml.hbs', context: ctx }] : []),
    ...(ctx.ingress ? [{ template: 'ingress.yaml.hbs', context: ctx }] : []),
    ...(ctx.metrics?.serviceMonitor ? [{ template: 'servicemonitor.yaml.hbs', context: ctx }] : []),
    ...(ctx.networkPolicy ? [{ template: 'networkpolicy-controller.yaml.hbs', context: ctx }] : []),
  ];
}

function parse(template: string, text: string): unknown {
  try {
    return load(text);
  } catch (err) {
    throw new RenderError(template, [{ path: '', message: `not valid YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` }]);
  }
}

/**
 * What the reload wait compares: every file of the ConfigMap, so a change to any fragment is a new revision. Without
 * fragments it is the hash of jenkins.yaml alone, as it always was (an upgrade changes no revision by itself).
 */
function revisionOf(casc: string, files: ReadonlyArray<{ file: string; text: string }>): string {
  const hash = createHash('sha256').update(casc);
  for (const { file, text } of files) hash.update(`\0${file}\0${text}`);
  return hash.digest('hex').slice(0, 16);
}

export function renderBundle(spec: InstanceSpec, set: TemplateSet = templates()): Bundle {
  const ctx = buildContext(spec);

  const casc = set.render('jenkins.yaml.hbs', ctx);
  const cascDocument = parse('jenkins.yaml.hbs', casc);
  const cascProblems = validateCasc(cascDocument);
  if (cascProblems.length) throw new RenderError('jenkins.yaml.hbs', cascProblems);
  // The spec's own JCasC files beside it: refused (bad input) where JCasC could not merge them with it.
  checkCascFiles(cascDocument as Record<string, unknown>, ctx.cascExtra.files);
  const cascRevision = revisionOf(casc, ctx.cascExtra.files);

  const objects: RenderedObject[] = plan(ctx, { casc, cascRevision }).map(({ template, context }, order) => {
    const yaml = set.render(template, context);
    const object = parse(template, yaml) as KubeObject;
    const problems = validateKubeObject(object);
    if (problems.length) throw new RenderError(template, problems);
    const file = `${String(order).padStart(2, '0')}-${object.kind.toLowerCase()}-${object.metadata.name}.yaml`;
    return { order, template, file, object, yaml };
  });

  const cascExtra = ctx.cascExtra.files.map(({ file, text }) => ({ file, text }));
  return { instance: spec.name, namespace: spec.namespace, agentNamespace: ctx.agentNamespace, spec, objects, casc, cascRevision, cascExtra };
}
