// JCasC diffs a reviewer can read: unified, with context, long values shown where they changed, the whole plan on request.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { aroundChange, fieldChangeLines, unifiedDiff } from '../../src/commands/format.js';
import { planBlocks } from '../../src/commands/messages.js';
import type { Plan } from '../../src/operations/target.js';
import { renderText } from '../../src/transports/console/render-text.js';
import { runCli } from '../helpers/cli.js';

const doc = (n: number, change: (i: number) => string | undefined = () => undefined) =>
  Array.from({ length: n }, (_, i) => change(i) ?? `line ${i + 1}`).join('\n') + '\n';

describe('unifiedDiff', () => {
  it('shows each change with three lines of context and a hunk header, removed before added', () => {
    const diff = unifiedDiff(doc(20), doc(20, (i) => (i === 9 ? 'line ten' : undefined)));
    expect(diff.lines).toEqual(['@@ -7,7 +7,7 @@', ' line 7', ' line 8', ' line 9', '-line 10', '+line ten', ' line 11', ' line 12', ' line 13']);
    expect(diff.omitted).toBe(0);
  });

  it('keeps far-apart changes in separate hunks and joins close ones', () => {
    const diff = unifiedDiff(doc(40), doc(40, (i) => (i === 2 || i === 5 || i === 30 ? `changed ${i}` : undefined)));
    expect(diff.lines.filter((l) => l.startsWith('@@'))).toEqual(['@@ -1,9 +1,9 @@', '@@ -28,7 +28,7 @@']);
  });

  it('counts inserted lines in the new side only', () => {
    const after = doc(10).replace('line 5\n', 'line 5\n        idleMinutes: 10\n');
    expect(unifiedDiff(doc(10), after).lines).toEqual(['@@ -3,6 +3,7 @@', ' line 3', ' line 4', ' line 5', '+        idleMinutes: 10', ' line 6', ' line 7', ' line 8']);
  });

  it('is cut to maxLines with the count of what was left out, and whole with full', () => {
    const after = doc(200, (i) => (i % 2 === 0 ? `new ${i}` : undefined));
    const short = unifiedDiff(doc(200), after);
    expect(short.lines).toHaveLength(40);
    expect(short.omitted).toBeGreaterThan(200);
    const full = unifiedDiff(doc(200), after, { full: true });
    expect(full.omitted).toBe(0);
    expect(full.lines.filter((l) => l.startsWith('+'))).toHaveLength(100);
  });
});

describe('long values are shown around what changed', () => {
  const opts = (end: string) => `-Xms512m ${'-Dorg.jenkinsci.plugins.durabletask.BourneShellScript.HEARTBEAT_CHECK_INTERVAL=86400 '.repeat(3)}-Dhudson.footerURL=${end}`;

  it('a field change keeps the changed tail in view (it used to be cut before it)', () => {
    const [line] = fieldChangeLines({ path: 'controller.javaOpts', before: opts('https://a.example.com'), after: opts('https://b.example.com') });
    expect(line).toContain('-Dhudson.footerURL=https://a.example.com → ');
    expect(line).toMatch(/-Dhudson\.footerURL=https:\/\/b\.example\.com$/);
    expect(line!.length).toBeLessThan(320);
  });

  it('a change in the middle of a long line is windowed on both sides', () => {
    const before = `${'a'.repeat(300)}OLD${'z'.repeat(300)}`;
    const after = `${'a'.repeat(300)}NEW${'z'.repeat(300)}`;
    const [b, a] = aroundChange(before, after);
    expect(b).toMatch(/^…a+OLDz+…$/);
    expect(a).toMatch(/^…a+NEWz+…$/);
    expect(b.length).toBeLessThanOrEqual(125);
  });

  it('a changed long line in the JCasC diff shows its change', () => {
    const long = (v: string) => `  systemMessage: "${'Builds for the platform team. '.repeat(10)}${v}"`;
    const lines = unifiedDiff(`a\n${long('v1')}\nb\n`, `a\n${long('v2')}\nb\n`).lines;
    expect(lines.find((l) => l.startsWith('-'))).toMatch(/v1"$/);
    expect(lines.find((l) => l.startsWith('+'))).toMatch(/v2"$/);
  });
});

describe('the whole plan on request', () => {
  const plan: Plan = {
    instance: 'ci',
    empty: false,
    changes: [{ kind: 'ConfigMap', name: 'ci-casc', namespace: 'jenkins', action: 'update', fields: [{ path: 'data["jenkins.yaml"]', before: doc(200), after: doc(200, (i) => (i % 5 === 0 ? `new ${i}` : undefined)) }] }],
  };

  it('a short plan says how to see the rest; --full attaches all of it as plan.diff', () => {
    const short = planBlocks(plan, { command: 'diff ci' });
    expect(short.attachment).toBeUndefined();
    expect(renderText({ tone: 'info', title: 't', blocks: short.blocks })).toMatch(/more diff lines not shown: `diff ci --full` shows the whole plan/);
    const full = planBlocks(plan, { full: true, command: 'diff ci' });
    expect(full.attachment?.filename).toBe('plan.diff');
    expect(full.attachment!.content.split('\n').filter((l) => l.startsWith('+new'))).toHaveLength(40);
    expect(full.attachment!.content).toContain('--- ConfigMap/ci-casc data["jenkins.yaml"] (live)');
  });
});

describe('through the CLI on the directory target', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jc-diff-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('diff shows the JCasC change with context lines; --full prints the whole plan', async () => {
    expect((await runCli('deploy', 'ci', '--dir', dir)).code).toBe(0);
    const diff = await runCli('diff', 'ci', 'idle=10', '--dir', dir);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toMatch(/--- ConfigMap\/ci-casc data\["jenkins\.yaml"\]\n\s+@@ -\d+,7 \+\d+,7 @@\n(\s+ .*\n){3}\s+-\s+idleMinutes: 0\n\s+\+\s+idleMinutes: 10\n(\s+ .*\n){3}/);
    const full = await runCli('diff', 'ci', 'idle=10', '--full', '--dir', dir);
    expect(full.stdout).toContain('--- plan.diff ---');
    expect(full.stdout).toContain('+++ ConfigMap/ci-casc data["jenkins.yaml"] (new)');
    const chat = await runCli('deploy', 'ci', 'idle=10', '--dry-run', '--full', '--dir', dir);
    expect(chat.stdout).toContain('--- plan.diff ---');
  });
});
