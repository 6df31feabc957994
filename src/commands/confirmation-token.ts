// Confirmation tokens: self-contained and HMAC-signed, so any bot replica can carry out a confirmed command and
// nothing waits in memory. A token names the command line, who asked, where, when it expires, and a digest of the
// plan that was shown. "At most once" needs no memory either: once the command ran, the live plan differs from
// the digest and the token is refused.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ParsedCommand } from './grammar.js';

export interface TokenClaims {
  /** The command line as parsed the first time (re-parsed on confirm), or as the CLI was called (for audit). */
  command: string;
  /**
   * The command itself when it did not come as text (the CLI's, with its operator input): used on confirm instead of
   * re-parsing `command`. Signed like the rest, so it is what the requester saw.
   */
  parsed?: ParsedCommand;
  /** Slack user id (or `console`) of the requester: only they may confirm. */
  user: string;
  channel?: string;
  /** Digest of the plan the requester saw. */
  plan: string;
  /** Expiry, milliseconds since the epoch. */
  exp: number;
}

export type Verified = { ok: true; claims: TokenClaims } | { ok: false; reason: string };

const VERSION = 'c1';
/** Slack limits a button value to 2,000 characters; stay well within it. */
export const MAX_TOKEN_LENGTH = 1900;

export class TokenSigner {
  private readonly key: Buffer;

  /**
   * `secret` is any shared secret; a purpose-bound key is derived from it so it is never used raw. `maxLength` keeps
   * tokens fit for a Slack button; a front end that never sends them anywhere (the CLI) may lift it.
   */
  constructor(
    secret: string | Buffer,
    private readonly ttlMs = 15 * 60_000,
    private readonly now: () => number = Date.now,
    private readonly maxLength = MAX_TOKEN_LENGTH,
  ) {
    this.key = createHmac('sha256', secret).update('jenkins-chatops confirmation token v1').digest();
  }

  sign(claims: Omit<TokenClaims, 'exp'>): string {
    const body = Buffer.from(JSON.stringify({ ...claims, exp: this.now() + this.ttlMs })).toString('base64url');
    const token = `${VERSION}.${body}.${this.mac(body)}`;
    if (token.length > this.maxLength) throw new Error('this command is too long to confirm by button; shorten it (fewer settings per deploy)');
    return token;
  }

  verify(token: string): Verified {
    const [version, body, mac, extra] = token.split('.');
    if (version !== VERSION || !body || !mac || extra !== undefined) return { ok: false, reason: 'this confirmation is not one of mine' };
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return { ok: false, reason: 'this confirmation was not signed by me (or was altered)' };
    }
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return { ok: false, reason: 'this confirmation is damaged' };
    }
    if (typeof claims.exp !== 'number' || claims.exp < this.now()) {
      return { ok: false, reason: 'this confirmation has expired; run the command again' };
    }
    return { ok: true, claims };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(`${VERSION}.${body}`).digest('base64url');
  }
}

/** The signing secret: CHATOPS_SIGNING_KEY, else the Slack signing secret, else a random per-process key. */
export function signerFromEnv(env: NodeJS.ProcessEnv = process.env): TokenSigner {
  const secret = env.CHATOPS_SIGNING_KEY || env.SLACK_SIGNING_SECRET || randomBytes(32);
  return new TokenSigner(secret);
}

/** A stable digest of any JSON-like value (object keys sorted), for comparing plans. */
export function digestOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url').slice(0, 22);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
