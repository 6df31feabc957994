// What a render produces: every object of one instance, in apply order, plus the JCasC document.
import type { InstanceSpec } from '../instance/index.js';

import type { KubeObject } from '../kube/object.js';

export type { KubeObject, ObjectMeta } from '../kube/object.js';

export interface RenderedObject {
  /** Position in apply order (0-based); dependencies come first (Namespace … StatefulSet). */
  order: number;
  /** The template it came from, e.g. `statefulset.yaml.hbs`. */
  template: string;
  /** File name under manifests/: `NN-<kind>-<name>.yaml`. */
  file: string;
  object: KubeObject;
  /** The object as YAML text, exactly as written to disk. */
  yaml: string;
}

export interface Bundle {
  instance: string;
  namespace: string;
  agentNamespace: string;
  spec: InstanceSpec;
  objects: RenderedObject[];
  /** The JCasC document (jenkins.yaml), also carried by the `<name>-casc` ConfigMap. */
  casc: string;
  /** sha256 of `casc` (first 16 hex digits); annotates the ConfigMap so live and desired can be compared. */
  cascRevision: string;
  /** The spec's own JCasC files (`jcasc.extra`), as loaded beside jenkins.yaml (also in the `<name>-casc` ConfigMap). */
  cascExtra: ReadonlyArray<{ file: string; text: string }>;
}
