// The spec's own JCasC files are shown and written wherever jenkins.yaml is: `render --out`, the directory target and
// the `casc` command — not only inside the ConfigMap manifest.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { createOperations } from '../../src/operations/index.js';
import { writeBundle } from '../../src/render/index.js';
import { DirectoryTarget } from '../../src/targets/directory/directory-target.js';
import { render } from '../helpers/render.js';

const MAIL = 'unclassified:\n  location:\n    adminAddress: "ci@${DOMAIN}"\n';
const withMail = { name: 'ci', jcasc: { extra: { mail: MAIL } } };

describe('extra JCasC files outside the ConfigMap', () => {
  it('render --out writes them to <name>/casc-extra/, escaped as JCasC loads them, and removes them once dropped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'casc-extra-'));
    const written = writeBundle(render(withMail), dir);
    const mail = join(dir, 'ci', 'casc-extra', 'mail.yaml');
    expect(written).toContain(mail);
    expect(readFileSync(mail, 'utf8')).toContain('ci@^${DOMAIN}');
    writeBundle(render({ name: 'ci' }), dir);
    expect(existsSync(mail)).toBe(false);
  });

  it('the directory target keeps them beside jenkins.yaml, and `casc` shows every file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'casc-extra-'));
    const ops = createOperations(new DirectoryTarget(dir));
    await ops.deploy({ instance: 'ci', changes: [{ jcasc: { extra: { mail: MAIL } } }], actor: { id: 'test' }, wait: false });
    expect(readFileSync(join(dir, 'ci', 'casc-extra', 'mail.yaml'), 'utf8')).toContain('adminAddress');
    const shown = await ops.casc('ci');
    expect(shown).toMatch(/^---\n# jenkins\.yaml\n[\s\S]*\n---\n# mail\.yaml\nunclassified:\n {2}location:\n {4}adminAddress: "?ci@\^\$\{DOMAIN\}"?\n$/);
  });

  it('without extra files, `casc` is jenkins.yaml alone, as before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'casc-extra-'));
    const ops = createOperations(new DirectoryTarget(dir));
    const result = await ops.deploy({ instance: 'ci', changes: [], actor: { id: 'test' }, wait: false });
    expect(await ops.casc('ci')).toBe(result.bundle.casc);
    expect(existsSync(join(dir, 'ci', 'casc-extra'))).toBe(false);
  });
});
