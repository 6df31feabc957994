import { describe, expect, it } from '@jest/globals';
import { parseCommand, UsageError, type ParsedCommand } from '../../src/commands/grammar.js';
import { KeyError } from '../../src/commands/keys.js';
import { tokenize } from '../../src/commands/tokenize.js';
import { SpecError } from '../../src/instance/index.js';

function settingsOf(line: string): Record<string, unknown> {
  const cmd = parseCommand(line) as Extract<ParsedCommand, { name: 'deploy' }>;
  return Object.fromEntries(cmd.settings.map((s) => [s.path.map((k) => (typeof k === 'number' ? `[${k}]` : k)).join('.').replace(/\.\[/g, '['), s.value]));
}

function usageOf(line: string): UsageError {
  try {
    parseCommand(line);
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error(`'${line}' parsed`);
}

describe('tokenize', () => {
  it('splits on spaces and groups quoted words', () => {
    expect(tokenize(`deploy ci controller.javaOpts="-Xmx2g -Dx=1"  'a b'`)).toEqual(['deploy', 'ci', 'controller.javaOpts=-Xmx2g -Dx=1', 'a b']);
  });
  it('treats the curly quotes chat clients type as quotes', () => {
    expect(tokenize('deploy ci controller.systemMessage=“hello team”')).toEqual(['deploy', 'ci', 'controller.systemMessage=hello team']);
  });
  it("keeps what the user typed when Slack wraps it as a link", () => {
    expect(tokenize('deploy ci agent.image=<http://registry.local/jnlp:1|registry.local/jnlp:1>')).toEqual(['deploy', 'ci', 'agent.image=registry.local/jnlp:1']);
    expect(tokenize('deploy ci image=<https://example.com/x>')).toEqual(['deploy', 'ci', 'image=https://example.com/x']);
  });
  it('leaves escaped entities and plain angle brackets as they are', () => {
    expect(tokenize('diff ci controller.systemMessage=a&amp;b x<y>z')).toEqual(['diff', 'ci', 'controller.systemMessage=a&amp;b', 'x<y>z']);
  });
  it('rejects an unclosed quote', () => {
    expect(() => tokenize('deploy ci controller.javaOpts="-Xmx')).toThrow(/unclosed quote/);
  });
});

describe('parseCommand', () => {
  it('parses deploy with settings, presets and --dry-run', () => {
    const cmd = parseCommand('deploy ci replicas=1 service=nodeport --preset maven --dry-run');
    expect(cmd).toMatchObject({ name: 'deploy', instance: 'ci', dryRun: true });
    expect(settingsOf('deploy ci replicas=1 service=nodeport --preset maven')).toEqual({
      'agents.templates': [{ preset: 'maven' }],
      'controller.replicas': 1,
      'service.type': 'NodePort',
    });
  });

  it('maps every short key to its spec path', () => {
    expect(settingsOf('deploy ci replicas=2 image=jenkins/jenkins:lts nodePort=30080 storage=static:10Gi hostPath=/data/j namespace=tools ' +
      'agent.image=registry/jnlp:1 agent.cpu=500m agent.memory=500Mi retention=onfailure idle=10 cap=20 websocket=true')).toEqual({
      'controller.replicas': 2,
      'controller.image': 'jenkins/jenkins:lts',
      'service.nodePort': 30080,
      'persistence.mode': 'static',
      'persistence.size': '10Gi',
      'persistence.hostPath': '/data/j',
      namespace: 'tools',
      'agents.templates[0].jnlpImage': 'registry/jnlp:1',
      'agents.templates[0].resources.requests.cpu': '500m',
      'agents.templates[0].resources.limits.cpu': '500m',
      'agents.templates[0].resources.requests.memory': '500Mi',
      'agents.templates[0].resources.limits.memory': '500Mi',
      'agents.podRetention': 'onFailure',
      'agents.idleMinutes': 10,
      'agents.containerCap': 20,
      'agents.webSocket': true,
    });
  });

  it('sets request and limit separately with the finer keys, and dynamic storage with a class', () => {
    expect(settingsOf('deploy ci agent.cpu.request=250m agent.memory.limit=1Gi storage=dynamic:20Gi:fast')).toEqual({
      'agents.templates[0].resources.requests.cpu': '250m',
      'agents.templates[0].resources.limits.memory': '1Gi',
      'persistence.mode': 'dynamic',
      'persistence.size': '20Gi',
      'persistence.storageClass': 'fast',
    });
  });

  it('accepts full dotted spec paths with quoted values', () => {
    expect(settingsOf('diff ci controller.javaOpts="-Xmx2g -Dfoo=bar" agents.templates[1].instanceCap=5')).toEqual({
      'controller.javaOpts': '-Xmx2g -Dfoo=bar',
      'agents.templates[1].instanceCap': 5,
    });
  });

  it('rejects unknown keys listing the allowed ones', () => {
    expect(() => parseCommand('deploy ci replica=2')).toThrow(KeyError);
    expect(() => parseCommand('deploy ci replica=2')).toThrow(/allowed: replicas, image, service, nodePort, storage/);
    expect(() => parseCommand('deploy ci controler.replicas=2')).toThrow(/a spec path starts with namespace, controller/);
  });

  it('explains a malformed storage value and a malformed path as spec errors', () => {
    expect(() => parseCommand('deploy ci storage=10Gi')).toThrow(SpecError);
    expect(() => parseCommand('deploy ci storage=10Gi')).toThrow(/static:<size> or dynamic:<size>/);
    expect(() => parseCommand('deploy ci controller..image=x')).toThrow(SpecError);
  });

  it('parses scale for controllers, agents and one template', () => {
    expect(parseCommand('scale ci 0')).toEqual({ name: 'scale', instance: 'ci', what: 'controllers', replicas: 0 });
    expect(parseCommand('scale ci agents 20')).toEqual({ name: 'scale', instance: 'ci', what: 'agents', cap: 20 });
    expect(parseCommand('scale ci template maven 5')).toEqual({ name: 'scale', instance: 'ci', what: 'template', template: 'maven', instanceCap: 5 });
    expect(usageOf('scale ci two').message).toMatch(/replicas must be a whole number from 0 to 10/);
    expect(usageOf('scale ci 11').command).toBe('scale');
    expect(usageOf('scale ci agents').message).toMatch(/scale <name> agents <cap>/);
  });

  it('parses the read-only commands and delete', () => {
    expect(parseCommand('status')).toEqual({ name: 'status' });
    expect(parseCommand('STATUS ci')).toEqual({ name: 'status', instance: 'ci' });
    expect(parseCommand('casc ci')).toEqual({ name: 'casc', instance: 'ci' });
    expect(parseCommand('templates')).toEqual({ name: 'templates' });
    expect(parseCommand('password ci')).toEqual({ name: 'password', instance: 'ci' });
    expect(parseCommand('delete ci')).toEqual({ name: 'delete', instance: 'ci', purge: false });
    expect(parseCommand('delete ci --purge')).toEqual({ name: 'delete', instance: 'ci', purge: true });
    expect(parseCommand('diff ci')).toEqual({ name: 'diff', instance: 'ci', settings: [] });
  });

  it('answers help for empty input, help topics and --help', () => {
    expect(parseCommand('   ')).toEqual({ name: 'help' });
    expect(parseCommand('help deploy')).toEqual({ name: 'help', topic: 'deploy' });
    expect(parseCommand('help keys')).toEqual({ name: 'help', topic: 'keys' });
    expect(parseCommand('scale --help')).toEqual({ name: 'help', topic: 'scale' });
    expect(parseCommand('/jenkins status')).toEqual({ name: 'status' });
    expect(usageOf('help nothing').message).toMatch(/topics: deploy, scale/);
  });

  it('turns bad input into usage errors that name the command', () => {
    expect(usageOf('launch ci').command).toBeUndefined();
    expect(usageOf('launch ci').message).toBe("unknown command 'launch'");
    expect(usageOf('deploy').command).toBe('deploy');
    expect(usageOf('deploy CI').message).toMatch(/not an instance name/);
    expect(usageOf('deploy ci other').message).toMatch(/settings are written key=value/);
    expect(usageOf('deploy ci --forced').message).toBe("unknown option '--forced'");
    expect(usageOf('diff ci --force').message).toBe("unknown option '--force'");
    expect(usageOf('deploy ci --preset').message).toMatch(/--preset needs a preset name/);
    expect(usageOf('diff ci --dry-run').command).toBe('diff');
    expect(usageOf('status a b').command).toBe('status');
    expect(usageOf('casc').command).toBe('casc');
    expect(usageOf('templates x').command).toBe('templates');
    expect(usageOf('delete ci --force').command).toBe('delete');
    expect(usageOf('password').command).toBe('password');
    expect(usageOf('deploy ci x="oops').message).toMatch(/unclosed quote/);
  });
});
