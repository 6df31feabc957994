// Where a bundle goes: a folder (`<dir>/<name>/jenkins.yaml` + `manifests/NN-kind-name.yaml`) or one YAML stream.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle } from './bundle.js';

/** Writes the bundle under `<dir>/<instance>/`, replacing the manifests a previous render left there. */
export function writeBundle(bundle: Bundle, dir: string): string[] {
  const root = join(dir, bundle.instance);
  const manifests = join(root, 'manifests');
  mkdirSync(manifests, { recursive: true });
  for (const old of readdirSync(manifests).filter((f) => f.endsWith('.yaml'))) rmSync(join(manifests, old));
  const written = [join(root, 'jenkins.yaml')];
  writeFileSync(written[0]!, bundle.casc);
  written.push(...writeCascExtra(bundle, root));
  for (const o of bundle.objects) {
    const path = join(manifests, o.file);
    writeFileSync(path, o.yaml);
    written.push(path);
  }
  return written;
}

/** The spec's own JCasC files in `<root>/casc-extra/`, replacing what an earlier write left there. */
export function writeCascExtra(bundle: Bundle, root: string): string[] {
  const folder = join(root, 'casc-extra');
  rmSync(folder, { recursive: true, force: true });
  if (bundle.cascExtra.length === 0) return [];
  mkdirSync(folder, { recursive: true });
  return bundle.cascExtra.map(({ file, text }) => {
    const path = join(folder, file);
    writeFileSync(path, text);
    return path;
  });
}

/** jenkins.yaml and the spec's own JCasC files as one YAML stream, each file named in a comment. */
export function cascStream(bundle: Bundle): string {
  if (bundle.cascExtra.length === 0) return bundle.casc;
  const doc = (file: string, text: string) => `---\n# ${file}\n${text.endsWith('\n') ? text : `${text}\n`}`;
  return [doc('jenkins.yaml', bundle.casc), ...bundle.cascExtra.map(({ file, text }) => doc(file, text))].join('');
}

/** Every object as one multi-document YAML stream, in apply order (`kubectl apply -f -` reads it). */
export function bundleStream(bundle: Bundle): string {
  return bundle.objects.map((o) => `---\n# ${o.file}\n${o.yaml.endsWith('\n') ? o.yaml : `${o.yaml}\n`}`).join('');
}
