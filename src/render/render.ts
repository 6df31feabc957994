// Spec → Bundle: render every template, parse each result back, validate it, and order it for apply.
import { createHash } from 'node:crypto';
import { load } from 'js-yaml';
import type { InstanceSpec } from '../instance/index.js';
import { templatesDir } from '../instance/index.js';
import type { Bundle, KubeObject, RenderedObject } from './bundle.js';
import { buildContext, type RenderContext } from './context.js';
import { loadTemplates, type TemplateSet } from './handlebars-env.js';
import { validateCasc } from './validate-casc.js';
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

export function renderBundle(spec: InstanceSpec, set: TemplateSet = templates()): Bundle {
  const ctx = buildContext(spec);

  const casc = set.render('jenkins.yaml.hbs', ctx);
  const cascProblems = validateCasc(parse('jenkins.yaml.hbs', casc));
  if (cascProblems.length) throw new RenderError('jenkins.yaml.hbs', cascProblems);
  const cascRevision = createHash('sha256').update(casc).digest('hex').slice(0, 16);

  const objects: RenderedObject[] = plan(ctx, { casc, cascRevision }).map(({ template, context }, order) => {
    const yaml = set.render(template, context);
    const object = parse(template, yaml) as KubeObject;
    const problems = validateKubeObject(object);
    if (problems.length) throw new RenderError(template, problems);
    const file = `${String(order).padStart(2, '0')}-${object.kind.toLowerCase()}-${object.metadata.name}.yaml`;
    return { order, template, file, object, yaml };
  });

  return { instance: spec.name, namespace: spec.namespace, agentNamespace: ctx.agentNamespace, spec, objects, casc, cascRevision };
}
