// Spec keys for what a team brings to its Jenkins beyond the generated setup: extra JCasC files (`jcasc`) and
// credentials read from Secrets the team made (`credentials`). Both are the admin's, never taken from chat
// (src/commands/bounds.ts).
import { z } from 'zod';
import { fragmentProblems, MAX_FRAGMENT_CHARS, MAX_FRAGMENTS, MAX_FRAGMENTS_CHARS } from './casc-fragments.js';
import { names } from './naming.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// What the credentials plugin accepts as an id, without a leading punctuation mark.
const CREDENTIAL_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** A fragment's name: a DNS label (it becomes `<name>.yaml`); `jenkins` is the generated file's. */
const fragmentName = z
  .string()
  .max(50, { error: 'a fragment name must be at most 50 characters' })
  .regex(DNS_LABEL, { error: "a fragment name must be a DNS label (lower-case letters, digits and '-'), e.g. jobs or security-realm" })
  .refine((n) => n !== 'jenkins', { error: "the fragment name 'jenkins' is the generated jenkins.yaml's; choose another" });

export const jcasc = z
  .strictObject({
    /** Fragment name → JCasC YAML text, each loaded beside the generated jenkins.yaml. */
    extra: z
      .record(fragmentName, z.string({ error: 'a fragment is YAML text (a string)' }).max(MAX_FRAGMENT_CHARS, { error: `a fragment must be at most ${MAX_FRAGMENT_CHARS} characters` }))
      .refine((extra) => Object.keys(extra).length <= MAX_FRAGMENTS, { error: `at most ${MAX_FRAGMENTS} fragments` })
      .refine((extra) => Object.values(extra).reduce((n, t) => n + t.length, 0) <= MAX_FRAGMENTS_CHARS, { error: `all fragments together must be at most ${MAX_FRAGMENTS_CHARS} characters` })
      .default({}),
    /** Fragments whose `${…}` JCasC may interpolate (environment, secrets folder); every other fragment is literal. */
    trusted: z.array(fragmentName).max(MAX_FRAGMENTS).default([]),
  });

/** The Secret keys each credential type reads; `optional` ones may be missing from the Secret. */
export const CREDENTIAL_KEYS = {
  usernamePassword: { required: ['username', 'password'], optional: [] },
  secretText: { required: ['text'], optional: [] },
  sshPrivateKey: { required: ['username', 'privateKey'], optional: ['passphrase'] },
  file: { required: ['fileName', 'data'], optional: [] },
} as const satisfies Record<string, { required: readonly string[]; optional: readonly string[] }>;

export type CredentialType = keyof typeof CREDENTIAL_KEYS;
const CREDENTIAL_TYPES = Object.keys(CREDENTIAL_KEYS) as [CredentialType, ...CredentialType[]];

export const credential = z.strictObject({
  id: z.string().max(100, { error: 'a credential id must be at most 100 characters' }).regex(CREDENTIAL_ID, {
    error: "a credential id is letters, digits, '_', '.' and '-', starting with a letter or digit (pipelines name it in withCredentials)",
  }),
  type: z.enum(CREDENTIAL_TYPES, { error: `type must be one of ${CREDENTIAL_TYPES.join(', ')}` }),
  /** A Secret in the instance's namespace, made by the user (the bot never creates or changes it). */
  secret: z.string().max(253).regex(DNS_SUBDOMAIN, { error: 'secret must be the name of a Secret in the instance namespace (a DNS-1123 subdomain)' }),
  description: z.string().max(1024, { error: 'description must be at most 1024 characters' }).optional(),
});

export const credentials = z.array(credential).max(100, { error: 'at most 100 credentials' });

export type CredentialSpec = z.infer<typeof credential>;
export type JcascSpec = z.infer<typeof jcasc>;

interface Checked {
  name: string;
  controller: { plugins: string[]; adminSecret?: string };
  jcasc?: JcascSpec;
  credentials?: CredentialSpec[];
}

type Issue = { path: PropertyKey[]; input?: unknown; message: string };

/** Rules across keys: each fragment's YAML and roots, trusted names that exist, unique credential ids, own Secrets. */
export function cascAndCredentialIssues(spec: Checked): Issue[] {
  const issues: Issue[] = [];
  const extra = spec.jcasc?.extra ?? {};
  for (const [name, text] of Object.entries(extra)) {
    for (const message of fragmentProblems(text, spec.controller.plugins)) issues.push({ path: ['jcasc', 'extra', name], message: `fragment ${name} ${message}` });
  }
  (spec.jcasc?.trusted ?? []).forEach((name, i) => {
    if (!(name in extra)) issues.push({ path: ['jcasc', 'trusted', i], input: name, message: `names no fragment; fragments: ${Object.keys(extra).join(', ') || 'none'}` });
  });
  const seen = new Map<string, number>();
  // The instance's own Secrets hold the admin password and the reload token: never handed to jobs as credentials.
  const own = new Set([names.adminSecret(spec.name, spec.controller.adminSecret), names.reloadTokenSecret(spec.name)]);
  (spec.credentials ?? []).forEach((c, i) => {
    const first = seen.get(c.id);
    if (first !== undefined) issues.push({ path: ['credentials', i, 'id'], input: c.id, message: `duplicates credentials[${first}].id; ids must be unique` });
    else seen.set(c.id, i);
    if (own.has(c.secret)) {
      issues.push({ path: ['credentials', i, 'secret'], input: c.secret, message: 'is a Secret jenkins-chatops keeps for the instance itself (admin password, reload token); name a Secret you made' });
    }
  });
  return issues;
}
