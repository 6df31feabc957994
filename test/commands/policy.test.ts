import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parseCommand } from '../../src/commands/grammar.js';
import type { Caller } from '../../src/commands/model.js';
import { loadPolicy, Policy } from '../../src/commands/policy.js';

const user = (userId: string, extra: Partial<Caller> = {}): Caller => ({ userId, channel: 'COPS', transport: 'slack', ...extra });
const may = (policy: Policy, caller: Caller, line: string) => policy.authorize(caller, parseCommand(line));

describe('authorization policy', () => {
  const policy = new Policy({
    channels: ['COPS', 'CDEV'],
    deployers: { users: ['UADMIN'], groups: ['SPLATFORM'] },
    instances: {
      dev: { users: ['UDEV'] },
      prod: { users: ['UPROD'], inherit: false },
    },
  });

  it('lets listed users and members of listed groups run mutating commands', () => {
    expect(may(policy, user('UADMIN'), 'deploy ci')).toEqual({ allowed: true });
    expect(may(policy, user('UX', { groups: ['SOTHER', 'SPLATFORM'] }), 'delete ci')).toEqual({ allowed: true });
  });

  it('denies everyone else, saying why', () => {
    const decision = may(policy, user('UX', { userName: 'xavier' }), 'scale ci 2');
    expect(decision).toEqual({ allowed: false, reason: expect.stringContaining('xavier (UX) may not run scale on any instance') });
    expect(may(policy, user('UX'), 'password ci').allowed).toBe(false);
  });

  it('leaves read-only commands open to anyone', () => {
    for (const line of ['status', 'status ci', 'diff ci replicas=2', 'casc ci', 'templates', 'help']) {
      expect(may(policy, user('UANYONE'), line)).toEqual({ allowed: true });
    }
  });

  it('adds per-instance users, and with inherit: false keeps global deployers out', () => {
    expect(may(policy, user('UDEV'), 'deploy dev').allowed).toBe(true);
    expect(may(policy, user('UDEV'), 'deploy ci').allowed).toBe(false);
    expect(may(policy, user('UADMIN'), 'deploy dev').allowed).toBe(true);
    expect(may(policy, user('UPROD'), 'delete prod').allowed).toBe(true);
    const admin = may(policy, user('UADMIN'), 'delete prod');
    expect(admin).toEqual({ allowed: false, reason: expect.stringContaining('may not run delete on instance prod') });
  });

  it('answers only in the configured channels', () => {
    const decision = may(policy, user('UADMIN', { channel: 'CRANDOM' }), 'status');
    expect(decision).toEqual({ allowed: false, reason: 'I only answer in these channels: COPS, CDEV (this one is CRANDOM)' });
  });

  it('restricts read-only commands to readers when readers are configured (help stays open)', () => {
    const strict = new Policy({ readers: { users: ['UREAD'], groups: [] } });
    expect(may(strict, user('UREAD'), 'status').allowed).toBe(true);
    expect(may(strict, user('UX'), 'status')).toEqual({ allowed: false, reason: expect.stringContaining('limited to the configured readers') });
    expect(may(strict, user('UX'), 'help').allowed).toBe(true);
  });

  it('denies mutating commands when no deployers are configured, naming the settings', () => {
    expect(may(new Policy(), user('UADMIN'), 'deploy ci')).toEqual({ allowed: false, reason: expect.stringContaining('no deployers are configured (CHATOPS_ALLOWED_USERS') });
  });

  it('trusts the local console user', () => {
    expect(may(new Policy(), { userId: 'console', transport: 'console' }, 'delete ci --purge')).toEqual({ allowed: true });
  });

  it('trusts the CLI like the console, operator input included; chat callers never get operator input through', () => {
    const withOperator = { ...parseCommand('deploy ci'), operator: { namespace: 'team', values: [{ controller: { javaOpts: '-Xmx1g' } }] } };
    expect(new Policy().authorize({ userId: 'cli', transport: 'cli' }, withOperator)).toEqual({ allowed: true });
    expect(may(new Policy(), { userId: 'cli', transport: 'cli' }, 'password ci')).toEqual({ allowed: true });
    expect(policy.authorize(user('UADMIN'), withOperator)).toEqual({ allowed: false, reason: expect.stringContaining("only for the operator's own terminal") });
  });

  it('lists the user groups the transport must resolve', () => {
    expect(policy.groupIds).toEqual(['SPLATFORM']);
  });
});

describe('loadPolicy', () => {
  it('reads a YAML file and adds the environment lists on top', () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-'));
    const file = join(dir, 'auth.yaml');
    writeFileSync(file, 'channels: [COPS]\ndeployers:\n  groups: [SPLATFORM]\ninstances:\n  prod:\n    users: [UPROD]\n    inherit: false\n');
    const policy = loadPolicy({ CHATOPS_AUTH_FILE: file, CHATOPS_ALLOWED_USERS: 'UA, UB', CHATOPS_CHANNELS: 'CDEV' });
    expect(policy.config.channels).toEqual(['COPS', 'CDEV']);
    expect(policy.config.deployers).toEqual({ users: ['UA', 'UB'], groups: ['SPLATFORM'] });
    expect(may(policy, user('UB', { channel: 'CDEV' }), 'deploy ci').allowed).toBe(true);
    expect(may(policy, user('UB'), 'deploy prod').allowed).toBe(false);
  });

  it('names the bad key of an invalid file and the allowed ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-'));
    const file = join(dir, 'auth.yaml');
    writeFileSync(file, 'deployer:\n  users: [UA]\n');
    expect(() => loadPolicy({ CHATOPS_AUTH_FILE: file })).toThrow(/is not valid: .*deployer.*Allowed keys: channels, deployers/);
  });

  it('works from environment variables alone', () => {
    const policy = loadPolicy({ CHATOPS_ALLOWED_GROUPS: 'SOPS' });
    expect(may(policy, user('UX', { groups: ['SOPS'] }), 'scale ci 0').allowed).toBe(true);
  });
});
