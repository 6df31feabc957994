// Turning values into YAML text that can never change the document's structure.
// Every value a user can influence reaches the templates through one of these functions.
import { dump } from 'js-yaml';

// JSON leaves these raw, but YAML 1.1 readers (SnakeYAML in JCasC, go-yaml in Kubernetes tools) treat NEL, LS
// and PS as line breaks and refuse DEL/C1 controls and a BOM: escape them so every reader sees the same text.
const YAML11_UNSAFE = /[\u007f-\u009f\u2028\u2029\ufeff]/g;
const escapeChar = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * A YAML scalar on one line. Strings become JSON strings, which are valid YAML 1.2 double-quoted scalars:
 * newlines, `: `, `#`, quotes, `---`, leading `*&!|>%@` are all inert inside the quotes.
 */
export function yamlScalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot write ${value} as a YAML number`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return JSON.stringify(value).replace(YAML11_UNSAFE, escapeChar);
  throw new TypeError(`expected a scalar, got ${Array.isArray(value) ? 'a list' : typeof value}`);
}

/** Text JCasC will read back literally: `${` would be interpolated (secrets, env), `^${` is its escape. */
export function cascLiteral(text: string): string {
  return text.replaceAll('${', '^${');
}

/** Environment variables the generator itself asks JCasC to read (never names a user typed). */
export const GENERATED_REFERENCES = new Set(['POD_NAME']);

/**
 * The credential files the generator projects into the secrets folder (names.credentialFile): read by name, by name
 * with an empty default (`:-`), or whole by absolute path (`readFile:`, `readFileBase64:`). The id in the name was
 * validated by the spec (letters, digits, `_.-`), so nothing here can close the reference or open another.
 */
const CREDENTIAL_REFERENCE = /^((readFile|readFileBase64):(\/[A-Za-z0-9_.-]+)+\/)?credential-[A-Za-z0-9][A-Za-z0-9_.-]*(:-)?$/;

const isGeneratedReference = (ref: string): boolean => GENERATED_REFERENCES.has(ref) || CREDENTIAL_REFERENCE.test(ref);

/** A value JCasC completes from the controller's environment: literal text around one generated reference. */
export interface CascReference {
  prefix: string;
  ref: string;
  suffix: string;
}

/** `prefix${REF}suffix` with both texts read literally and only the generated reference interpolated. */
export function cascReference({ prefix, ref, suffix }: CascReference): string {
  if (!isGeneratedReference(ref)) throw new TypeError(`${ref} is not a reference the generator makes`);
  // A '^' right before the reference would turn it into JCasC's escape: the prefix is generated, never so.
  if (prefix.endsWith('^')) throw new TypeError('a generated reference cannot follow ^');
  return `${cascLiteral(prefix)}\${${ref}}${cascLiteral(suffix)}`;
}

/**
 * Text the kubelet passes on literally in a container's env, command or args. It expands `$(VAR)` and turns `$$`
 * into `$`, so every `$` is doubled. (Not `replaceAll('$(', '$$(')`: in a replacement string `$$` means one `$`.)
 */
export function kubeEnvLiteral(text: string): string {
  return text.split('$').join('$$');
}

// Characters a literal block cannot carry verbatim (YAML c-printable excludes C0/C1 controls but tab and LF).
const NOT_BLOCK_SAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]|\r/;

/**
 * A literal block scalar (`|`) for multi-line text, indented by `indent` spaces; falls back to a quoted scalar
 * when the text cannot be a block verbatim. The chomping indicator keeps trailing newlines exact.
 */
export function blockScalar(text: string, indent: number): string {
  if (text === '' || !text.includes('\n') || NOT_BLOCK_SAFE.test(text) || /^[ \t]*$/.test(text.split('\n')[0]!)) {
    return yamlScalar(text);
  }
  const pad = ' '.repeat(indent);
  const body = text.replace(/\n+$/, '');
  const trailing = text.length - body.length;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  // An explicit indentation indicator protects content whose first line starts with a space.
  const indicator = body.startsWith(' ') ? String(indent) : '';
  // Indent every non-empty line (one pass: this runs over the whole JCasC document).
  const indented = pad + body.replace(/\n(?!\n)/g, `\n${pad}`);
  const extra = trailing > 1 ? '\n'.repeat(trailing - 1) : '';
  return `|${indicator}${chomp}\n${indented}${extra}`;
}

/** Any structure as block YAML, every line indented by `indent` spaces (first line included). */
export function yamlBlock(value: unknown, indent: number): string {
  const text = dump(value, { lineWidth: -1, noRefs: true } as never).replace(/\n$/, '');
  const pad = ' '.repeat(indent);
  return text.split('\n').map((line) => pad + line).join('\n');
}
