// Jenkins credentials from Secrets the user made (`credentials`): each Secret key is projected into the controller's
// secrets folder as `credential-<id>-<key>`, and the generated JCasC `credentials:` root reads those files by
// generated references — the user's text (id, description) stays literal.
//
// How JCasC reads them [configuration-as-code-plugin SecretSourceResolver, DockerSecretSource]: `${NAME}` is the
// file NAME in the folder the env var SECRETS names, trimmed; `${readFile:/path}` is a file's exact text, and
// `${readFileBase64:/path}` its bytes as base64 (what the file credential's `secretBytes` takes).
import { CREDENTIAL_KEYS, type CredentialSpec, type CredentialType } from '../instance/schema-casc.js';
import type { InstanceSpec } from '../instance/index.js';
import { names } from '../instance/naming.js';
import type { CascReference } from './scalars.js';

/** Every credential is available to jobs and to Jenkins itself (the credentials plugin's GLOBAL scope). */
const SCOPE = 'GLOBAL';

/** The plugins each credential type's JCasC symbol comes from. */
const TYPE_PLUGINS: Record<CredentialType, string[]> = {
  usernamePassword: ['credentials'],
  secretText: ['credentials', 'plain-credentials'],
  sshPrivateKey: ['credentials', 'ssh-credentials'],
  file: ['credentials', 'plain-credentials'],
};

/** Plugin ids the spec's credentials need (empty without credentials). */
export function credentialPlugins(spec: InstanceSpec): string[] {
  return [...new Set((spec.credentials ?? []).flatMap((c) => TYPE_PLUGINS[c.type]))];
}

const ref = (id: string, key: string): CascReference => ({ prefix: '', ref: names.credentialFile(id, key), suffix: '' });
/** A key that may be missing from the Secret: read as empty then, without JCasC's "unresolved variable" warning. */
const optionalRef = (id: string, key: string): CascReference => ({ prefix: '', ref: `${names.credentialFile(id, key)}:-`, suffix: '' });
const fileRef = (how: 'readFile' | 'readFileBase64', secretsDir: string, id: string, key: string): CascReference =>
  ({ prefix: '', ref: `${how}:${secretsDir}/${names.credentialFile(id, key)}`, suffix: '' });

/** One JCasC credential, by spec type; every type key present (the templates run in strict mode), its own one set. */
function entry(c: CredentialSpec, secretsDir: string) {
  const common = { scope: SCOPE, id: c.id, description: c.description };
  return {
    usernamePassword: c.type === 'usernamePassword' ? { ...common, username: ref(c.id, 'username'), password: ref(c.id, 'password') } : undefined,
    secretText: c.type === 'secretText' ? { ...common, secret: ref(c.id, 'text') } : undefined,
    // The private key read whole (a trimmed key loses its final newline, which some key parsers need).
    sshPrivateKey: c.type === 'sshPrivateKey'
      ? { ...common, username: ref(c.id, 'username'), passphrase: optionalRef(c.id, 'passphrase'), privateKey: fileRef('readFile', secretsDir, c.id, 'privateKey') }
      : undefined,
    // Any bytes (a keystore, a kubeconfig): base64 of the file, as secretBytes expects.
    file: c.type === 'file' ? { ...common, fileName: ref(c.id, 'fileName'), secretBytes: fileRef('readFileBase64', secretsDir, c.id, 'data') } : undefined,
  };
}

/** What the controller's projected secrets volume takes from one Secret: key → file. */
export interface SecretProjection {
  secret: string;
  /** Set for keys the Secret may lack (an SSH key's passphrase): Kubernetes then skips them instead of failing the pod. */
  optional: boolean;
  items: Array<{ key: string; path: string }>;
}

function projections(c: CredentialSpec): SecretProjection[] {
  const keys = CREDENTIAL_KEYS[c.type];
  const items = (list: readonly string[]) => list.map((key) => ({ key, path: names.credentialFile(c.id, key) }));
  const out: SecretProjection[] = [{ secret: c.secret, optional: false, items: items(keys.required) }];
  if (keys.optional.length) out.push({ secret: c.secret, optional: true, items: items(keys.optional) });
  return out;
}

/** The render context for credentials, or undefined without any (the admin Secret is then mounted on its own). */
export function credentialsContext(spec: InstanceSpec, secretsDir: string) {
  const list = spec.credentials ?? [];
  if (list.length === 0) return undefined;
  return {
    entries: list.map((c) => entry(c, secretsDir)),
    projections: list.flatMap(projections),
  };
}
