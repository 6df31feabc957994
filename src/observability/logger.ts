// Structured JSON logs (pino). The level comes from LOG_LEVEL; secrets are masked before a line is written, by key
// name and by shape (see redact.ts), so a token that slips into an error message or a payload still never lands.
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { REDACTED, scrubString, scrubValue } from './redact.js';

export type { Logger } from 'pino';

export const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface LoggerOptions {
  /** Defaults to LOG_LEVEL, then `info`. */
  level?: string;
  name?: string;
  /** Where lines go; stdout when omitted. Tests pass a stream to read the output. */
  destination?: DestinationStream;
}

export function parseLogLevel(raw: string | undefined): LevelWithSilent {
  const level = (raw ?? 'info').trim().toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LevelWithSilent;
  throw new Error(`LOG_LEVEL "${raw}" is not a log level; use one of: ${LOG_LEVELS.join(', ')}`);
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = parseLogLevel(options.level ?? process.env.LOG_LEVEL);
  return pino(
    {
      level,
      name: options.name ?? 'jenkins-chatops',
      // Fast path for the well-known places; scrubValue below catches everything else.
      redact: {
        paths: ['token', 'botToken', 'appToken', 'signingSecret', 'password', 'headers.authorization', '*.token'],
        censor: REDACTED,
      },
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => scrubValue(object) as Record<string, unknown>,
      },
      hooks: {
        // Messages are free text: mask credential-shaped strings in them too.
        logMethod(args, method) {
          const scrubbed = args.map((arg) => (typeof arg === 'string' ? scrubString(arg) : arg));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
