// A Reply that records what a user would see, in order.
import type { Caller, Confirmation, Message, Reply } from '../../src/commands/model.js';

export type Seen = { kind: 'progress'; message: Message } | { kind: 'result'; message: Message } | { kind: 'confirm'; confirmation: Confirmation };

export class RecordingReply implements Reply {
  readonly seen: Seen[] = [];
  async progress(message: Message): Promise<void> { this.seen.push({ kind: 'progress', message }); }
  async result(message: Message): Promise<void> { this.seen.push({ kind: 'result', message }); }
  async confirm(confirmation: Confirmation): Promise<void> { this.seen.push({ kind: 'confirm', confirmation }); }

  get results(): Message[] { return this.seen.flatMap((s) => (s.kind === 'result' ? [s.message] : [])); }
  get last(): Message { const r = this.results; return r[r.length - 1]!; }
  get progresses(): Message[] { return this.seen.flatMap((s) => (s.kind === 'progress' ? [s.message] : [])); }
  get confirmation(): Confirmation | undefined { const c = this.seen.find((s) => s.kind === 'confirm'); return c?.kind === 'confirm' ? c.confirmation : undefined; }
}

/** Everything a message says, as one string, for `toContain` assertions. */
export function textOf(message: Message): string {
  const parts = [message.title];
  for (const b of message.blocks) {
    if (b.type === 'fields') parts.push(...b.fields.map((f) => `${f.label}: ${f.value}`));
    else if (b.type === 'list') parts.push(...b.items);
    else if (b.type !== 'divider') parts.push(b.text);
  }
  return parts.join('\n');
}

export const alice: Caller = { userId: 'UALICE', userName: 'alice', channel: 'COPS', transport: 'slack' };
export const bob: Caller = { userId: 'UBOB', userName: 'bob', channel: 'COPS', transport: 'slack' };
export const mallory: Caller = { userId: 'UMAL', userName: 'mallory', channel: 'COPS', transport: 'slack' };
