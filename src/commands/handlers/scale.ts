// scale <name> <replicas> | agents <cap> | template <t> <instanceCap>.
import { mergeLayers, resolveSpec, type Values } from '../../instance/index.js';
import type { Outcome } from '../../operations/target.js';
import type { ParsedCommand } from '../grammar.js';
import { changedObjectCount, message, planBlocks } from '../messages.js';
import type { Message } from '../model.js';
import { filesOnly, FILES_ONLY_NOTE, homeNamespace, loadStored, notFound, outcomeMessage, severalControllers } from './outcome.js';
import { answer, type Execute, type Handler, type HandlerContext, type Planned } from './types.js';
import { guard } from './guard.js';

type Scale = Extract<ParsedCommand, { name: 'scale' }>;

export const scale: Handler<Scale> = async (cmd, ctx) => {
  const namespace = cmd.operator?.namespace;
  const stored = await loadStored(ctx, cmd.instance, namespace);
  if (!stored) return notFound(cmd.instance, namespace, namespace ? await homeNamespace(ctx, cmd.instance) : undefined);
  guard(ctx, cmd.instance, stored, [], namespace);
  if (cmd.what === 'agents') {
    return runNow(`Scaling agents of ${cmd.instance}…`, async (onProgress) => {
      const result = await ctx.ops.scaleAgents({ instance: cmd.instance, namespace, containerCap: cmd.cap, actor: ctx.actor, onProgress });
      return reloaded(cmd.instance, 'agent cap set', result.outcome) ?? message('success', `${cmd.instance}: at most ${cmd.cap === 0 ? 'unlimited' : cmd.cap} agent pod${cmd.cap === 1 ? '' : 's'}`, [
        { type: 'context', text: 'Running builds are not interrupted; the new cap applies to pods started from now on.' },
      ]);
    });
  }
  if (cmd.what === 'template') {
    const missing = missingTemplate(stored, cmd.instance, cmd.template, ctx);
    if (missing) return answer(missing);
    // The one place that knows: scaleAgents sets the instance's containerCap too, so a template cap keeps the current one.
    const containerCap = currentContainerCap(stored, ctx);
    return runNow(`Scaling agent template ${cmd.template} of ${cmd.instance}…`, async (onProgress) => {
      const result = await ctx.ops.scaleAgents({ instance: cmd.instance, namespace, containerCap, template: cmd.template, instanceCap: cmd.instanceCap, actor: ctx.actor, onProgress });
      return reloaded(cmd.instance, `${cmd.template} cap set`, result.outcome) ?? message('success', `${cmd.instance}: at most ${cmd.instanceCap} ${cmd.template} agent pod${cmd.instanceCap === 1 ? '' : 's'}`);
    });
  }
  return scaleControllers(cmd, ctx, stored);
};

/** A template the instance does not have is answered as such (not as a missing instance), with the names it has. */
function missingTemplate(stored: Values, instance: string, template: string, ctx: HandlerContext): Message | undefined {
  let names: string[];
  try {
    names = resolveSpec([{ values: { ...stored, name: instance } }], ctx.sources).agents.templates.map((t) => t.name);
  } catch {
    return undefined; // the stored values no longer resolve: the operation reports why
  }
  if (names.includes(template)) return undefined;
  return message('danger', `${instance} has no pod template named ${template}`, [
    { type: 'text', text: `Its pod templates: ${names.join(', ') || 'none'}.` },
    { type: 'context', text: `\`scale ${instance} template <template> <instanceCap>\` takes one of these names (a template's name, not its preset).` },
  ], { ephemeral: true, failure: 'not-found' });
}

function currentContainerCap(stored: Values, ctx: HandlerContext): number {
  const agents = mergeLayers([{ values: stored }], ctx.sources).agents as { containerCap?: number } | undefined;
  return agents?.containerCap ?? 0;
}

/** A cap takes effect by a JCasC reload: when the reload failed or timed out, that is the answer. */
function reloaded(instance: string, verb: string, outcome: Outcome | undefined): Message | undefined {
  return outcome && outcome.status !== 'ready' ? outcomeMessage(instance, verb, outcome, []) : undefined;
}

async function scaleControllers(cmd: Extract<Scale, { what: 'controllers' }>, ctx: HandlerContext, stored: Values): Promise<Planned> {
  const { instance, replicas } = cmd;
  const namespace = cmd.operator?.namespace;
  const execute: Execute = async (onProgress) => {
    const result = await ctx.ops.scaleControllers({ instance, namespace, replicas, actor: ctx.actor, wait: replicas > 0, onProgress });
    if (replicas === 0 && filesOnly(ctx)) {
      return message('success', `${instance} set to 0 controllers in its files (dry run: nothing ran)`, [FILES_ONLY_NOTE]);
    }
    if (replicas === 0) {
      return message('success', `${instance} is hibernating`, [
        { type: 'text', text: 'The controller is stopped; its volume, jobs and configuration are kept.' },
        { type: 'context', text: `\`scale ${instance} 1\` wakes it up.` },
      ]);
    }
    const urls = await ctx.ops.urls(result.bundle).catch(() => [] as string[]);
    return outcomeMessage(instance, `scaled to ${replicas} controller${replicas === 1 ? '' : 's'}`, result.outcome, [
      { type: 'fields', fields: [{ label: 'Controllers', value: String(replicas) }, ...(urls[0] ? [{ label: 'URL', value: urls[0] }] : [])] },
    ], filesOnly(ctx));
  };
  const title = replicas === 0 ? `Hibernating ${instance}…` : `Scaling ${instance} to ${replicas}…`;
  if (replicas <= 1) return runNow(title, execute);
  const preview = await ctx.ops.preview({ instance, namespace, changes: [{ name: instance, controller: { replicas } }], actor: ctx.actor });
  if (preview.plan.empty) return answer(message('info', `${instance} already runs ${replicas} controllers: nothing to change`));
  return {
    kind: 'confirm',
    message: message('warning', `Scale ${instance} to ${replicas} controllers?`, [
      severalControllers(preview.bundle.spec),
      ...planBlocks(preview.plan, { command: `diff ${instance} replicas=${replicas}` }).blocks,
      { type: 'context', text: `${changedObjectCount(preview.plan)} object(s) change. For one Jenkins that survives restarts, keep 1 controller.` },
    ]),
    confirmLabel: `Scale to ${replicas}`,
    plan: { plan: preview.plan, stored },
    title,
    execute,
  };
}

function runNow(title: string, execute: Execute): Planned {
  return { kind: 'run', title, execute };
}
