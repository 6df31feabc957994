// What every built-in controller gets: the registry (so its writes follow the same rules and managedFields as API
// clients'), the clock, and an event recorder.
import type { Clock } from '../clock.js';
import type { Registry } from '../registry.js';
import { byKind, type ResourceInfo } from '../resources.js';
import type { Obj } from '../util.js';

export interface ImageBehaviour {
  /** Pulling the image fails: ErrImagePull, then ImagePullBackOff. */
  pullFails?: boolean;
  /** The container exits after running this many ticks (default 1) and restarts with back-off (CrashLoopBackOff). */
  crash?: { exitCode?: number; reason?: string; afterTicks?: number };
  /** The readiness probe never succeeds. */
  neverReady?: boolean;
  /** Ticks between Running and Ready (default: the kubelet option readyTicks). */
  readyAfterTicks?: number;
}

export interface KubeletOptions {
  /** Ticks from scheduling to the containers running (default 1). */
  startTicks: number;
  /** Ticks from running to Ready (default 1). */
  readyTicks: number;
}

export interface ControllerContext {
  registry: Registry;
  clock: Clock;
  minor: number;
  kubelet: KubeletOptions;
  imageBehaviour(image: string): ImageBehaviour;
  event(involved: Obj, type: 'Normal' | 'Warning', reason: string, message: string, component: string, host?: string): void;
}

export function list(ctx: ControllerContext, kind: string, namespace?: string): Obj[] {
  return ctx.registry.store.list(byKind(kind), namespace);
}

export function info(kind: string): ResourceInfo {
  return byKind(kind);
}

/** Runs a controller write, ignoring the races a real controller would retry on its next sync. */
export function attempt(fn: () => void): boolean {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}

export function ownerRef(owner: Obj, controller = true): Obj {
  return {
    apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid,
    controller, blockOwnerDeletion: true,
  };
}

export function controllerOf(obj: Obj): Obj | undefined {
  return (obj.metadata.ownerReferences ?? []).find((r: Obj) => r.controller === true);
}

export const KCM = 'kube-controller-manager';
