// The operations surface: logs, metrics, health endpoints.
export { createLogger, parseLogLevel, LOG_LEVELS, type Logger, type LoggerOptions } from './logger.js';
export { createMetrics, type BotMetrics, type MetricsOptions } from './metrics.js';
export {
  startHealthServer,
  healthPortFromEnv,
  DEFAULT_HEALTH_PORT,
  type HealthServer,
  type HealthServerOptions,
  type ReadinessCheck,
} from './health-server.js';
export { scrubString, scrubValue, REDACTED } from './redact.js';
