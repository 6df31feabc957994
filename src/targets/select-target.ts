// Which target a process uses: --dir forces the directory; else the cluster (in-cluster or kubeconfig); else a directory.
import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterTarget, type ClusterTargetOptions } from './cluster/cluster-target.js';
import { findCluster, type ConnectionOptions } from '../kube/connection.js';
import { DEFAULT_DIRECTORY, DirectoryTarget } from './directory/directory-target.js';
import type { Target } from '../operations/target.js';

export interface TargetSelection extends ConnectionOptions {
  /** Force the directory target at this folder. */
  dir?: string;
  cluster?: ClusterTargetOptions;
}

export interface SelectedTarget {
  target: Target;
  /** The cluster connection, when the target is a cluster (the alerter watches through it). */
  kubeConfig?: KubeConfig;
  /** Said to the user once, e.g. why a directory is used. */
  note?: string;
}

export function selectTarget(selection: TargetSelection = {}): SelectedTarget {
  if (selection.dir) return { target: new DirectoryTarget(selection.dir) };
  const connection = findCluster(selection);
  if (connection) {
    return {
      target: new ClusterTarget(connection.kubeConfig, { ...selection.cluster, description: connection.description }),
      kubeConfig: connection.kubeConfig,
    };
  }
  return {
    target: new DirectoryTarget(DEFAULT_DIRECTORY),
    note: `no cluster configured (not in a pod, no KUBECONFIG, no ~/.kube/config): using the dry-run directory ${DEFAULT_DIRECTORY}`,
  };
}
