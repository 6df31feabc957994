// What a command handler is: it looks at the world and says what to do — answer now, run now, or ask first.
// The runner owns authorization, confirmation tokens, progress and audit, so handlers stay small.
import type { ProgressSink } from '../../operations/target.js';
import type { Actor, Operations } from '../../operations/api.js';
import type { SpecSources } from '../../instance/index.js';
import type { Caller, Message } from '../model.js';
import type { BoundsConfig, BoundsSource } from '../bounds.js';

export interface HandlerContext {
  ops: Operations;
  caller: Caller;
  actor: Actor;
  sources: SpecSources;
  /** How long a deploy or scale waits for the controller to become ready. */
  waitTimeoutSeconds: number;
  /** Set when this caller is held to the admin's bounds (chat; the console with a policy file). */
  bounds?: {
    for(instance: string): { config: BoundsConfig; source: BoundsSource };
    /** Images the admin's own casc/ files name. */
    trustedImages: Set<string>;
  };
}

/** Runs the change; progress goes to the one evolving message; the returned message is the result. */
export type Execute = (progress: ProgressSink) => Promise<Message>;

export type Planned =
  /** Nothing to run: the message is the whole answer (read-only results, "nothing to change", "not found"). */
  | { kind: 'answer'; message: Message }
  /** Run at once; `title` heads the progress message. */
  | { kind: 'run'; title: string; execute: Execute }
  /** Ask first. `plan` is what the user is shown; its digest goes into the token and must still match on confirm. */
  | { kind: 'confirm'; message: Message; confirmLabel: string; plan: unknown; title: string; execute: Execute };

export type Handler<C> = (command: C, ctx: HandlerContext) => Promise<Planned>;

export const answer = (message: Message): Planned => ({ kind: 'answer', message });
