// The audit trail of mutating commands: who, what, where, result. Sinks are plain functions so the Slack
// transport can post to the alert channel and the logs get the same record.
import type { Logger } from 'pino';

export type AuditResult = 'done' | 'failed' | 'denied' | 'awaiting-confirmation' | 'cancelled' | 'refused';

export interface AuditEvent {
  /** ISO time. */
  at: string;
  user: string;
  userName?: string;
  transport: string;
  channel?: string;
  command: string;
  instance?: string;
  /** The command line as typed (no secrets: passwords are never typed, only shown). */
  text: string;
  result: AuditResult;
  /** Why it was denied/failed/refused, or what was done. */
  detail?: string;
}

export type AuditSink = (event: AuditEvent) => void | Promise<void>;

/**
 * Logs each event as one structured line at info level, whatever the result: an audit record is a record, not a
 * warning about the bot (the person who ran the command already read why it failed). A console or CLI logging only
 * warnings therefore prints no JSON line after a failed command; LOG_LEVEL=info shows the trail.
 */
export function pinoAuditSink(logger: Logger): AuditSink {
  const log = logger.child({ component: 'audit' });
  return (event) => {
    log.info({ audit: event }, `${event.command} ${event.instance ?? ''} by ${event.user}: ${event.result}`.replace(/\s+/g, ' '));
  };
}

/** Several sinks as one; a sink that fails never stops a command or the other sinks. */
export function fanOut(sinks: AuditSink[], onError: (err: unknown) => void = () => {}): AuditSink {
  return async (event) => {
    await Promise.all(sinks.map(async (sink) => {
      try {
        await sink(event);
      } catch (err) {
        onError(err);
      }
    }));
  };
}
