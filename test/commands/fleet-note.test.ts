// What is said before anyone agrees to several controllers (and by `render` on stderr).
import { describe, expect, it } from '@jest/globals';
import { resolveSpec } from '../../src/instance/index.js';
import { fleetNote } from '../../src/commands/fleet-note.js';
import { runCli } from '../helpers/cli.js';

describe('the fleet note', () => {
  it('names each controller\'s own node port and the agent pods the caps add up to', () => {
    const spec = resolveSpec([{ values: { name: 'ci', controller: { replicas: 3 }, service: { type: 'NodePort', nodePort: 30080 }, agents: { containerCap: 10 } } }]);
    const note = fleetNote(spec).join('\n');
    expect(note).toContain('3 controllers are 3 independent Jenkins');
    expect(note).toContain('each at its own node port: ci-0 on 30081, ci-1 on 30082, ci-2 on 30083');
    expect(note).toContain('3 controllers × cap 10 = up to 30 agent pods');
  });

  it('says an unlimited cap stays unlimited per controller', () => {
    const spec = resolveSpec([{ values: { name: 'ci', controller: { replicas: 2 }, agents: { containerCap: 0 } } }]);
    expect(fleetNote(spec).join('\n')).toContain('The agent cap is unlimited on each controller.');
  });

  it('render prints it on stderr for more than one controller, and not for one', async () => {
    const fleet = await runCli('render', '--set', 'name=ci', '--set', 'controller.replicas=2');
    expect(fleet.code).toBe(0);
    expect(fleet.stderr).toContain('note: 2 controllers are 2 independent Jenkins');
    expect(fleet.stdout).not.toContain('note: ');
    const one = await runCli('render', '--set', 'name=ci');
    expect(one.stderr).not.toContain('independent Jenkins');
  });
});
