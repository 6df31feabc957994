import { describe, it, expect } from '@jest/globals';
import { Writable } from 'node:stream';
import { createLogger, parseLogLevel } from '../../src/observability/logger.js';

// Obviously fake credentials, shaped like the real ones so the shape-based masking is exercised.
const FAKE_BOT_TOKEN = 'xoxb-0000000000-fake-for-tests';
const FAKE_APP_TOKEN = 'xapp-1-A000-fake-for-tests';
const FAKE_JWT = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ0ZXN0In0.ZmFrZQ';

function capture(level = 'debug'): { lines: () => Array<Record<string, unknown>>; raw: () => string; logger: ReturnType<typeof createLogger> } {
  let raw = '';
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw += chunk.toString();
      done();
    },
  });
  // pino writes synchronously to a plain Writable, so the output is complete right after each call.
  const logger = createLogger({ level, destination });
  return {
    logger,
    raw: () => raw,
    lines: () => raw.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('writes one JSON object per line with a textual level', () => {
    const out = capture();
    out.logger.info({ command: 'status' }, 'command received');
    const [line] = out.lines();
    expect(line).toMatchObject({ level: 'info', msg: 'command received', command: 'status', name: 'jenkins-chatops' });
  });

  it('never writes a token passed in a log object, in nested objects, errors or the message', () => {
    const out = capture();
    out.logger.info({ token: FAKE_BOT_TOKEN, config: { appToken: FAKE_APP_TOKEN, signingSecret: 'not-a-real-secret' } }, 'start');
    out.logger.warn({ request: { headers: { authorization: `Bearer ${FAKE_JWT}` } }, note: `saw ${FAKE_BOT_TOKEN}` }, 'odd');
    out.logger.error({ err: new Error(`auth failed for ${FAKE_BOT_TOKEN}`) }, 'slack call failed');
    out.logger.info(`token in free text ${FAKE_APP_TOKEN}`);
    out.logger.info({ admin: { password: 'hunter2-not-real' } }, 'admin');

    const raw = out.raw();
    for (const secret of [FAKE_BOT_TOKEN, FAKE_APP_TOKEN, FAKE_JWT, 'not-a-real-secret', 'hunter2-not-real']) {
      expect(raw).not.toContain(secret);
    }
    expect(raw).toContain('[redacted]');
    // The useful part of the line is still there.
    const lines = out.lines();
    expect(lines[2]).toMatchObject({ msg: 'slack call failed', err: { message: 'auth failed for [redacted]' } });
    expect(lines[1]).toMatchObject({ note: 'saw [redacted]' });
  });

  it('does not modify the object the caller logged', () => {
    const out = capture();
    const config = { token: FAKE_BOT_TOKEN };
    out.logger.info({ config }, 'x');
    expect(config.token).toBe(FAKE_BOT_TOKEN);
  });

  it('honours the level', () => {
    const out = capture('warn');
    out.logger.info('hidden');
    out.logger.warn('shown');
    expect(out.lines().map((l) => l.msg)).toEqual(['shown']);
  });

  it('rejects an unknown LOG_LEVEL with the allowed values', () => {
    expect(() => parseLogLevel('loud')).toThrow(/LOG_LEVEL "loud" is not a log level; use one of: fatal, error, warn, info, debug, trace, silent/);
    expect(parseLogLevel(' DEBUG ')).toBe('debug');
    expect(parseLogLevel(undefined)).toBe('info');
  });
});
