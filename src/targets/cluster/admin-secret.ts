// The instance's own secrets, each created once with random content and never rotated by later deploys: the admin
// credentials and the JCasC reload token.
import { randomBytes } from 'node:crypto';
import type { Bundle } from '../../render/bundle.js';
import { instanceLabels, names, RELOAD_TOKEN_KEY } from '../../instance/naming.js';
import { FIELD_MANAGER } from '../../kube/client.js';
import { madeByBot } from '../stored-values.js';
import type { ClusterContext } from './context.js';

export const adminSecretName = (bundle: Bundle): string => names.adminSecret(bundle.instance, bundle.spec.controller.adminSecret);

function decode(value: string | undefined): string {
  return value === undefined ? '' : Buffer.from(value, 'base64').toString('utf8');
}

export async function ensureAdminSecret({ client }: ClusterContext, bundle: Bundle): Promise<'created' | 'exists'> {
  const name = adminSecretName(bundle);
  const ref = { apiVersion: 'v1', kind: 'Secret', name, namespace: bundle.namespace };
  if (await client.read(ref)) return 'exists';
  return client.create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: bundle.namespace, labels: instanceLabels(bundle.instance, 'admin') },
    type: 'Opaque',
    stringData: { 'jenkins-admin-user': bundle.spec.controller.adminUser, 'jenkins-admin-password': randomBytes(18).toString('base64url') },
  });
}

export async function ensureReloadToken({ client }: ClusterContext, bundle: Bundle): Promise<'created' | 'exists'> {
  const name = names.reloadTokenSecret(bundle.instance);
  if (await client.read({ apiVersion: 'v1', kind: 'Secret', name, namespace: bundle.namespace })) return 'exists';
  return client.create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: bundle.namespace, labels: instanceLabels(bundle.instance, 'casc-reload') },
    type: 'Opaque',
    stringData: { [RELOAD_TOKEN_KEY]: randomBytes(24).toString('base64url') },
  });
}

/** `secretName` is the Secret the instance's stored values name (the default `<name>-admin` unless overridden). */
export async function readAdminPassword({ client }: ClusterContext, instance: string, namespace: string, secretName: string): Promise<{ user: string; password: string }> {
  const secret = await client.read({ apiVersion: 'v1', kind: 'Secret', name: secretName, namespace });
  if (!secret) throw new Error(`Secret ${namespace}/${secretName} does not exist; deploy ${instance} first`);
  // Only the Secret the bot created for this instance is ever read: a name in the stored values must not be a way
  // to read another instance's (or anyone's) Secret.
  if (!madeByBot(secret, instance, FIELD_MANAGER)) {
    throw new Error(`Secret ${namespace}/${secretName} was not created by jenkins-chatops for ${instance}, so it is not read; if it is yours, read it with kubectl`);
  }
  const data = (secret.data ?? {}) as Record<string, string>;
  return { user: decode(data['jenkins-admin-user']), password: decode(data['jenkins-admin-password']) };
}
