// `jenkins-chatops render`: the instance spec → JCasC + manifests, validated, to a folder or stdout. The renderer is
// loaded when the command runs (no Kubernetes client, Slack or alert code is ever loaded for it).
import type { Command } from 'commander';
import { addValuesOptions, type ValuesOptions } from './values-flags.js';
import { builtBundle } from './built-bundle.js';

interface RenderOptions extends ValuesOptions {
  out?: string;
}

/** `deploy-repo/` and `deploy-repo` name the same folder: print `deploy-repo/ci/`, never `deploy-repo//ci/`. */
export function joinShown(dir: string, ...parts: string[]): string {
  const base = dir.length > 1 ? dir.replace(/\/+$/, '') : dir;
  return [base === '/' ? '' : base, ...parts].join('/');
}

type RenderPipeline = typeof import('./render-run.js');

/** The build's bundle of the render pipeline, or its modules (see built-bundle.ts). */
const renderPipeline = (): Promise<RenderPipeline> => builtBundle('render-run.bundle.js', 'render-run.js', () => import('./render-run.js'));

export function registerRenderCommand(program: Command): void {
  const command = program
    .command('render')
    .summary('render JCasC and Kubernetes manifests for an instance (no cluster needed)')
    .description(
      'Render an instance spec into JCasC (jenkins.yaml) and every Kubernetes object it needs, validated against the ' +
        'Kubernetes schemas and the Kubernetes plugin\'s JCasC attributes. Without --values, renders ' +
        'casc/instances/jenkins.yaml (the classic single-node install). Nothing is written when the spec is invalid.',
    )
    .option('-o, --out <dir>', 'write <dir>/<name>/jenkins.yaml and <dir>/<name>/manifests/NN-<kind>-<name>.yaml; without it, print one YAML stream');
  addValuesOptions(command).action(async (options: RenderOptions) => {
    const { collectLayers, defaultInstanceFile, resolveSpec, bundleStream, renderBundle, writeBundle, fleetNote, z } = await renderPipeline();
    // One render parses each schema once: zod's generated fast path costs more to build than it saves here.
    z.config({ jitless: true });
    const spec = resolveSpec(collectLayers(options, defaultInstanceFile()));
    const bundle = renderBundle(spec);
    // The same words chat and the console say before anyone agrees to several controllers.
    if (spec.controller.replicas > 1) for (const line of fleetNote(spec)) process.stderr.write(`note: ${line}\n`);
    if (!options.out) {
      process.stdout.write(bundleStream(bundle));
      return;
    }
    const files = writeBundle(bundle, options.out);
    process.stdout.write(`rendered ${bundle.instance} (${bundle.objects.length} objects, JCasC revision ${bundle.cascRevision}) to ${joinShown(options.out, bundle.instance)}/\n`);
    for (const file of files) process.stdout.write(`  ${file}\n`);
  });
}
