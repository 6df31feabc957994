// deploy and diff: settings → changes over the instance's stored values → preview/deploy.
import type { DeployResult } from '../../operations/api.js';
import { mergeLayers, type Values } from '../../instance/index.js';
import { settingsToChanges } from '../changes.js';
import type { ParsedCommand } from '../grammar.js';
import type { Setting } from '../keys.js';
import { changedObjectCount, message, planBlocks } from '../messages.js';
import type { Block, Message } from '../model.js';
import { filesOnly, FILES_ONLY_NOTE, outcomeMessage, severalControllers } from './outcome.js';
import { answer, type Execute, type Handler, type HandlerContext } from './types.js';
import { guard } from './guard.js';

type Deploy = Extract<ParsedCommand, { name: 'deploy' }>;
type Diff = Extract<ParsedCommand, { name: 'diff' }>;

interface Desired {
  stored: Values | undefined;
  changes: Values[];
  namespace?: string;
  /** For the operation: the stored values, when they were looked up where the request deploys (no other namespace typed). */
  known: { stored?: Values | null };
}

/** Stored values, then the operator's --values/--set layers (CLI), then the settings typed with the command. */
async function desired(cmd: Deploy | Diff, ctx: HandlerContext): Promise<Desired> {
  const stored = await ctx.ops.target.loadValues(cmd.instance, cmd.operator?.namespace);
  const layers = cmd.operator?.values ?? [];
  const current = mergeLayers([{ values: stored ?? {} }, ...layers.map((values) => ({ values }))], ctx.sources);
  const changes = [...layers, settingsToChanges(cmd.instance, presetAliases(cmd.settings, ctx), current)];
  const typed = cmd.settings.find((s) => s.path.length === 1 && s.path[0] === 'namespace')?.value;
  const namespace = typeof typed === 'string' ? typed : cmd.operator?.namespace;
  guard(ctx, cmd.instance, stored, changes, namespace);
  const known = namespace === cmd.operator?.namespace ? { stored: stored ?? null } : {};
  return { stored, changes, known, ...(namespace ? { namespace } : {}) };
}

/**
 * `--preset default` names the template the `jnlp` preset creates (what `templates` used to list): a name that is no
 * preset but is the template name of exactly one preset means that preset.
 */
function presetAliases(settings: Setting[], ctx: HandlerContext): Setting[] {
  const { presets } = ctx.sources;
  const byTemplate = new Map<string, string[]>();
  for (const [preset, values] of presets) {
    if (typeof values.name === 'string' && values.name !== preset) byTemplate.set(values.name, [...(byTemplate.get(values.name) ?? []), preset]);
  }
  const alias = (name: unknown): unknown => {
    if (typeof name !== 'string' || presets.has(name)) return name;
    const found = byTemplate.get(name);
    return found?.length === 1 ? found[0] : name;
  };
  return settings.map((s) => {
    if (s.key !== '--preset' || !Array.isArray(s.value)) return s;
    return { ...s, value: s.value.map((t: unknown) => (t && typeof t === 'object' && 'preset' in t ? { ...t, preset: alias((t as { preset: unknown }).preset) } : t)) };
  });
}

export const deploy: Handler<Deploy> = async (cmd, ctx) => {
  const { stored, changes, namespace, known } = await desired(cmd, ctx);
  // The stored values the changes were made against: the operation does not read them again.
  const request = { instance: cmd.instance, changes, ...known, actor: ctx.actor, ...(namespace ? { namespace } : {}), ...(cmd.force ? { force: true } : {}) };
  if (cmd.dryRun) {
    const preview = await ctx.ops.preview(request);
    if (preview.plan.empty) return answer(noChanges(cmd.instance, ctx));
    return answer(planMessage(cmd.instance, preview, `Dry run: deploying ${cmd.instance} would change`, cmd));
  }
  const wait = cmd.operator?.wait ?? true;
  const execute: Execute = async (onProgress) =>
    deployResultMessage(await ctx.ops.deploy({ ...request, wait, timeoutSeconds: ctx.waitTimeoutSeconds, onProgress }), ctx);
  const several = (replicas: number) => replicas > 1;
  // A new instance runs at once, unless it starts with several controllers: that is always asked, on every front end.
  if (!stored && !several(requestedReplicas(changes, ctx))) return { kind: 'run', title: `Deploying ${cmd.instance}…`, execute };
  const preview = await ctx.ops.preview(request);
  if (preview.plan.empty) {
    return answer(message('info', `${cmd.instance} already has these settings: nothing to change`));
  }
  const question = planMessage(cmd.instance, preview, stored ? `Apply these changes to ${cmd.instance}?` : `Create ${cmd.instance}?`, cmd);
  const current = stored ? (mergeLayers([{ values: stored }], ctx.sources).controller as { replicas?: number } | undefined) : undefined;
  const replicas = preview.bundle.spec.controller.replicas;
  if (several(replicas) && replicas !== current?.replicas) question.blocks.unshift(severalControllers(preview.bundle.spec));
  return {
    kind: 'confirm',
    message: question,
    confirmLabel: 'Deploy',
    // The stored values are part of what was agreed to: a change by someone else in between voids the click.
    plan: { plan: preview.plan, stored: stored ?? null },
    title: `Deploying ${cmd.instance}…`,
    execute,
  };
};

export const diff: Handler<Diff> = async (cmd, ctx) => {
  const { changes, namespace, known } = await desired(cmd, ctx);
  const preview = await ctx.ops.preview({ instance: cmd.instance, changes, ...known, actor: ctx.actor, ...(namespace ? { namespace } : {}) });
  if (preview.plan.empty) return answer(noChanges(cmd.instance, ctx));
  return answer(planMessage(cmd.instance, preview, preview.created ? `${cmd.instance} does not exist yet: deploy would create` : `Deploying ${cmd.instance} would change`, cmd));
};

/** The controller count a new instance's changes ask for (the defaults' when they say nothing). */
function requestedReplicas(changes: Values[], ctx: HandlerContext): number {
  const controller = mergeLayers(changes.map((values) => ({ values })), ctx.sources).controller as { replicas?: unknown } | undefined;
  return typeof controller?.replicas === 'number' ? controller.replicas : 1;
}

function noChanges(instance: string, ctx: HandlerContext): Message {
  const where = filesOnly(ctx) ? `The files of ${instance} in the dry-run directory already match these settings (nothing runs there).` : 'The cluster already matches these settings.';
  return message('info', `${instance}: no changes`, [{ type: 'context', text: where }]);
}

function planMessage(instance: string, preview: DeployResult, title: string, cmd: Deploy | Diff): Message {
  const count = changedObjectCount(preview.plan);
  const again = `${cmd.name} ${instance}${cmd.settings.length ? ' …' : ''}`;
  const { blocks, attachment } = planBlocks(preview.plan, { full: cmd.full ?? false, command: again });
  return message('info', title, [
    ...blocks,
    { type: 'context', text: `${count} object${count === 1 ? '' : 's'} of ${instance} in namespace ${preview.bundle.namespace}` },
  ], attachment ? { attachment } : {});
}

async function deployResultMessage(result: DeployResult, ctx: HandlerContext): Promise<Message> {
  const { instance } = result.bundle;
  const verb = result.created ? 'created' : 'updated';
  const facts: Block[] = [];
  const count = changedObjectCount(result.plan);
  const fields = [
    { label: 'Objects changed', value: String(count) },
    { label: 'Namespace', value: result.bundle.namespace },
    { label: 'Controllers', value: String(result.bundle.spec.controller.replicas) },
  ];
  if (result.adminSecret === 'created') fields.push({ label: 'Admin password', value: `generated: \`password ${instance}\` shows it` });
  // Where to open Jenkins; a failure to read it never spoils a successful deploy.
  const urls = await ctx.ops.urls(result.bundle).catch(() => [] as string[]);
  if (urls[0]) fields.push({ label: 'URL', value: urls[0] });
  facts.push({ type: 'fields', fields });
  if (!result.applied) return message('info', `${instance}: nothing to apply`, filesOnly(ctx) ? [...facts, FILES_ONLY_NOTE] : facts);
  return outcomeMessage(instance, filesOnly(ctx) ? (result.created ? 'written' : 'rewritten') : verb, result.outcome, facts, filesOnly(ctx));
}
