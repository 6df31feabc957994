// metrics: the prometheus plugin in the plugin list, its endpoint announced on the HTTP Service, and optionally a
// Prometheus-operator ServiceMonitor. Facts from jenkinsci/prometheus-plugin (PrometheusConfiguration): the endpoint
// is `/prometheus/` unless PROMETHEUS_ENDPOINT moves it, and it needs no login unless useAuthenticatedEndpoint is set.
import type { InstanceSpec } from '../instance/index.js';
import { instanceLabels, LABEL_METRICS, names } from '../instance/naming.js';

export const METRICS_PLUGIN = 'prometheus';
export const METRICS_PATH = '/prometheus/';

/** The plugins metrics need (for the plugin list's required entries, pinned there like every bare id). */
export function metricsPlugins(spec: InstanceSpec): string[] {
  return spec.metrics?.enabled ? [METRICS_PLUGIN] : [];
}

/**
 * What the HTTP Service and the ServiceMonitor print. The `prometheus.io/*` annotations follow the convention of
 * Prometheus' own example Kubernetes scrape config (role: endpoints): the address it scrapes is each endpoint (a
 * controller pod) with the port from `prometheus.io/port`, so that port is the container's, not the Service's.
 */
export function metricsContext(spec: InstanceSpec, containerPort: number) {
  if (!spec.metrics?.enabled) return undefined;
  const selector = { ...instanceLabels(spec.name, 'service'), [LABEL_METRICS]: 'true' };
  return {
    path: METRICS_PATH,
    serviceLabels: { [LABEL_METRICS]: 'true' },
    serviceAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/path': METRICS_PATH, 'prometheus.io/port': String(containerPort) },
    serviceMonitor: spec.metrics.serviceMonitor ? { name: names.serviceMonitor(spec.name), labels: instanceLabels(spec.name, 'metrics'), selector } : undefined,
  };
}
