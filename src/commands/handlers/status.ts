// status [name]: one section per instance with the facts people check first.
import type { InstanceStatus } from '../../operations/target.js';
import { formatAge } from '../format.js';
import type { ParsedCommand } from '../grammar.js';
import { limit, message } from '../messages.js';
import type { Block, Message } from '../model.js';
import { homeNamespace, loadStored, notFound } from './outcome.js';
import { answer, type Handler, type HandlerContext } from './types.js';
import { visible } from './guard.js';

type Status = Extract<ParsedCommand, { name: 'status' }>;

/** Slack allows 50 blocks a message; each instance takes up to 4. */
const MAX_INSTANCES = 12;

export const status: Handler<Status> = async (cmd, ctx) => {
  const namespace = cmd.operator?.namespace;
  const statuses = await ctx.ops.status(cmd.instance, namespace);
  // A bounded caller sees only instances in the namespaces the policy lets chat reach; with -n, only what lives there
  // (a target may report any name in the namespace it was asked about).
  const existing: InstanceStatus[] = [];
  for (const s of statuses) {
    if (!s.exists || !visible(ctx, s.name, s.namespace)) continue;
    if (namespace && !(await loadStored(ctx, s.name, namespace))) continue;
    existing.push(s);
  }
  if (cmd.instance !== undefined && existing.length === 0) {
    return notFound(cmd.instance, namespace, namespace ? await homeNamespace(ctx, cmd.instance) : undefined);
  }
  if (existing.length === 0) {
    return answer(message('info', namespace ? `No Jenkins instances in namespace ${namespace}` : 'No Jenkins instances yet', [{ type: 'context', text: 'Create one with `deploy <name>`.' }]));
  }
  return answer(statusMessage(existing, ctx.ops.target.kind === 'directory'));
};

/** `filesOnly`: the dry-run directory target, where nothing runs: the status says so instead of "0/1 ready". */
export function statusMessage(statuses: InstanceStatus[], filesOnly = false): Message {
  if (filesOnly) {
    const blocks: Block[] = statuses.slice(0, MAX_INSTANCES).flatMap((s, i) => [...(i > 0 ? [{ type: 'divider' as const }] : []), ...fileBlocks(s)]);
    blocks.push({ type: 'context', text: 'Dry-run directory: these are files only; nothing runs until they are applied to a cluster (kubectl apply -f <dir>/<name>/manifests -f <dir>/<name>/admin-secret.yaml -f <dir>/<name>/casc-reload-token.yaml).' });
    const title = statuses.length === 1 ? `${statuses[0]!.name}: files only, nothing runs` : `${statuses.length} Jenkins instances (files only, nothing runs)`;
    return message('info', title, blocks);
  }
  const shown = statuses.slice(0, MAX_INSTANCES);
  const blocks: Block[] = shown.flatMap((s, i) => [...(i > 0 ? [{ type: 'divider' as const }] : []), ...instanceBlocks(s)]);
  if (statuses.length > shown.length) blocks.push({ type: 'context', text: `… and ${statuses.length - shown.length} more: ask for one with \`status <name>\`` });
  const healthy = statuses.every((s) => s.replicas.ready >= s.replicas.desired);
  const title = statuses.length === 1 ? `${statuses[0]!.name}: ${summary(statuses[0]!)}` : `${statuses.length} Jenkins instances`;
  return message(healthy ? 'success' : 'warning', title, blocks);
}

function summary(s: InstanceStatus): string {
  if (s.replicas.desired === 0) return 'hibernated (0 controllers)';
  return `${s.replicas.ready}/${s.replicas.desired} controller${s.replicas.desired === 1 ? '' : 's'} ready`;
}

/** An instance of the directory target: what would run, not what runs. */
function fileBlocks(s: InstanceStatus): Block[] {
  const controllers = s.replicas.desired === 0 ? '0 (hibernated)' : `${s.replicas.desired} once applied (none runs now)`;
  return [
    { type: 'text', text: `${s.name} (namespace ${s.namespace}): written to files, not running anywhere` },
    { type: 'fields', fields: [
      { label: 'Controllers', value: controllers },
      { label: 'Volumes', value: s.volumes.length ? s.volumes.map((v) => `${v.volume ?? v.claim} (file only)`).join(', ') : 'claimed when applied' },
      { label: 'URL', value: s.urls[0] ?? '–' },
      { label: 'JCasC', value: s.casc.desired ? `revision ${s.casc.desired} written` : '–' },
    ] },
  ];
}

function instanceBlocks(s: InstanceStatus): Block[] {
  const pods = s.controllers;
  const restarts = pods.reduce((n, p) => n + p.restarts, 0);
  const nodes = [...new Set(pods.map((p) => p.node).filter(Boolean))];
  const oldest = Math.max(...pods.map((p) => p.ageSeconds ?? -1), -1);
  const fields = [
    { label: 'Replicas', value: `${s.replicas.ready}/${s.replicas.desired} ready` },
    { label: 'Pods', value: pods.length === 0 ? 'none' : pods.map((p) => `${p.name} ${p.ready ? 'ready' : p.reason ?? p.phase}`).join(', ') },
    { label: 'Restarts', value: String(restarts) },
    { label: 'Node', value: nodes.length ? nodes.join(', ') : '–' },
    { label: 'Age', value: oldest >= 0 ? formatAge(oldest) : '–' },
    { label: 'Volumes', value: s.volumes.length ? s.volumes.map((v) => `${v.claim} ${v.phase}`).join(', ') : 'none' },
    { label: 'URL', value: s.urls[0] ?? '–' },
    { label: 'Agents', value: `${s.agents.running} running, ${s.agents.pending} pending` },
    { label: 'JCasC', value: cascState(s.casc) },
  ];
  const blocks: Block[] = [
    { type: 'text', text: `${s.name} (namespace ${s.namespace}): ${summary(s)}` },
    { type: 'fields', fields },
  ];
  // Several controllers are separate Jenkins: each on its own line, with its own address, JCasC and agents.
  if (s.replicas.desired > 1 && pods.length) blocks.push({ type: 'list', items: pods.map(controllerLine) });
  const problems = pods.filter((p) => !p.ready && p.reason).map((p) => `${p.name}: ${p.reason}`);
  if (problems.length) blocks.push({ type: 'list', items: limit(problems, 10) });
  return blocks;
}

function controllerLine(p: InstanceStatus['controllers'][number]): string {
  const parts = [`${p.name} ${p.ready ? 'ready' : p.reason ?? p.phase}`];
  if (p.url) parts.push(p.url);
  if (p.cascLoaded !== undefined) parts.push(p.cascLoaded ? 'JCasC up to date' : 'JCasC reload pending');
  if (p.agents) parts.push(`agents ${p.agents.running} running, ${p.agents.pending} pending`);
  return parts.join(' · ');
}

function cascState(casc: InstanceStatus['casc']): string {
  if (!casc.desired) return casc.live ? `live ${casc.live}` : 'unknown';
  if (!casc.live) return `desired ${casc.desired}, not loaded yet`;
  return casc.live === casc.desired ? `up to date (${casc.live})` : `reload pending: live ${casc.live}, desired ${casc.desired}`;
}

