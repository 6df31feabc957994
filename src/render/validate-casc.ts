// The JCasC document checked against the attribute names JCasC accepts for what we emit: the core `jenkins`
// root, the local security realm, and the Kubernetes plugin's cloud, pod template and container template
// (attribute names as in jenkinsci/kubernetes-plugin's KubernetesCloud, PodTemplate, ContainerTemplate).
import { z } from 'zod';
import { formatPath } from '../instance/errors.js';
import { isQuantity } from '../instance/quantity.js';
import type { SchemaProblem } from './validate-kube.js';

const str = z.string();
const keyValue = z.strictObject({ envVar: z.strictObject({ key: str, value: str }) });
const podRetention = z.enum(['never', 'onFailure', 'always', 'evicted', 'default']);
// The plugin hands these to a Kubernetes Quantity: the same grammar the spec accepts (500m, 1.5, 2Gi, 1e3, 1Pi).
const quantity = str.refine(isQuantity, 'must be a Kubernetes quantity');

const containerTemplate = z.strictObject({
  name: str.regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
  image: str.min(1),
  command: str.optional(),
  args: str.optional(),
  workingDir: str.optional(),
  ttyEnabled: z.boolean().optional(),
  alwaysPullImage: z.boolean().optional(),
  privileged: z.boolean().optional(),
  envVars: z.array(keyValue).optional(),
  resourceRequestCpu: quantity.optional(),
  resourceLimitCpu: quantity.optional(),
  resourceRequestMemory: quantity.optional(),
  resourceLimitMemory: quantity.optional(),
});

/**
 * A JCasC describable: exactly one symbol as the key, its attributes below (`- emptyDirVolume: {mountPath: …}`).
 * The symbols are the ones the plugin declares first (@Symbol), which JCasC prefers; a misspelt one is refused.
 */
function describable(symbols: Record<string, z.ZodType>) {
  const names = Object.keys(symbols);
  return z
    .strictObject(Object.fromEntries(names.map((n) => [n, symbols[n]!.optional()])))
    .refine((o) => Object.keys(o).length === 1, `exactly one of ${names.join(', ')}`);
}

const mountPath = str.regex(/^\//, 'an absolute path');
const flag = z.boolean().optional();
// PodVolume describables (kubernetes-plugin volumes/*.java: constructor and setter names).
const podVolume = describable({
  emptyDirVolume: z.strictObject({ mountPath, memory: flag }),
  configMapVolume: z.strictObject({ configMapName: str.min(1), mountPath, optional: flag, subPath: str.optional() }),
  // SecretVolume parses defaultMode with Integer.parseInt: a decimal mode (0440 octal is 288; "0440" would be 440).
  secretVolume: z.strictObject({
    secretName: str.min(1), mountPath, optional: flag,
    defaultMode: str.regex(/^(0|[1-9]\d{0,2})$/, 'a decimal number without a leading 0').refine((m) => Number(m) <= 0o777, 'at most 511 (0777)').optional(),
  }),
  persistentVolumeClaim: z.strictObject({ claimName: str.min(1), mountPath, readOnly: flag }),
  hostPathVolume: z.strictObject({ hostPath: mountPath, mountPath, readOnly: flag }),
});
// WorkspaceVolume describables (volumes/workspace/*.java).
const workspaceVolume = describable({
  emptyDirWorkspaceVolume: z.strictObject({ memory: flag }),
  persistentVolumeClaimWorkspaceVolume: z.strictObject({ claimName: str.min(1), readOnly: flag }),
  hostPathWorkspaceVolume: z.strictObject({ hostPath: mountPath }),
});
// TemplateEnvVar describables (model/KeyValueEnvVar.java, model/SecretEnvVar.java).
const templateEnvVar = describable({
  envVar: z.strictObject({ key: str, value: str }),
  secretEnvVar: z.strictObject({ key: str, secretName: str.min(1), secretKey: str.min(1), optional: flag }),
});

const podTemplate = z.strictObject({
  name: str,
  id: str.min(1),
  label: str,
  nodeUsageMode: z.enum(['NORMAL', 'EXCLUSIVE']).optional(),
  idleMinutes: z.number().int().min(0).optional(),
  instanceCap: z.number().int().min(1).optional(),
  podRetention: podRetention.optional(),
  activeDeadlineSeconds: z.number().int().min(0).optional(),
  // One string `k=v,k2=v2`, not a map.
  nodeSelector: str.regex(/^[^=,]+=[^=,]*(,[^=,]+=[^=,]*)*$/).optional(),
  serviceAccount: str.optional(),
  envVars: z.array(templateEnvVar).optional(),
  volumes: z.array(podVolume).optional(),
  workspaceVolume: workspaceVolume.optional(),
  // PodImagePullSecret(name) and PodAnnotation(key, value): plain lists, no symbol.
  imagePullSecrets: z.array(z.strictObject({ name: str.min(1) })).optional(),
  annotations: z.array(z.strictObject({ key: str.min(1), value: str })).optional(),
  yaml: str.optional(),
  // YamlMergeStrategy describables with no attributes, written as their symbol (Overrides: override, Merge: merge).
  yamlMergeStrategy: z.enum(['override', 'merge']).optional(),
  containers: z.array(containerTemplate).min(1).refine((c) => c.some((x) => x.name === 'jnlp'), 'needs a jnlp container'),
});

const kubernetesCloud = z.strictObject({
  name: str.min(1),
  serverUrl: str.url(),
  namespace: str,
  jenkinsUrl: str.url(),
  jenkinsTunnel: str.regex(/^[^:/]+:\d+$/, 'host:port without a scheme').optional(),
  webSocket: z.boolean(),
  containerCapStr: str.regex(/^\d*$/),
  retentionTimeout: z.number().int().min(5),
  podRetention: podRetention,
  podLabels: z.array(z.strictObject({ key: str, value: str })).optional(),
  templates: z.array(podTemplate),
}).refine((c) => c.webSocket || c.jenkinsTunnel !== undefined, 'jenkinsTunnel is required unless webSocket is true');

// The credentials plugin's root (CredentialsRootConfigurator → SystemCredentialsProvider): global-domain credentials
// by symbol, with the attribute names of UsernamePasswordCredentialsImpl, plain-credentials' StringCredentialsImpl
// and FileCredentialsImpl, and ssh-credentials' BasicSSHUserPrivateKey (its key source DirectEntryPrivateKeySource).
const credentialScope = z.enum(['GLOBAL', 'SYSTEM']);
const credentialBase = { scope: credentialScope, id: str.min(1), description: str.optional() };
const credential = z.union([
  z.strictObject({ usernamePassword: z.strictObject({ ...credentialBase, username: str, password: str }) }),
  z.strictObject({ string: z.strictObject({ ...credentialBase, secret: str }) }),
  z.strictObject({
    basicSSHUserPrivateKey: z.strictObject({
      ...credentialBase,
      username: str,
      passphrase: str.optional(),
      privateKeySource: z.strictObject({ directEntry: z.strictObject({ privateKey: str }) }),
    }),
  }),
  z.strictObject({ file: z.strictObject({ ...credentialBase, fileName: str, secretBytes: str }) }),
]);
const credentialsRoot = z.strictObject({
  system: z.strictObject({ domainCredentials: z.array(z.strictObject({ credentials: z.array(credential).min(1) })).min(1) }),
});

export const cascDocument = z.strictObject({
  jenkins: z.strictObject({
    systemMessage: str.optional(),
    numExecutors: z.number().int().min(0),
    mode: z.enum(['NORMAL', 'EXCLUSIVE']),
    slaveAgentPort: z.number().int().min(-1).max(65535),
    // Left out when a jcasc.extra fragment chooses its own (src/render/casc-extra.ts).
    securityRealm: z.strictObject({
      local: z.strictObject({
        allowsSignup: z.boolean(),
        users: z.array(z.strictObject({ id: str, password: str })),
      }),
    }).optional(),
    authorizationStrategy: z.strictObject({
      loggedInUsersCanDoAnything: z.strictObject({ allowAnonymousRead: z.boolean() }),
    }).optional(),
    clouds: z.array(z.strictObject({ kubernetes: kubernetesCloud })),
  }),
  unclassified: z.strictObject({ location: z.strictObject({ url: str.url() }) }),
  credentials: credentialsRoot.optional(),
});

export function validateCasc(document: unknown): SchemaProblem[] {
  const result = cascDocument.safeParse(document);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}
