// The incident book's two promises, pinned at their boundaries: an identical alert within the dedupe window makes no
// new message (after it, it does), and a problem that comes back within the window reopens the same incident (after
// it, a new incident opens).
import { describe, expect, it } from '@jest/globals';
import { IncidentBook } from '../../src/alerts/incidents/incident-book.js';
import type { Alert } from '../../src/alerts/types.js';

const WINDOW = 10 * 60_000;

function alert(kind: Alert['kind'], at: number, extra: Partial<Alert> = {}): Alert {
  return { kind, severity: 'warning', namespace: 'jenkins', pod: 'ci-0', podUid: 'uid-1', role: 'controller', summary: `${kind} ci-0`, at, ...extra };
}

describe('dedupe window', () => {
  it('an identical alert without a problem (lifecycle) within the window is dropped; at the window it is said again', () => {
    const book = new IncidentBook({ dedupeWindowMs: WINDOW });
    expect(book.apply(alert('started', 0)).map((n) => n.type)).toEqual(['lifecycle']);
    expect(book.apply(alert('started', WINDOW - 1))).toEqual([]);
    expect(book.apply(alert('started', 2 * WINDOW - 1)).map((n) => n.type)).toEqual(['lifecycle']);
  });

  it('a different summary is not a repeat', () => {
    const book = new IncidentBook({ dedupeWindowMs: WINDOW });
    book.apply(alert('started', 0));
    expect(book.apply(alert('started', 1, { summary: 'started ci-0 on node-2' })).map((n) => n.type)).toEqual(['lifecycle']);
  });
});

describe('reopen within the window', () => {
  it('a crash that comes back after recovery within the window updates the same incident (reopened), after it opens a new one', () => {
    const book = new IncidentBook({ dedupeWindowMs: WINDOW });
    const [opened] = book.apply(alert('crashed', 0, { problem: 'crash', severity: 'critical' }));
    expect(opened).toMatchObject({ type: 'open' });
    const id = opened!.type === 'open' ? opened!.incident.id : '';
    expect(book.apply(alert('recovered', 1_000, { severity: 'info' })).map((n) => n.type)).toEqual(['resolve']);

    const [back] = book.apply(alert('crashed', 1_000 + WINDOW - 1, { problem: 'crash', severity: 'critical' }));
    expect(back).toMatchObject({ type: 'update', incident: { id, reopened: 1 } });

    book.apply(alert('recovered', 2 * WINDOW, { severity: 'info' }));
    const [later] = book.apply(alert('crashed', 3 * WINDOW + 1, { problem: 'crash', severity: 'critical' }));
    expect(later).toMatchObject({ type: 'open' });
    expect(later!.type === 'open' && later!.incident.id).not.toBe(id);
  });
});
