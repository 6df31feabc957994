// `jenkins-chatops render`: the instance spec → JCasC + manifests, validated, to a folder or stdout.
import type { Command } from 'commander';
import { bundleStream, renderBundle, writeBundle } from '../render/index.js';
import { resolveSpec } from '../instance/index.js';
import { addValuesOptions, collectLayers, defaultInstanceFile, type ValuesOptions } from './values-options.js';

interface RenderOptions extends ValuesOptions {
  out?: string;
}

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
  addValuesOptions(command).action((options: RenderOptions) => {
    const spec = resolveSpec(collectLayers(options, defaultInstanceFile()));
    const bundle = renderBundle(spec);
    if (!options.out) {
      process.stdout.write(bundleStream(bundle));
      return;
    }
    const files = writeBundle(bundle, options.out);
    process.stdout.write(`rendered ${bundle.instance} (${bundle.objects.length} objects, JCasC revision ${bundle.cascRevision}) to ${options.out}/${bundle.instance}/\n`);
    for (const file of files) process.stdout.write(`  ${file}\n`);
  });
}
