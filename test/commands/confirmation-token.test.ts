import { describe, expect, it } from '@jest/globals';
import { digestOf, TokenSigner } from '../../src/commands/confirmation-token.js';

describe('confirmation tokens', () => {
  let clock = 1_000_000;
  const signer = new TokenSigner('test-secret', 15 * 60_000, () => clock);
  const claims = { command: 'delete ci', user: 'UALICE', channel: 'COPS', plan: digestOf({ instance: 'ci' }) };

  it('carry the command, requester and plan digest to any replica with the same secret', () => {
    const token = signer.sign(claims);
    const otherReplica = new TokenSigner('test-secret', 15 * 60_000, () => clock);
    expect(otherReplica.verify(token)).toEqual({ ok: true, claims: { ...claims, exp: clock + 15 * 60_000 } });
  });

  it('are refused when altered', () => {
    const token = signer.sign(claims);
    const [v, body, mac] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, user: 'UMAL', exp: clock + 1e9 })).toString('base64url');
    expect(signer.verify(`${v}.${forged}.${mac}`)).toEqual({ ok: false, reason: expect.stringContaining('not signed by me') });
    expect(signer.verify(`${v}.${body}.${mac!.slice(0, -2)}AA`).ok).toBe(false);
    expect(signer.verify('garbage').ok).toBe(false);
  });

  it('are refused when signed with another secret', () => {
    expect(new TokenSigner('other-secret').verify(signer.sign(claims)).ok).toBe(false);
  });

  it('expire', () => {
    const token = signer.sign(claims);
    clock += 15 * 60_000 + 1;
    expect(signer.verify(token)).toEqual({ ok: false, reason: 'this confirmation has expired; run the command again' });
  });

  it('digest plans independently of key order', () => {
    expect(digestOf({ a: 1, b: [{ x: 1, y: 2 }] })).toBe(digestOf({ b: [{ y: 2, x: 1 }], a: 1 }));
    expect(digestOf({ a: 1 })).not.toBe(digestOf({ a: 2 }));
  });
});
