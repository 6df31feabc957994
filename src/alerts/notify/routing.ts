// Which channel an alert goes to: the first matching rule wins (instance, then namespace, then severity),
// else the default channel.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Severity } from '../types.js';

const RoutesSchema = z.strictObject({
  default: z.string().min(1).optional(),
  instances: z.record(z.string(), z.string().min(1)).optional(),
  namespaces: z.record(z.string(), z.string().min(1)).optional(),
  severities: z.partialRecord(z.enum(['info', 'warning', 'critical']), z.string().min(1)).optional(),
});
export type Routes = z.infer<typeof RoutesSchema>;

export class RoutingError extends Error {
  override name = 'RoutingError';
}

/**
 * ALERT_ROUTES is JSON, or a path to a JSON file (anything not starting with "{"):
 * {"default":"#jenkins-alerts","instances":{"ci":"#ci-alerts"},"namespaces":{"jenkins-agents":"#builds"},"severities":{"critical":"#oncall"}}
 */
export function parseRoutes(raw: string | undefined, defaultChannel: string | undefined, readFile: (p: string) => string = (p) => readFileSync(p, 'utf8')): Routes {
  let routes: Routes = {};
  if (raw && raw.trim()) {
    const text = raw.trim().startsWith('{') ? raw : readFile(raw.trim());
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new RoutingError(`ALERT_ROUTES is not valid JSON (${err instanceof Error ? err.message : String(err)}); expected {"default": "#channel", "instances": {...}, "namespaces": {...}, "severities": {...}}`);
    }
    const parsed = RoutesSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RoutingError(`ALERT_ROUTES ${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'invalid'}; allowed keys: default, instances, namespaces, severities (info, warning, critical)`);
    }
    routes = parsed.data;
  }
  if (defaultChannel && !routes.default) routes = { ...routes, default: defaultChannel };
  return routes;
}

export interface RouteInput {
  namespace: string;
  instance?: string;
  severity: Severity;
}

export function routeFor(routes: Routes, alert: RouteInput): string | undefined {
  return (alert.instance ? routes.instances?.[alert.instance] : undefined)
    ?? routes.namespaces?.[alert.namespace]
    ?? routes.severities?.[alert.severity]
    ?? routes.default;
}
