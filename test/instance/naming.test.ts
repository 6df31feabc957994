// One file defines every object name derived from an instance: the renderer, the targets and the commands must
// agree with it, and no other file may spell a derived name on its own.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { homeClaimOrdinal, names } from '../../src/instance/naming.js';
import { packageRoot } from '../../src/instance/index.js';
import { render } from '../helpers/render.js';

const root = packageRoot();

function filesUnder(dir: string, ending: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(ending))
    .map((e) => join(e.parentPath, e.name));
}

// A template literal or string that glues an instance name to one of the derived suffixes, or the claim prefix.
const DERIVED_IN_CODE = /\$\{[^}]+\}-(admin|casc|casc-reload|spec|lock|agent|agents|home)\b|['"`]jenkins-home-|\$\{[^}]+\}-\$\{ordinal\}/;
// Handlebars gluing a name together instead of printing one the render context took from naming.ts.
const DERIVED_IN_TEMPLATE = /concat\s+name\s+"-/;

describe('derived object names', () => {
  it('are spelled only in src/instance/naming.ts', () => {
    const offenders: string[] = [];
    for (const file of filesUnder(join(root, 'src'), '.ts')) {
      if (file.endsWith(join('instance', 'naming.ts'))) continue;
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        const code = line.replace(/\/\/.*$/, '');
        if (DERIVED_IN_CODE.test(code)) offenders.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    for (const file of filesUnder(join(root, 'templates'), '.hbs')) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        if (DERIVED_IN_TEMPLATE.test(line)) offenders.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  it('the checker catches a derived name spelled elsewhere', () => {
    expect(DERIVED_IN_CODE.test('const name = `${instance}-casc`;')).toBe(true);
    expect(DERIVED_IN_CODE.test("const prefix = 'jenkins-home-' + instance;")).toBe(true);
    expect(DERIVED_IN_TEMPLATE.test('  name: {{yaml (concat name "-agents")}}')).toBe(true);
  });

  it('name the objects the renderer writes', () => {
    const bundle = render({ name: 'ci', namespace: 'team', controller: { replicas: 2 }, persistence: { mode: 'static', hostPath: '/data/jenkins/' } });
    const rendered = bundle.objects.map((o) => `${o.object.kind}/${o.object.metadata.name}`).sort();
    expect(rendered).toEqual([
      `ConfigMap/${names.cascConfigMap('ci')}`,
      'Namespace/team',
      `PersistentVolume/${names.staticVolume('team', 'ci', 0)}`,
      `PersistentVolume/${names.staticVolume('team', 'ci', 1)}`,
      `Role/${names.agentsRole('ci')}`,
      `Role/${names.cascReloadRole('ci')}`,
      `RoleBinding/${names.agentsRole('ci')}`,
      `RoleBinding/${names.cascReloadRole('ci')}`,
      `Service/${names.httpService('ci')}`,
      `Service/${names.controllerService('ci', 0)}`,
      `Service/${names.controllerService('ci', 1)}`,
      `Service/${names.podsService('ci')}`,
      `Service/${names.agentService('ci')}`,
      `ServiceAccount/${names.serviceAccount('ci')}`,
      `StatefulSet/${names.statefulSet('ci')}`,
    ].sort());
    const pv = bundle.objects.find((o) => o.object.metadata.name === names.staticVolume('team', 'ci', 1))!.object as unknown as { spec: { claimRef: { name: string }; hostPath: { path: string } } };
    expect(pv.spec.claimRef.name).toBe(names.homeClaim('ci', 1));
    expect(pv.spec.hostPath.path).toBe(names.hostDirectory('/data/jenkins/', 'team', 'ci', 1));
  });

  it('match what the StatefulSet controller creates: <claimTemplate>-<statefulset>-<ordinal>', () => {
    expect(names.homeClaim('jenkins', 0)).toBe('jenkins-home-jenkins-0');
    expect(names.controllerPod('jenkins', 2)).toBe('jenkins-2');
    expect(names.hostDirectory('/data/jenkins//', 'team', 'ci', 0)).toBe('/data/jenkins/team/ci-0');
  });

  it('give static volumes and host folders one name per namespace and instance (PersistentVolumes are cluster-wide)', () => {
    expect(names.staticVolume('team-a', 'ci', 0)).toBe('team-a.ci-home-0');
    expect(names.staticVolume('team-a', 'ci', 0)).not.toBe(names.staticVolume('team-b', 'ci', 0));
    // A dash in the namespace or the instance cannot make two pairs collide: the namespace ends at the first dot.
    expect(names.staticVolume('a-b', 'c', 0)).not.toBe(names.staticVolume('a', 'b-c', 0));
    expect(names.hostDirectory('/data', 'a-b', 'c', 0)).not.toBe(names.hostDirectory('/data', 'a', 'b-c', 0));
  });

  it("find an instance's own claims by exact name, never another instance's that shares the prefix", () => {
    expect(homeClaimOrdinal('ci', 'jenkins-home-ci-0')).toBe(0);
    expect(homeClaimOrdinal('ci', 'jenkins-home-ci-12')).toBe(12);
    expect(homeClaimOrdinal('ci', 'jenkins-home-ci-dev-0')).toBeUndefined();
    expect(homeClaimOrdinal('ci', 'jenkins-home-ci-01')).toBeUndefined();
    expect(homeClaimOrdinal('ci', 'jenkins-home-cidev-0')).toBeUndefined();
  });
});
