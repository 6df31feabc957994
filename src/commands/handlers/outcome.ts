// Result pieces several handlers share: how a wait ended, "no such instance", the several-controllers warning.
import type { Outcome } from '../../operations/target.js';
import { message } from '../messages.js';
import type { Block, Message } from '../model.js';
import { mergeLayers, type InstanceSpec, type Values } from '../../instance/index.js';
import { fleetNote } from '../fleet-note.js';
import { answer, type HandlerContext, type Planned } from './types.js';

/** The namespace stored values put an instance in (the spec default when they name none). */
export function storedNamespace(values: Values, ctx: HandlerContext): string {
  const ns = values.namespace ?? mergeLayers([], ctx.sources).namespace;
  return typeof ns === 'string' ? ns : 'jenkins';
}

/**
 * An instance's stored values, only when it lives in `namespace` (when given): a target may hand back values that
 * name no namespace of their own, and `status ci -n other` must not show ci as if it lived in `other`.
 */
export async function loadStored(ctx: HandlerContext, instance: string, namespace?: string): Promise<Values | undefined> {
  const stored = await ctx.ops.target.loadValues(instance, namespace);
  if (!stored || !namespace) return stored;
  return storedNamespace(stored, ctx) === namespace ? stored : undefined;
}

/** Where an instance lives when it is not where the caller looked (for the "not found" hint). */
export async function homeNamespace(ctx: HandlerContext, instance: string): Promise<string | undefined> {
  try {
    const stored = await ctx.ops.target.loadValues(instance);
    return stored ? storedNamespace(stored, ctx) : undefined;
  } catch {
    return undefined;
  }
}

/** Said whenever someone asks for more than one controller, before they agree to it. */
export function severalControllers(spec: InstanceSpec): Block {
  return { type: 'list', items: fleetNote(spec) };
}

/** The dry-run directory target: files are written, nothing runs, so nothing is ever "ready". */
export function filesOnly(ctx: HandlerContext): boolean {
  return ctx.ops.target.kind === 'directory';
}

export const FILES_ONLY_NOTE: Block = {
  type: 'context',
  text: 'Dry-run directory: only files were written; nothing runs. To run it, apply the manifests, then the Secrets: kubectl apply -f <dir>/<name>/manifests -f <dir>/<name>/admin-secret.yaml -f <dir>/<name>/casc-reload-token.yaml (README: Targets).',
};

/** `filesOnly`: the target wrote files; the outcome's "ready" only means the files are there. */
export function outcomeMessage(instance: string, verb: string, outcome: Outcome | undefined, facts: Block[], filesOnly = false): Message {
  if (filesOnly && (!outcome || outcome.status === 'ready')) {
    return message('success', `${instance} ${verb} as files (dry run: nothing runs)`, [...(outcome ? [{ type: 'text' as const, text: outcome.message }] : []), ...facts, FILES_ONLY_NOTE]);
  }
  if (!outcome) return message('success', `${instance} ${verb}`, facts);
  if (outcome.status === 'ready') return message('success', `${instance} ${verb} and ready`, [{ type: 'text', text: outcome.message }, ...facts]);
  if (outcome.status === 'timed-out') return message('warning', `${instance} ${verb}, not ready yet`, [{ type: 'text', text: outcome.message }, ...facts], { failure: 'operation' });
  const blocks: Block[] = [{ type: 'text', text: `${outcome.reason}: ${outcome.message}` }, ...facts];
  if (outcome.logTail?.length) blocks.push({ type: 'code', text: outcome.logTail.slice(-20).join('\n') });
  return message('danger', `${instance} ${verb} but did not become ready`, blocks, { failure: 'operation' });
}

/** The one "no such instance" answer of every command (exit code 3). `namespace` when the caller named one. */
export function notFoundMessage(instance: string, namespace?: string, elsewhere?: string): Message {
  const where = namespace ? ` in namespace ${namespace}` : '';
  const hint = elsewhere
    ? `${instance} lives in namespace ${elsewhere}: leave out the namespace, or use -n ${elsewhere}.`
    : `\`status\` lists the instances; \`deploy ${instance}\` creates it.`;
  return message('danger', `No instance named ${instance}${where}`, [{ type: 'context', text: hint }], { ephemeral: true, failure: 'not-found' });
}

export function notFound(instance: string, namespace?: string, elsewhere?: string): Planned {
  return answer(notFoundMessage(instance, namespace, elsewhere));
}
