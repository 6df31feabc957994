// The alerter's public surface: live (startAlerter), replay, and the pieces others may reuse.
export { startAlerter, type Alerter, type AlerterOptions, type AlerterLogger } from './alerter.js';
export { alertConfigFromEnv, AlertConfigError, type AlertConfig } from './config.js';
export { Replayer, replayStream, type ReplayFormat, type ReplayResult } from './replay/replayer.js';
export { parseSchedulingMessage, describeReasons, schedulingHint } from './classify/scheduling.js';
export { alertMetrics, type AlertMetrics } from './metrics.js';
export { ALERT_KINDS, type Alert, type AlertKind, type Severity } from './types.js';
