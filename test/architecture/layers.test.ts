// Dependencies point one way: transports and the CLI → commands → operations → render / targets; alerts → kube
// plumbing + the Slack client. A reader (and the next change) can rely on it because this test refuses the rest.
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { packageRoot } from '../../src/instance/index.js';
import { cycles, importGraph, type ImportEdge } from './import-graph.js';

const src = join(packageRoot(), 'src');

/** The folders of src/ (a transport counts as its own folder) and what each may import besides itself. */
export const ALLOWED: Record<string, string[]> = {
  instance: [],
  observability: [],
  'slack-client': [],
  kube: ['instance'],
  render: ['instance', 'kube'],
  // The adapters implement the Target port, which lives with the operations: that one file, nothing else there.
  targets: ['instance', 'kube', 'render', 'operations/target.ts'],
  operations: ['instance', 'kube', 'render'],
  alerts: ['instance', 'kube', 'observability', 'slack-client'],
  commands: ['instance', 'operations', 'render', 'observability'],
  'transports/console': ['commands'],
  'transports/slack': ['commands', 'observability', 'slack-client'],
  cli: ['*'],
};

export function folderOf(file: string): string {
  const parts = file.split('/');
  return parts[0] === 'transports' ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

export function violations(edges: ImportEdge[]): string[] {
  const found: string[] = [];
  for (const { from, to } of edges) {
    const a = folderOf(from);
    const b = folderOf(to);
    if (a === b) continue;
    const allowed = ALLOWED[a];
    if (!allowed) {
      found.push(`${from}: folder ${a} has no entry in the layer map`);
      continue;
    }
    if (allowed.includes('*') || allowed.includes(b) || allowed.includes(to)) continue;
    found.push(`${from} → ${to} (${a} may import: ${allowed.join(', ') || 'nothing else'})`);
  }
  return found;
}

describe('src/ layers', () => {
  const edges = importGraph(src);

  it('every import points down the layer map', () => {
    expect(violations(edges)).toEqual([]);
  });

  it('has no import cycles', () => {
    expect(cycles(edges)).toEqual([]);
  });

  it('the checks catch an upward import and a cycle', () => {
    expect(violations([{ from: 'render/render.ts', to: 'targets/cluster/apply.ts' }])).toHaveLength(1);
    expect(violations([{ from: 'targets/diff.ts', to: 'operations/operations.ts' }])).toHaveLength(1);
    expect(violations([{ from: 'alerts/alerter.ts', to: 'commands/runner.ts' }])).toHaveLength(1);
    expect(violations([{ from: 'targets/diff.ts', to: 'operations/target.ts' }])).toEqual([]);
    expect(cycles([{ from: 'a.ts', to: 'b.ts' }, { from: 'b.ts', to: 'c.ts' }, { from: 'c.ts', to: 'a.ts' }])).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(cycles([{ from: 'a.ts', to: 'b.ts' }])).toEqual([]);
  });

  it('sees the real graph (not an empty one)', () => {
    expect(edges.length).toBeGreaterThan(200);
    expect(edges).toContainEqual({ from: 'cli/main.ts', to: 'cli/render-command.ts' });
  });
});
