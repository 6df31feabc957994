// Test hooks at the HTTP boundary: a log of every request, injected failures and latency.
export interface RequestRecord {
  method: string;
  /** Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection, or "discovery"/"version". */
  verb: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  body?: string;
  status?: number;
}

export interface FaultRule {
  /** HTTP method (GET, PATCH...) or Kubernetes verb (get, list, watch, patch...); any when left out. */
  verb?: string;
  /** Exact path, a path prefix ending in "/", or a RegExp; any when left out. */
  path?: string | RegExp;
  /** How many matching requests fail (default 1; Infinity for all). */
  times?: number;
  /** Answer with this status code and a matching Status body. */
  status?: number;
  message?: string;
  /** Reset the connection instead of answering. */
  reset?: boolean;
  /** Do the work (the write is stored), then reset the connection instead of answering: the answer is lost. Dry runs pass. */
  loseAnswer?: boolean;
  /** Hold the request this long first (then answer normally unless status/reset is set). */
  delayMs?: number;
  /**
   * With a 429 (or 503): the Retry-After header and details.retryAfterSeconds, as the apiserver's max-in-flight and
   * priority-and-fairness filters send them (k8s.io/apiserver/pkg/server/filters, tooManyRequests). Default 1 for 429.
   */
  retryAfterSeconds?: number;
}

// Reason for a status code (k8s.io/apimachinery/pkg/api/errors: NewTooManyRequests, NewInternalError, ...).
const REASONS: Record<number, string> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed', 409: 'Conflict', 410: 'Expired',
  422: 'Invalid', 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout',
};

export function faultStatus(code: number, message?: string, retryAfterSeconds?: number): Record<string, unknown> {
  const retryAfter = retryAfterSeconds ?? (code === 429 ? 1 : undefined);
  return {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
    message: message ?? (code === 429 ? 'Too many requests, please try again later.' : `injected fault: ${REASONS[code] ?? 'Unknown'}`),
    reason: REASONS[code] ?? 'Unknown', ...(retryAfter !== undefined ? { details: { retryAfterSeconds: retryAfter } } : {}), code,
  };
}

/** The Retry-After header of a fault's answer, if any. */
export function faultHeaders(rule: FaultRule): Record<string, string> {
  const seconds = rule.retryAfterSeconds ?? (rule.status === 429 ? 1 : undefined);
  return seconds === undefined ? {} : { 'retry-after': String(seconds) };
}

export class Faults {
  private rules: Array<FaultRule & { left: number }> = [];

  add(rule: FaultRule): void {
    this.rules.push({ ...rule, left: rule.times ?? 1 });
  }

  clear(): void {
    this.rules = [];
  }

  /** The first rule matching this request, used up by one. */
  take(method: string, verb: string, path: string, dryRun = false): FaultRule | undefined {
    const rule = this.rules.find((r) => r.left > 0 && !(r.loseAnswer && dryRun) &&
      (!r.verb || r.verb.toUpperCase() === method || r.verb.toLowerCase() === verb) &&
      (r.path === undefined || (r.path instanceof RegExp ? r.path.test(path) : r.path === path || (r.path.endsWith('/') && path.startsWith(r.path)))));
    if (rule) rule.left -= 1;
    this.rules = this.rules.filter((r) => r.left > 0);
    return rule;
  }
}
