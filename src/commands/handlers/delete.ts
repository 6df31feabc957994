// delete <name> [--purge]: always asks, and says what stays.
import type { ParsedCommand } from '../grammar.js';
import { limit, message } from '../messages.js';
import { homeNamespace, loadStored, notFound } from './outcome.js';
import { answer, type Handler } from './types.js';
import { guard } from './guard.js';

type Delete = Extract<ParsedCommand, { name: 'delete' }>;

export const remove: Handler<Delete> = async (cmd, ctx) => {
  const namespace = cmd.operator?.namespace;
  const [status] = await ctx.ops.status(cmd.instance, namespace);
  // The stored values, read once: they say whether the instance lives where -n looked, and bind the question.
  const stored = status?.exists
    ? (namespace ? await loadStored(ctx, cmd.instance, namespace) : await ctx.ops.target.loadValues(cmd.instance, status.namespace))
    : undefined;
  if (!status?.exists || (namespace && !stored)) {
    return notFound(cmd.instance, namespace, namespace ? await homeNamespace(ctx, cmd.instance) : undefined);
  }
  guard(ctx, cmd.instance, stored, [], status.namespace);
  const claims = status.volumes.map((v) => v.claim);
  // Deleted already (its settings and volumes are kept until --purge): nothing to ask, and a second click on the
  // first question finds nothing to do.
  const running = status.casc.desired !== undefined || status.controllers.length > 0;
  if (!cmd.purge && !running) {
    return answer(message('info', `${cmd.instance} is already deleted`, [
      { type: 'text', text: `Its settings${claims.length ? `, volumes (${claims.join(', ')})` : ''} and admin password are kept: \`deploy ${cmd.instance}\` brings it back; \`delete ${cmd.instance} --purge\` removes them too.` },
    ]));
  }
  const kept = cmd.purge
    ? '--purge also removes the volume claims and volumes (all jobs and build history), the settings and the admin password Secret. With static storage the files stay in the hostPath folder on the node; the answer says where.'
    : `Kept: the volumes${claims.length ? ` (${claims.join(', ')})` : ''} with jobs and build history, and the admin password Secret. \`deploy ${cmd.instance}\` brings the instance back with them; \`delete ${cmd.instance} --purge\` removes them too.`;
  return {
    kind: 'confirm',
    message: message(cmd.purge ? 'danger' : 'warning', `Delete ${cmd.instance}${cmd.purge ? ' and all its data' : ''}?`, [
      { type: 'text', text: `Removes the controllers, services and configuration of ${cmd.instance} in namespace ${status.namespace}.` },
      { type: 'text', text: kept },
    ]),
    confirmLabel: cmd.purge ? 'Delete everything' : 'Delete',
    // What the user agreed to delete; once it is gone the digest no longer matches and the token is spent.
    plan: { instance: cmd.instance, namespace: status.namespace, purge: cmd.purge, running, claims, stored: stored ?? null },
    title: `Deleting ${cmd.instance}…`,
    execute: async (onProgress) => {
      const result = await ctx.ops.delete({ instance: cmd.instance, namespace, purge: cmd.purge, actor: ctx.actor, onProgress });
      return message('success', `${cmd.instance} deleted`, [
        { type: 'fields', fields: [{ label: 'Removed', value: String(result.deleted.length) + ' object(s)' }, { label: 'Kept', value: result.kept.length ? limit(result.kept, 8).join(', ') : 'nothing' }] },
      ]);
    },
  };
};
