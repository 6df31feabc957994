// What `deploy --yes` costs in API requests, through the same runner, reply and operations as the command line, on
// the strict API server: each object is dry-run at most once per command (the confirmation's preview and the apply
// inside the lock reuse the first plan after checking resourceVersions), a no-change re-deploy in a running bot or
// console checks the last plan instead of planning again, and a change made between the confirmation and the lock
// stops the deploy with the objects named.
import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { TokenSigner } from '../../src/commands/confirmation-token.js';
import { createCommandRunner } from '../../src/commands/create-runner.js';
import { parseWords } from '../../src/commands/grammar.js';
import type { Caller } from '../../src/commands/model.js';
import { Policy } from '../../src/commands/policy.js';
import { createOperations } from '../../src/operations/index.js';
import { ClusterTarget } from '../../src/targets/cluster/cluster-target.js';
import { ConsoleReply } from '../../src/transports/console/console-reply.js';
import type { TestApiServer } from '../support/apiserver/index.js';
import { strictServer, targetOn } from './strict-cluster.js';

const cli: Caller = { userId: 'cli', transport: 'cli' };

/** `jenkins-chatops deploy <words> --no-wait --yes` against `target`; resolves to what it printed and its exit code. */
function commandLine(target: ClusterTarget) {
  const runner = createCommandRunner({
    operations: createOperations(target),
    policy: new Policy(),
    signer: new TokenSigner(randomBytes(32), undefined, undefined, Number.POSITIVE_INFINITY),
    logger: pino({ level: 'silent' }),
  });
  return async (words: string[]) => {
    let out = '';
    const reply = new ConsoleReply({ runner, caller: cli, write: (t) => { out += t; }, color: false, ask: undefined, yes: true });
    const command = { ...parseWords(['deploy', ...words]), operator: { wait: false } } as ReturnType<typeof parseWords>;
    await runner.run(command, cli, reply, `jenkins-chatops deploy ${words.join(' ')} --no-wait --yes`);
    return { out, exitCode: reply.exitCode };
  };
}

const staticCi = ['ci', 'storage=static:10Gi', 'hostPath=/data/jenkins'];
const count = (server: TestApiServer, from: number) => server.requests.length - from;
const dryRunsPerObject = (server: TestApiServer, from: number) => {
  const runs = new Map<string, number>();
  for (const r of server.requests.slice(from)) if (r.query.dryRun !== undefined) runs.set(r.path, (runs.get(r.path) ?? 0) + 1);
  return Math.max(0, ...runs.values());
};

describe('deploy --yes round trips', () => {
  it('a no-change re-deploy in a running process checks the last plan with a few requests instead of planning again', async () => {
    const server = await strictServer();
    const deploy = commandLine(targetOn(server));
    expect((await deploy(staticCi)).exitCode).toBe(0);
    server.settle();
    let from = server.requests.length;
    const first = await deploy(['ci']);
    expect(first.out).toMatch(/already has these settings: nothing to change/);
    // A fresh process plans: the stored values (once, read by the command), a read and a dry run per object.
    const planned = count(server, from);
    expect(planned).toBeLessThanOrEqual(28);
    from = server.requests.length;
    const again = await deploy(['ci']);
    expect(again.out).toMatch(/already has these settings: nothing to change/);
    // The same process again: the stored values, then one labelled LIST per kind and a GET for the rest; no dry run.
    expect(dryRunsPerObject(server, from)).toBe(0);
    expect(count(server, from)).toBeLessThanOrEqual(10);
  });

  it('a confirmed change dry-runs each object once: the confirmation and the apply reuse the first plan', async () => {
    const server = await strictServer();
    const deploy = commandLine(targetOn(server));
    await deploy(staticCi);
    server.settle();
    const from = server.requests.length;
    const { out, exitCode } = await deploy(['ci', 'replicas=2']);
    expect(exitCode).toBe(0);
    expect(out).toMatch(/Apply these changes to ci\?/);
    expect(server.get('StatefulSet', 'jenkins', 'ci')!.spec.replicas).toBe(2);
    expect(dryRunsPerObject(server, from)).toBe(1);
  });

  it('a change between the confirmation and the lock stops the deploy, names the object and writes nothing', async () => {
    const server = await strictServer();
    await commandLine(targetOn(server))(staticCi);
    server.settle();
    // Someone scales the agents' Service away right after the confirmation was checked, before the lock is taken.
    class Interrupted extends ClusterTarget {
      override withLock<T>(instance: string, namespace: string, holder: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
        server.remove('Service', 'jenkins', 'ci-agent');
        return super.withLock(instance, namespace, holder, fn);
      }
    }
    const target = new Interrupted(server.kubeConfig(), { retry: { sleep: async () => undefined }, now: () => server.now().getTime() });
    const from = server.requests.length;
    const { out, exitCode } = await commandLine(target)(['ci', 'replicas=2']);
    expect(exitCode).toBe(1);
    expect(out).toMatch(/ci changed since the preview\n.*Service\/ci-agent \(unchanged → create\)\n.*Nothing was applied: what you agreed to is no longer what a deploy would do\. Run the command again/);
    const written = server.requests.slice(from).filter((r) => ['create', 'update', 'patch'].includes(r.verb) && r.query.dryRun === undefined && !r.path.includes('/leases'));
    expect(written).toEqual([]);
    expect(server.get('StatefulSet', 'jenkins', 'ci')!.spec.replicas).toBe(1);
  });
});

describe('the URL a deploy answers with', () => {
  const afterRelease = (server: TestApiServer) => {
    const release = server.requests.map((r) => `${r.method} ${r.path}`).lastIndexOf('DELETE /apis/coordination.k8s.io/v1/namespaces/jenkins/leases/ci-lock');
    return server.requests.slice(release + 1).map((r) => `${r.method} ${r.path}`);
  };

  it('is the in-cluster address of a ClusterIP instance, with no request after the lock is released', async () => {
    const server = await strictServer();
    const { out, exitCode } = await commandLine(targetOn(server))(['ci']);
    expect(exitCode).toBe(0);
    expect(out).toMatch(/URL: +http:\/\/ci\.jenkins\.svc\.cluster\.local:8080\//);
    expect(afterRelease(server)).toEqual([]);
  });

  it('is a node address and the assigned node port of a NodePort instance, read in one round trip', async () => {
    const server = await strictServer();
    const { out, exitCode } = await commandLine(targetOn(server))(['ci', 'service=NodePort', 'nodePort=30080']);
    expect(exitCode).toBe(0);
    expect(out).toMatch(/URL: +http:\/\/172\.18\.0\.2:30080\//);
    expect(afterRelease(server).sort()).toEqual(['GET /api/v1/namespaces/jenkins/services/ci', 'GET /api/v1/nodes']);
  });
});

describe('stored values', () => {
  const storedLookups = (server: TestApiServer, from: number) =>
    server.requests.slice(from).filter((r) => r.verb === 'list' && r.path === '/api/v1/configmaps').length;

  it('are looked up once per command: the operation uses what the command read', async () => {
    const server = await strictServer();
    const deploy = commandLine(targetOn(server));
    await deploy(['ci']);
    server.settle();
    let from = server.requests.length;
    expect((await deploy(['ci', 'idle=5'])).exitCode).toBe(0);
    // The command's own read, then the confirmation's check that they did not change before the answer.
    expect(storedLookups(server, from)).toBe(2);
    from = server.requests.length;
    expect((await deploy(['ci2'])).exitCode).toBe(0);
    expect(storedLookups(server, from)).toBe(1);
  });
});
