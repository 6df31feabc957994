// Slack wording of alerts: a one-line text (notifications, fallbacks) plus blocks with the details, within
// Slack's limits (3,000 characters a section; whole messages fail around 13k, so we stay far below).
import type { AgentSummaryRow } from '../incidents/agent-summary.js';
import { describeAgentSummary } from '../incidents/agent-summary.js';
import type { Incident } from '../incidents/incident-book.js';
import { formatCpu, formatMemory } from '../classify/quantities.js';
import type { Alert, Severity } from '../types.js';

export interface SlackBlock {
  type: 'section' | 'context';
  text?: { type: 'mrkdwn'; text: string };
  elements?: Array<{ type: 'mrkdwn'; text: string }>;
}

export interface MessagePayload {
  text: string;
  blocks?: SlackBlock[];
  /** Reply in this thread. */
  threadTs?: string;
  /** Edit this message instead of posting (chat.update). */
  updateTs?: string;
}

export const SECTION_LIMIT = 3000;
export const LOG_TAIL_LIMIT = 2500;

const ICON: Record<Severity, string> = { info: ':information_source:', warning: ':warning:', critical: ':rotating_light:' };

export function trimText(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/** Keeps the end of a log (the crash is at the bottom), within `limit` characters, without breaking ``` fences. */
export function trimLogTail(log: string, limit = LOG_TAIL_LIMIT): string {
  const clean = log.replace(/```/g, "'''").trimEnd();
  if (clean.length <= limit) return clean;
  const cut = clean.slice(clean.length - limit + 2);
  const firstNewline = cut.indexOf('\n');
  return `…\n${firstNewline >= 0 && firstNewline < 200 ? cut.slice(firstNewline + 1) : cut}`;
}

function section(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: trimText(text, SECTION_LIMIT) } };
}

function context(text: string): SlackBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: trimText(text, SECTION_LIMIT) }] };
}

function detailBlocks(alert: Alert): SlackBlock[] {
  const blocks: SlackBlock[] = [];
  if (alert.scheduling) {
    const s = alert.scheduling;
    const lines = s.reasons.map((r) => `• ${r.nodes === null ? '' : `${r.nodes} × `}${r.reason}`);
    if (s.headroom) lines.push(`Largest free on one node: cpu ${s.headroom.cpu}, memory ${s.headroom.memory} (${s.headroom.node})`);
    lines.push(`*Hint:* ${s.hint}`);
    blocks.push(section(lines.join('\n')));
  }
  if (alert.crash?.logTail) blocks.push(section(`Last lines of the previous \`${alert.crash.container}\` container:\n\`\`\`${alert.crash.logTail}\`\`\``));
  const where = [alert.namespace && `namespace \`${alert.namespace}\``, alert.instance && `instance \`${alert.instance}\``, alert.node && `node \`${alert.node}\``]
    .filter(Boolean).join(' · ');
  if (where) blocks.push(context(`${alert.severity} · ${alert.kind} · ${where}`));
  return blocks;
}

export function alertMessage(alert: Alert): MessagePayload {
  const text = trimText(`${ICON[alert.severity]} *${alert.kind}* ${alert.summary}`, SECTION_LIMIT);
  return { text, blocks: [section(text), ...detailBlocks(alert)] };
}

/** The incident's first message, kept current: what happened, what is happening now, and whether it is over. */
export function incidentRoot(incident: Incident): MessagePayload {
  const open = incident.closedAt === undefined;
  const state = open
    ? `Now: *${incident.latest.kind}*${incident.occurrences > 1 ? ` (${incident.occurrences} changes)` : ''}`
    : `:white_check_mark: Resolved: ${incident.latest.summary}`;
  const first = alertMessage({ ...incident.first, severity: incident.severity });
  const text = `${first.text}\n${state}`;
  return { text: trimText(text, SECTION_LIMIT), blocks: [section(text), ...(first.blocks ?? []).slice(1)] };
}

export interface GroupEntry {
  namespace: string;
  pod: string;
}

export function groupMessage(kind: string, severity: Severity, entries: GroupEntry[], why: string): MessagePayload {
  const shown = entries.slice(0, 20).map((e) => `${e.namespace}/${e.pod}`);
  const more = entries.length > shown.length ? ` and ${entries.length - shown.length} more` : '';
  const text = `${ICON[severity]} *${kind}* on ${entries.length} pods (${why}): ${shown.join(', ')}${more}`;
  return { text: trimText(text, SECTION_LIMIT), blocks: [section(text)] };
}

export function summaryMessage(rows: AgentSummaryRow[]): MessagePayload {
  const text = rows.map((r) => `${ICON.info} ${describeAgentSummary(r)}`).join('\n');
  return { text: trimText(text, SECTION_LIMIT), blocks: [section(text)] };
}

export function headroomWords(h: { cpuCores: number; memoryBytes: number; cpuNode: string; memoryNode: string }): { cpu: string; memory: string; node: string } {
  return { cpu: formatCpu(h.cpuCores), memory: formatMemory(h.memoryBytes), node: h.cpuNode === h.memoryNode ? h.cpuNode : `${h.cpuNode} / ${h.memoryNode}` };
}
