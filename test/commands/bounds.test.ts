// The bounds' own rules, at the edges the escape suite does not reach through chat.
import { describe, expect, it } from '@jest/globals';
import { hostPathProblem, imageAllowed } from '../../src/commands/bounds.js';
import { loadPolicy, Policy } from '../../src/commands/policy.js';

describe('image prefixes', () => {
  it('match on reference boundaries only', () => {
    expect(imageAllowed('registry.example.com/ci/jnlp:1', ['registry.example.com/ci'])).toBe(true);
    expect(imageAllowed('registry.example.com/ci:2', ['registry.example.com/ci'])).toBe(true);
    expect(imageAllowed('registry.example.com/ci@sha256:abc', ['registry.example.com/ci'])).toBe(true);
    expect(imageAllowed('registry.example.com/ci-evil/jnlp:1', ['registry.example.com/ci'])).toBe(false);
    expect(imageAllowed('registry.example.com/cia', ['registry.example.com/ci'])).toBe(false);
  });

  it('treat Docker Hub spellings as one image', () => {
    expect(imageAllowed('docker.io/jenkins/jenkins:lts', ['jenkins/'])).toBe(true);
    expect(imageAllowed('index.docker.io/jenkins/inbound-agent', ['jenkins/'])).toBe(true);
    expect(imageAllowed('docker.io/library/ubuntu', ['ubuntu'])).toBe(true);
    expect(imageAllowed('evil.io/jenkins/jenkins', ['jenkins/'])).toBe(false);
  });
});

describe('host paths', () => {
  it('are allowed below a policy directory by whole segments', () => {
    expect(hostPathProblem('/data/jenkins', ['/data/jenkins'])).toBeUndefined();
    expect(hostPathProblem('/data/jenkins/team-a/', ['/data/jenkins/'])).toBeUndefined();
    expect(hostPathProblem('/data/jenkins-evil', ['/data/jenkins'])).toMatch(/not under an allowed directory/);
    expect(hostPathProblem('/data//jenkins', ['/data/jenkins'])).toBeUndefined();
  });

  it('never reach a system directory, whatever the policy says', () => {
    for (const path of ['/', '/etc', '/etc/kubernetes', '/root/.ssh', '/proc/1', '/sys', '/var/lib/kubelet', '/var/run/containerd', '/run']) {
      expect({ path, problem: hostPathProblem(path, ['/']) }).toEqual({ path, problem: expect.stringMatching(/system directory/) });
    }
    expect(hostPathProblem('/data/../etc', ['/data'])).toMatch(/may not contain/);
  });
});

describe('where the bounds come from', () => {
  it('an instance list replaces the global one; the refusal names where it was set', () => {
    const policy = new Policy({ namespaces: ['jenkins'], instances: { dev: { users: [], groups: [], namespaces: ['dev'] } } });
    expect(policy.boundsFor('dev').config.namespaces).toEqual(['dev']);
    expect(policy.boundsFor('dev').source.namespaces).toMatch(/instances\.dev\.namespaces/);
    expect(policy.boundsFor('ci').config.namespaces).toEqual(['jenkins']);
    expect(policy.managedNamespaces.sort()).toEqual(['dev', 'jenkins']);
  });

  it('the environment sets the global lists; without them the defaults hold', () => {
    const policy = loadPolicy({ CHATOPS_NAMESPACES: 'jenkins, team-a', CHATOPS_IMAGES: 'jenkins/,registry.example.com/', CHATOPS_HOST_PATHS: '/srv/jenkins' });
    expect(policy.boundsFor('x').config).toEqual({ namespaces: ['jenkins', 'team-a'], images: ['jenkins/', 'registry.example.com/'], hostPaths: ['/srv/jenkins'] });
    expect(loadPolicy({}).boundsFor('x').config).toEqual({ namespaces: ['jenkins'], images: ['jenkins/'], hostPaths: ['/data/jenkins'] });
  });

  it('hold chat always, the console only with a policy file, the command line never', () => {
    const slack = { userId: 'U1', transport: 'slack' as const };
    const console_ = { userId: 'console', transport: 'console' as const };
    const cli = { userId: 'cli', transport: 'cli' as const };
    expect([slack, console_, cli].map((c) => loadPolicy({}).bounds(c))).toEqual([true, false, false]);
    expect([slack, console_, cli].map((c) => new Policy({}, true).bounds(c))).toEqual([true, true, false]);
  });
});
