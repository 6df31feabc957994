// The Secrets the spec's credentials name, checked at plan time: each must exist in the instance's namespace with
// the keys its credential type reads, and must not be one jenkins-chatops made (an instance's admin password or
// reload token). Otherwise the controller would never start (a missing Secret or key fails the projected volume)
// or would hand the bot's own secrets to every job. Only key names are looked at: no value is read into a message.
import type { Bundle, KubeObject } from '../../render/bundle.js';
import { CREDENTIAL_KEYS } from '../../instance/schema-casc.js';
import { LABEL_MANAGED_BY, MANAGED_BY } from '../../instance/naming.js';
import { FIELD_MANAGER } from '../../kube/client.js';
import { mapLimit } from '../../kube/concurrency.js';
import type { ClusterContext } from './context.js';

/** A plan that cannot go ahead because a credential's Secret is missing, lacks a key, or is the bot's own. */
export class CredentialSecretError extends Error {
  override name = 'CredentialSecretError';
  constructor(readonly instance: string, readonly problems: string[]) {
    super(
      `${instance} cannot be deployed; no object of it was applied. The credentials name Secrets you create in the instance's namespace ` +
        `(jenkins-chatops never creates them):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

/** Made by jenkins-chatops (its labels, or a write by its field manager): never mounted as a credential. */
function madeByJenkinsChatops(secret: KubeObject): boolean {
  if (secret.metadata.labels?.[LABEL_MANAGED_BY] === MANAGED_BY) return true;
  return ((secret.metadata.managedFields ?? []) as Array<{ manager?: string }>).some((f) => f.manager === FIELD_MANAGER);
}

/** How a Secret is read: the client's own read, or a plan's recording reader (so a reused plan sees Secret changes). */
type ReadSecret = (ref: { apiVersion: string; kind: string; name: string; namespace: string }) => Promise<KubeObject | undefined>;

export async function checkCredentialSecrets({ client }: ClusterContext, bundle: Bundle, read: ReadSecret = (ref) => client.read(ref)): Promise<void> {
  const credentials = bundle.spec.credentials ?? [];
  if (credentials.length === 0) return;
  const namespace = bundle.namespace;
  const secretNames = [...new Set(credentials.map((c) => c.secret))];
  const found = await mapLimit(secretNames, 4, (name) => read({ apiVersion: 'v1', kind: 'Secret', name, namespace }));
  const secrets = new Map(secretNames.map((name, i) => [name, found[i]]));
  const problems: string[] = [];
  for (const c of credentials) {
    const { required, optional } = CREDENTIAL_KEYS[c.type];
    const wanted = `keys ${required.join(', ')}${optional.length ? ` (and optionally ${optional.join(', ')})` : ''}`;
    const secret = secrets.get(c.secret);
    if (!secret) {
      problems.push(`credential ${c.id}: Secret ${namespace}/${c.secret} does not exist; create it with ${wanted} (kubectl -n ${namespace} create secret generic ${c.secret} --from-literal=… or --from-file=…)`);
      continue;
    }
    if (madeByJenkinsChatops(secret)) {
      problems.push(`credential ${c.id}: Secret ${namespace}/${c.secret} is one jenkins-chatops made for an instance (an admin password or reload token); it is never handed to Jenkins jobs — name a Secret you made`);
      continue;
    }
    const data = (secret.data ?? {}) as Record<string, unknown>;
    const missing = required.filter((key) => !(key in data));
    if (missing.length) {
      problems.push(`credential ${c.id} (${c.type}): Secret ${namespace}/${c.secret} has no key ${missing.join(', ')}; a ${c.type} credential reads ${wanted}`);
    }
  }
  if (problems.length) throw new CredentialSecretError(bundle.instance, problems);
}
