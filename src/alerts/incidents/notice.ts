// What the incident stage hands to the sinks (live posting, replay): an incident change or the agent summary.
import type { AgentSummaryRow } from './agent-summary.js';
import type { IncidentNotice } from './incident-book.js';

export type Notice = IncidentNotice | { type: 'summary'; rows: AgentSummaryRow[]; at: number };
