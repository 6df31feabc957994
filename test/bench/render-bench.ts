// Render an instance with 50 pod templates; the floor is a bare js-yaml dump of the same object tree: the JCasC
// document (written as jenkins.yaml) and every Kubernetes object (written as manifests), with no templates,
// escaping, parse-back or validation.
import { dump, load } from 'js-yaml';
import { bundleStream, renderBundle } from '../../src/render/index.js';
import { resolveSpec } from '../../src/instance/index.js';
import { median, rssMb, timePaired } from './stats.js';
import type { BenchRow } from './types.js';

export async function runRenderBench(runs = 60): Promise<BenchRow[]> {
  const templates = Array.from({ length: 50 }, (_, i) => ({
    preset: i % 2 ? 'maven' : 'node',
    name: `team-${i}`,
    label: `team-${i} build`,
    instanceCap: 5,
    nodeSelector: { 'node-pool': `pool-${i % 4}` },
    envVars: { TEAM: `team-${i}` },
  }));
  const spec = resolveSpec([{ values: { name: 'bench', agents: { templates } } }]);
  const reference = renderBundle(spec);
  const tree = [load(reference.casc), ...reference.objects.map((o) => o.object)];

  const { a: ours, b: floor } = timePaired(
    () => bundleStream(renderBundle(spec)),
    () => tree.map((o) => dump(o, { lineWidth: -1, noRefs: true } as never)).join('---\n'),
    runs,
  );
  const oursMs = median(ours);
  const floorMs = median(floor);
  const ratio = oursMs / floorMs;
  return [{
    name: 'render: 50 pod templates (render + parse back + validate)',
    medianMs: oursMs,
    floorMs,
    ratio,
    peakRssMb: rssMb(),
    note: `floor: js-yaml dump of the JCasC tree + ${tree.length - 1} objects; target ≤ 3× → ${ratio <= 3 ? 'met' : 'NOT met'}`,
  }];
}
