// What a notice looks like printed: one line of text, or one JSON object with a stable set of fields.
import { describeAgentSummary } from '../incidents/agent-summary.js';
import type { Notice } from '../incidents/notice.js';
import { AGENT_SUMMARY_KIND } from '../types.js';
import type { Alert, SchedulingReason, Severity } from '../types.js';

export interface AlertRecord {
  severity: Severity;
  kind: string;
  namespace: string;
  pod: string | null;
  summary: string;
  role?: string;
  instance?: string;
  agentLabel?: string;
  /** agent pods: the controller that started it. */
  controller?: string;
  /** unschedulable only: what the scheduler said, per reason. */
  reasons?: SchedulingReason[];
  hint?: string;
  exitCode?: number;
  reason?: string;
  restarts?: number;
  incident?: string;
}

function fromAlert(alert: Alert, incident?: string): AlertRecord {
  const r: AlertRecord = { severity: alert.severity, kind: alert.kind, namespace: alert.namespace, pod: alert.pod, summary: alert.summary, role: alert.role };
  if (alert.instance) r.instance = alert.instance;
  if (alert.agentLabel) r.agentLabel = alert.agentLabel;
  if (alert.controller) r.controller = alert.controller;
  if (alert.scheduling) {
    r.reasons = alert.scheduling.reasons;
    r.hint = alert.scheduling.hint;
  }
  if (alert.crash) {
    if (alert.crash.exitCode !== undefined) r.exitCode = alert.crash.exitCode;
    if (alert.crash.reason) r.reason = alert.crash.reason;
    r.restarts = alert.crash.restarts;
  }
  if (incident) r.incident = incident;
  return r;
}

/** The records a notice prints as; a refresh (same alert again) prints nothing. */
export function noticeRecords(notice: Notice): AlertRecord[] {
  switch (notice.type) {
    case 'refresh':
      return [];
    case 'summary':
      return notice.rows.map((row) => {
        const r: AlertRecord = { severity: 'info', kind: AGENT_SUMMARY_KIND, namespace: row.namespace, pod: null, summary: describeAgentSummary(row) };
        if (row.instance) r.instance = row.instance;
        return r;
      });
    case 'lifecycle':
      return [fromAlert(notice.alert)];
    default:
      return [fromAlert(notice.alert, notice.incident.id)];
  }
}

export function textLine(r: AlertRecord): string {
  return `${r.severity.toUpperCase()} ${r.kind} ${r.summary}`;
}

export function jsonLine(r: AlertRecord): string {
  return JSON.stringify(r);
}
