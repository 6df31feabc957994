// The small read-only commands: casc, templates, password (shown only to the requester).
import type { ParsedCommand } from '../grammar.js';
import { message } from '../messages.js';
import { homeNamespace, loadStored, notFound } from './outcome.js';
import { answer, type Handler } from './types.js';
import { guard } from './guard.js';

export const casc: Handler<Extract<ParsedCommand, { name: 'casc' }>> = async (cmd, ctx) => {
  const namespace = cmd.operator?.namespace;
  const stored = await loadStored(ctx, cmd.instance, namespace);
  if (!stored) return notFound(cmd.instance, namespace, namespace ? await homeNamespace(ctx, cmd.instance) : undefined);
  guard(ctx, cmd.instance, stored, [], namespace);
  const yaml = await ctx.ops.casc(cmd.instance, namespace);
  return answer(message('info', `JCasC of ${cmd.instance}`, [{ type: 'context', text: `${yaml.split('\n').length} lines; Jenkins reloads it when it changes.` }], {
    attachment: { filename: 'jenkins.yaml', content: yaml },
  }));
};

/**
 * The presets by the name `--preset` takes (the file name in casc/pod-templates/), with the name of the pod template
 * each one creates when that differs (`scale <name> template <template> …` takes that one).
 */
export const templates: Handler<Extract<ParsedCommand, { name: 'templates' }>> = async (_cmd, ctx) => {
  const list = [...ctx.sources.presets.entries()].map(([preset, values]) => ({
    preset,
    template: typeof values.name === 'string' ? values.name : preset,
    label: typeof values.label === 'string' ? values.label : preset,
    description: typeof values.description === 'string' ? values.description : undefined,
  }));
  if (list.length === 0) return answer(message('info', 'No pod-template presets', [{ type: 'context', text: 'Add YAML files to casc/pod-templates/.' }]));
  return answer(message('info', 'Pod-template presets', [
    { type: 'list', items: list.map((t) => `${t.preset}: ${t.template === t.preset ? '' : `template "${t.template}", `}label "${t.label}"${t.description ? ` — ${t.description}` : ''}`) },
    { type: 'context', text: 'Use one with `deploy <name> --preset <preset>` (the name before the colon).' },
  ]));
};

export const password: Handler<Extract<ParsedCommand, { name: 'password' }>> = async (cmd, ctx) => {
  const namespace = cmd.operator?.namespace;
  const stored = await loadStored(ctx, cmd.instance, namespace);
  if (!stored) return notFound(cmd.instance, namespace, namespace ? await homeNamespace(ctx, cmd.instance) : undefined);
  guard(ctx, cmd.instance, stored, [], namespace);
  const secret = await ctx.ops.password(cmd.instance, namespace);
  return answer(message('info', `Admin login for ${cmd.instance}`, [
    { type: 'fields', fields: [{ label: 'User', value: secret.user }, { label: 'Password', value: secret.password }] },
    { type: 'context', text: 'Only you can see this. Change it in Jenkins if it was shared.' },
  ], { ephemeral: true }));
};
