// Result pieces several handlers share: how a wait ended, "no such instance", the several-controllers warning.
import type { Outcome } from '../../operations/target.js';
import { message } from '../messages.js';
import type { Block, Message } from '../model.js';
import { answer, type Planned } from './types.js';

/** Said whenever someone asks for more than one controller. */
export const SEVERAL_CONTROLLERS: Block = {
  type: 'text',
  text: `Each controller is an independent Jenkins: they share no jobs, builds, plugins' state or configuration made in the UI (only what JCasC sets). ` +
    `A job created on one is not on the others. Session affinity keeps each browser on one controller, so people may see different Jenkins.`,
};

export function outcomeMessage(instance: string, verb: string, outcome: Outcome | undefined, facts: Block[]): Message {
  if (!outcome) return message('success', `${instance} ${verb}`, facts);
  if (outcome.status === 'ready') return message('success', `${instance} ${verb} and ready`, [{ type: 'text', text: outcome.message }, ...facts]);
  if (outcome.status === 'timed-out') return message('warning', `${instance} ${verb}, not ready yet`, [{ type: 'text', text: outcome.message }, ...facts], { failure: 'operation' });
  const blocks: Block[] = [{ type: 'text', text: `${outcome.reason}: ${outcome.message}` }, ...facts];
  if (outcome.logTail?.length) blocks.push({ type: 'code', text: outcome.logTail.slice(-20).join('\n') });
  return message('danger', `${instance} ${verb} but did not become ready`, blocks, { failure: 'operation' });
}

export function notFound(instance: string): Planned {
  return answer(message('danger', `No instance named ${instance}`, [{ type: 'context', text: `\`status\` lists the instances; \`deploy ${instance}\` creates it.` }], { ephemeral: true, failure: 'input' }));
}
