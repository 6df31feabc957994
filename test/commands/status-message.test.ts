// How status reads for several controllers: one line each, with what a user checks per controller.
import { describe, expect, it } from '@jest/globals';
import { statusMessage } from '../../src/commands/handlers/status.js';
import type { InstanceStatus } from '../../src/operations/target.js';
import { textOf } from './recording-reply.js';

const controller = (n: number, ready: boolean, agents: [number, number], cascLoaded: boolean) => ({
  name: `ci-${n}`, phase: 'Running', ready, restarts: 0, url: `http://10.0.0.1:3008${n + 1}/`, cascLoaded, agents: { running: agents[0], pending: agents[1] },
  ...(ready ? {} : { reason: 'CrashLoopBackOff' }),
});

const fleet: InstanceStatus = {
  name: 'ci', namespace: 'jenkins', exists: true, replicas: { desired: 3, ready: 2 },
  controllers: [controller(0, true, [0, 0], true), controller(1, true, [2, 1], false), controller(2, false, [0, 0], true)],
  volumes: [], urls: ['http://10.0.0.1:30080/'], agents: { running: 2, pending: 1 }, casc: { desired: 'abc' },
};

describe('status of a fleet', () => {
  it('lists each controller with its address, its JCasC state and its agents', () => {
    const text = textOf(statusMessage([fleet]));
    expect(text).toContain('ci-1 ready · http://10.0.0.1:30082/ · JCasC reload pending · agents 2 running, 1 pending');
    expect(text).toContain('ci-2 CrashLoopBackOff · http://10.0.0.1:30083/ · JCasC up to date · agents 0 running, 0 pending');
  });

  it('one controller reads as before, without per-controller lines', () => {
    const one = { ...fleet, replicas: { desired: 1, ready: 1 }, controllers: [controller(0, true, [1, 0], true)] };
    expect(textOf(statusMessage([one]))).not.toContain('ci-0 ready ·');
  });
});
