// The first sight of a pod (the alerter's start-up list, a relist's new pods, a replay's initial ADDED) is a
// baseline: what already happened to it is not news. Its past restarts and terminations, its running and ready state
// and an old eviction are taken as known. What is wrong with it *now* — a container crash-looping, failing to pull or
// to be created, or the pod waiting for a node — is still reported, once.
import { CONFIG_REASONS, IMAGE_REASONS } from './classify-pod.js';
import type { ContainerSnapshot, PodSnapshot } from './pod-snapshot.js';

const ONGOING: ReadonlySet<string> = new Set(['CrashLoopBackOff', ...IMAGE_REASONS, ...CONFIG_REASONS]);

/** The state to compare a first-seen pod with: the pod itself, minus the problems that are still going on. */
export function baselineOf(pod: PodSnapshot): PodSnapshot {
  const containers = pod.containers.map((c): ContainerSnapshot => {
    if (c.state !== 'waiting' || !c.reason || !ONGOING.has(c.reason)) return c;
    const { reason: _reason, message: _message, ...rest } = c;
    return { ...rest, state: 'unknown' };
  });
  const { unschedulable: _unschedulable, ...rest } = pod;
  return { ...rest, containers };
}
