// The operations every transport offers (CLI, console, Slack): the only door from commands to render + kube.
import type { Bundle } from '../render/bundle.js';
import type { InstanceStatus, Outcome, Plan, ProgressSink, Target } from './target.js';
import type { Values } from '../instance/index.js';

export interface Actor {
  /** Who asks (Slack user id, `console`, `cli`): used for locks and the audit trail. */
  id: string;
  display?: string;
}

export interface DeployRequest {
  instance: string;
  /** The user's changes, layered over the instance's stored values (or the defaults for a new one). */
  changes: Values[];
  /**
   * The stored values `changes` were made against, when the caller has just read them (null: none stored): they are
   * not read again. Left out, the operation reads them itself.
   */
  stored?: Values | null;
  namespace?: string;
  dryRun?: boolean;
  force?: boolean;
  wait?: boolean;
  timeoutSeconds?: number;
  onProgress?: ProgressSink;
  actor: Actor;
}

export interface DeployResult {
  bundle: Bundle;
  plan: Plan;
  /** Whether this deploy created the instance (no values were stored before). */
  created: boolean;
  applied: boolean;
  adminSecret?: 'created' | 'exists';
  outcome?: Outcome;
}

export interface Operations {
  readonly target: Target;
  /** Renders what a deploy would apply and diffs it against the target, changing nothing. */
  preview(req: Omit<DeployRequest, 'dryRun' | 'wait'>): Promise<DeployResult>;
  /**
   * Applies the request. After a preview of the same request (the same `changes` array, as a handler that asked first
   * passes it on), the previewed plan is what the user agreed to: it is applied without planning again when the target
   * verifies nothing changed since, and a target that changed into another plan stops it with ClusterChangedError.
   */
  deploy(req: DeployRequest): Promise<DeployResult>;
  scaleControllers(req: { instance: string; replicas: number; namespace?: string; actor: Actor; wait?: boolean; onProgress?: ProgressSink }): Promise<DeployResult>;
  scaleAgents(req: { instance: string; containerCap: number; template?: string; instanceCap?: number; namespace?: string; actor: Actor; onProgress?: ProgressSink }): Promise<DeployResult>;
  status(instance?: string, namespace?: string): Promise<InstanceStatus[]>;
  /** The URLs of a deployed bundle (what a deploy's answer shows), without a whole status. */
  urls(bundle: Bundle): Promise<string[]>;
  casc(instance: string, namespace?: string): Promise<string>;
  password(instance: string, namespace?: string): Promise<{ user: string; password: string }>;
  delete(req: { instance: string; purge: boolean; namespace?: string; actor: Actor; onProgress?: ProgressSink }): Promise<{ deleted: string[]; kept: string[] }>;
  templates(): Promise<{ name: string; label: string; description?: string }[]>;
}
