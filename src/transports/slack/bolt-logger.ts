// Bolt and the Web API client log through @slack/logger's interface; route them into our pino logger so their
// lines are JSON, leveled and scrubbed like ours.
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../observability/logger.js';

const TO_PINO: Record<LogLevel, string> = {
  [LogLevel.DEBUG]: 'debug',
  [LogLevel.INFO]: 'info',
  [LogLevel.WARN]: 'warn',
  [LogLevel.ERROR]: 'error',
};

/**
 * `demote`: lines (by their text) written at debug instead, e.g. the SDK's own report of a failed call that the bot
 * already logs once per attempt in its own words.
 */
export function boltLogger(logger: Logger, options: { demote?: RegExp } = {}): BoltLogger {
  let log = logger.child({ component: 'bolt' });
  const write = (asked: 'debug' | 'info' | 'warn' | 'error', parts: unknown[]): void => {
    const level = options.demote && asked !== 'debug' && typeof parts[0] === 'string' && options.demote.test(parts[0]) ? 'debug' : asked;
    // Bolt logs at debug on every request: build the line only when it will be written.
    if (!log.isLevelEnabled(level)) return;
    const errors = parts.filter((part): part is Error => part instanceof Error);
    const text = parts.map((part) => (part instanceof Error ? part.message : typeof part === 'string' ? part : safeJson(part))).join(' ');
    if (errors.length > 0) log[level]({ err: errors[0] }, text);
    else log[level](text);
  };
  return {
    debug: (...parts: unknown[]) => write('debug', parts),
    info: (...parts: unknown[]) => write('info', parts),
    warn: (...parts: unknown[]) => write('warn', parts),
    error: (...parts: unknown[]) => write('error', parts),
    setLevel: (level: LogLevel) => {
      log.level = TO_PINO[level] ?? 'info';
    },
    getLevel: () => {
      const entry = Object.entries(TO_PINO).find(([, pinoLevel]) => pinoLevel === log.level);
      return (entry?.[0] as LogLevel | undefined) ?? LogLevel.INFO;
    },
    setName: (name: string) => {
      log = logger.child({ component: name });
    },
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
