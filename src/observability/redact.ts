// Scrubs secrets out of anything that is about to be logged. Two nets: keys that name a secret lose their value,
// and strings that look like a credential (Slack tokens, bearer headers, JWTs such as service-account tokens) are
// masked wherever they appear, including inside error messages and free text.

export const REDACTED = '[redacted]';

const SECRET_KEY = /(token|secret|password|passwd|authorization|api[-_]?key|cookie|credential)/i;

const SECRET_VALUE_PATTERNS: RegExp[] = [
  /\bxox[abposre]-[A-Za-z0-9-]+/g, // Slack bot/user/legacy tokens
  /\bxapp-[A-Za-z0-9-]+/g, // Slack app-level tokens (Socket Mode)
  /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, // Authorization headers
  /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+/g, // JWTs (Kubernetes service-account tokens)
];

const MAX_DEPTH = 8;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

export function scrubString(text: string): string {
  let out = text;
  for (const pattern of SECRET_VALUE_PATTERNS) {
    out = out.replace(pattern, REDACTED);
  }
  return out;
}

/** Returns a copy of `value` with secrets masked; never mutates the caller's objects. */
export function scrubValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  if (value instanceof Error) return scrubError(value, depth, seen);
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1, seen));
  if (Buffer.isBuffer(value) || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = isSecretKey(key) && inner !== undefined && inner !== null ? REDACTED : scrubValue(inner, depth + 1, seen);
  }
  return out;
}

function scrubError(error: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  // A plain object shaped like pino's error serializer output, so that messages and stacks are scrubbed too.
  const out: Record<string, unknown> = {
    type: error.constructor?.name ?? 'Error',
    message: scrubString(error.message),
    stack: error.stack === undefined ? undefined : scrubString(error.stack),
  };
  if (error.cause !== undefined) out.cause = scrubValue(error.cause, depth + 1, seen);
  for (const [key, inner] of Object.entries(error)) {
    out[key] = isSecretKey(key) ? REDACTED : scrubValue(inner, depth + 1, seen);
  }
  return out;
}
