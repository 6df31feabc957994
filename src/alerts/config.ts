// Alerter settings from the environment, checked up front with messages that say what is allowed.
import { hostname } from 'node:os';
import { parseRoutes } from './notify/routing.js';
import type { Routes } from './notify/routing.js';
import type { Severity } from './types.js';

export interface AlertConfig {
  slackToken?: string;
  routes: Routes;
  namespaces: string[];
  minSeverity: Severity;
  unschedulableGraceMs: number;
  dedupeWindowMs: number;
  summaryIntervalMs: number;
  stormThreshold: number;
  stormWindowMs: number;
  logTailLines: number;
  lease: { namespace: string; name: string; identity: string; durationMs: number; enabled: boolean };
}

export class AlertConfigError extends Error {
  override name = 'AlertConfigError';
}

function seconds(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallback * 1000;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new AlertConfigError(`${key}="${raw}" is not a number of seconds (0 or more)`);
  return n * 1000;
}

function count(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new AlertConfigError(`${key}="${raw}" must be a whole number, 1 or more`);
  return n;
}

export function alertConfigFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: { namespaces?: string[] } = {}): AlertConfig {
  const namespaces = overrides.namespaces?.length
    ? overrides.namespaces
    // Not POD_NAMESPACE: the bot runs in its own namespace, the Jenkins instances it watches live elsewhere.
    // The managed namespaces (where the bot's RBAC reaches) unless told otherwise.
    : (env.ALERT_NAMESPACES ?? env.CHATOPS_NAMESPACES ?? 'jenkins').split(',').map((n) => n.trim()).filter(Boolean);
  const minSeverity = (env.ALERT_MIN_SEVERITY ?? 'info').trim();
  if (!['info', 'warning', 'critical'].includes(minSeverity)) {
    throw new AlertConfigError(`ALERT_MIN_SEVERITY="${minSeverity}" is not a severity; use info, warning or critical`);
  }
  const config: AlertConfig = {
    routes: parseRoutes(env.ALERT_ROUTES, env.ALERT_CHANNEL),
    namespaces,
    minSeverity: minSeverity as Severity,
    unschedulableGraceMs: seconds(env, 'ALERT_UNSCHEDULABLE_GRACE_SECONDS', 60),
    dedupeWindowMs: seconds(env, 'ALERT_DEDUPE_WINDOW_SECONDS', 600),
    summaryIntervalMs: seconds(env, 'ALERT_SUMMARY_INTERVAL_SECONDS', 3600),
    stormThreshold: count(env, 'ALERT_STORM_THRESHOLD', 3),
    stormWindowMs: seconds(env, 'ALERT_STORM_WINDOW_SECONDS', 60),
    logTailLines: count(env, 'ALERT_LOG_TAIL_LINES', 30),
    lease: {
      namespace: env.ALERT_LEASE_NAMESPACE ?? env.POD_NAMESPACE ?? namespaces[0] ?? 'default',
      name: env.ALERT_LEASE_NAME ?? 'jenkins-chatops-alerter',
      identity: env.POD_NAME ?? `${hostname()}-${process.pid}`,
      durationMs: seconds(env, 'ALERT_LEASE_DURATION_SECONDS', 15),
      enabled: (env.ALERT_LEADER_ELECTION ?? 'true') !== 'false',
    },
  };
  if (env.SLACK_BOT_TOKEN) config.slackToken = env.SLACK_BOT_TOKEN;
  return config;
}
