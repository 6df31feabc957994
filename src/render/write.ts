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
  for (const o of bundle.objects) {
    const path = join(manifests, o.file);
    writeFileSync(path, o.yaml);
    written.push(path);
  }
  return written;
}

/** Every object as one multi-document YAML stream, in apply order (`kubectl apply -f -` reads it). */
export function bundleStream(bundle: Bundle): string {
  return bundle.objects.map((o) => `---\n# ${o.file}\n${o.yaml.endsWith('\n') ? o.yaml : `${o.yaml}\n`}`).join('');
}
