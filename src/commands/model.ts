// The transport-neutral shape of everything a command says. Slack renders it as Block Kit, the console as text.
// Nothing here knows about Slack.

export type Tone = 'info' | 'success' | 'warning' | 'danger';

export type Block =
  | { type: 'text'; text: string }
  | { type: 'fields'; fields: Array<{ label: string; value: string }> }
  | { type: 'list'; items: string[] }
  | { type: 'code'; text: string; language?: string }
  | { type: 'context'; text: string }
  | { type: 'divider' };

export interface Attachment {
  /** e.g. `jenkins.yaml`; long text goes here instead of into a message (Slack uploads it as a file/snippet). */
  filename: string;
  content: string;
}

export interface Message {
  tone: Tone;
  title: string;
  blocks: Block[];
  /** Only the requester should see it (errors, help, passwords). */
  ephemeral?: boolean;
  attachment?: Attachment;
  /**
   * Set when the message says the command did not do what was asked: `input` (bad command, setting or spec),
   * `refused` (not allowed, not confirmed, a confirmation no longer valid), `not-found` (no such instance or pod
   * template) or `operation` (it ran and failed, or did not become ready). Chat shows the tone; front ends that end
   * with a status (the CLI, the piped console) read this through `exitCodeFor`.
   */
  failure?: Failure;
}

export type Failure = 'input' | 'refused' | 'not-found' | 'operation';

/** A question the transport must put to the user before a command goes on. */
export interface Confirmation {
  message: Message;
  confirmLabel: string;
  cancelLabel: string;
  /**
   * Opaque, self-contained and signed: everything needed to carry out the confirmed command on ANY bot replica
   * (no pending state kept in memory). Transports put it in the button value and hand it back on a click.
   */
  token: string;
}

export interface Caller {
  /** Slack user id (U…), or `console` / `cli`. */
  userId: string;
  userName?: string;
  /** Slack user-group ids the caller belongs to, when the transport knows them. */
  groups?: string[];
  /** Slack channel id, or undefined for the console and the CLI. */
  channel?: string;
  /** `console` and `cli` are the operator at their own terminal, with their own credentials. */
  transport: 'slack' | 'console' | 'cli' | 'test';
}

/** What a transport gives a running command to talk back with. */
export interface Reply {
  /** Replaces the command's single progress message (Slack: chat.update of one message). */
  progress(message: Message): Promise<void>;
  /** The final answer. */
  result(message: Message): Promise<void>;
  /** Ask the user; the transport shows buttons (Slack) or a y/N prompt (console). */
  confirm(confirmation: Confirmation): Promise<void>;
}
