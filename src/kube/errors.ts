// Turns Kubernetes API failures into messages a user can act on, and says which ones are worth retrying.
import { ApiException } from '@kubernetes/client-node';

/** What the bot was doing when the API answered: `patch` + `statefulsets` + `apps/ci` etc. */
export interface Attempt {
  verb: string;
  /** Plural resource as RBAC names it, e.g. `statefulsets`, `pods/log`, `leases`. */
  resource: string;
  namespace?: string;
  /** `Kind/name` when the request is about one object. */
  object?: string;
}

/** A failed Kubernetes API call, with the status code and the API's own message. */
export class KubeApiError extends Error {
  override name = 'KubeApiError';
  constructor(message: string, readonly status: number | undefined, readonly attempt: Attempt, readonly apiMessage?: string) {
    super(message);
  }
}

/** Server-side apply found fields owned by another field manager (409). */
export class ConflictError extends KubeApiError {
  override name = 'ConflictError';
  constructor(message: string, attempt: Attempt, readonly managers: string[], readonly fields: string[], apiMessage?: string) {
    super(message, 409, attempt, apiMessage);
  }
}

interface ApiStatus {
  message?: string;
  reason?: string;
  details?: { causes?: { reason?: string; message?: string; field?: string }[] };
}

/** The Status object the API server sends with errors (the body may arrive as text or parsed). */
export function apiStatus(body: unknown): ApiStatus | undefined {
  let value: unknown = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return body.trim() ? { message: body.trim().slice(0, 500) } : undefined;
    }
  }
  return value && typeof value === 'object' ? (value as ApiStatus) : undefined;
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED', 'UND_ERR_SOCKET']);

export function networkCode(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { code?: unknown; type?: unknown; cause?: unknown; name?: unknown };
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
  if (e.type === 'request-timeout' || e.name === 'TimeoutError') return 'ETIMEDOUT';
  return e.cause ? networkCode(e.cause) : undefined;
}

/** The HTTP status of a failed call: client-node's ApiException, our KubeApiError, or any error carrying a numeric `code` or `statusCode`. */
export function statusCode(err: unknown): number | undefined {
  if (err instanceof ApiException) return err.code;
  if (err instanceof KubeApiError) return err.status;
  const e = err as { code?: unknown; statusCode?: unknown } | undefined;
  if (typeof e?.code === 'number') return e.code;
  return typeof e?.statusCode === 'number' ? e.statusCode : undefined;
}

/** 429, 5xx, timeouts and reset connections are transient: the caller retries them with backoff. */
export function isRetryable(err: unknown): boolean {
  const status = statusCode(err);
  if (status !== undefined) return status === 429 || (status >= 500 && status <= 504);
  return networkCode(err) !== undefined;
}

function retryAfterNote(err: unknown): string {
  const seconds = retryAfterSeconds(err);
  return seconds === undefined ? '' : `; it asked to wait ${seconds} s`;
}

/** Seconds the server asked us to wait (Retry-After on 429/503), if any. */
export function retryAfterSeconds(err: unknown): number | undefined {
  if (!(err instanceof ApiException)) return undefined;
  const headers = (err.headers ?? {}) as Record<string, string | undefined>;
  const value = headers['retry-after'] ?? headers['Retry-After'];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

function where(attempt: Attempt): string {
  const what = attempt.object ?? attempt.resource;
  return attempt.namespace ? `${what} in namespace ${attempt.namespace}` : what;
}

/** Managers named in an apply conflict: `conflict with "kubectl-edit" using apps/v1: .spec.replicas`. */
export function conflictManagers(status: ApiStatus | undefined): { managers: string[]; fields: string[] } {
  const texts = [...(status?.details?.causes ?? []).map((c) => c.message ?? ''), status?.message ?? ''];
  const managers = new Set<string>();
  for (const text of texts) for (const m of text.matchAll(/conflict with "([^"]+)"/g)) managers.add(m[1]!);
  const fields = (status?.details?.causes ?? []).map((c) => c.field).filter((f): f is string => !!f);
  return { managers: [...managers], fields };
}

/** Wraps any failure of one API call into a KubeApiError whose message says what to do. */
export function describeFailure(err: unknown, attempt: Attempt): KubeApiError {
  if (err instanceof KubeApiError) return err;
  const status = statusCode(err);
  const body = err instanceof ApiException ? apiStatus(err.body) : undefined;
  const apiMessage = body?.message;
  const said = apiMessage ? `: ${apiMessage}` : '';
  switch (status) {
    case undefined: {
      const code = networkCode(err);
      const reason = code ?? (err instanceof Error ? err.message : String(err));
      return new KubeApiError(`cannot reach the Kubernetes API to ${attempt.verb} ${where(attempt)} (${reason}); check the cluster address and your network, then retry`, undefined, attempt);
    }
    case 401:
      return new KubeApiError(
        `the Kubernetes API rejected the bot's credentials (401 Unauthorized) when it tried to ${attempt.verb} ${where(attempt)}; the token or certificate in the kubeconfig/service account is missing or expired`,
        401, attempt, apiMessage);
    case 403:
      return new KubeApiError(
        `RBAC denied: the bot may not ${attempt.verb} ${attempt.resource}${attempt.namespace ? ` in namespace ${attempt.namespace}` : ' (cluster-wide)'} (403 Forbidden${said}); grant its account the verb "${attempt.verb}" on "${attempt.resource}" (see README, cluster permissions)`,
        403, attempt, apiMessage);
    case 409: {
      const { managers, fields } = conflictManagers(body);
      if (managers.length > 0) {
        return new ConflictError(
          `${where(attempt)}: field(s) ${fields.length ? fields.join(', ') : '(see below)'} are owned by another field manager (${managers.map((m) => `"${m}"`).join(', ')}), so they were not changed${said}. Re-run with --force to take them over, or change them back with the tool that owns them`,
          attempt, managers, fields, apiMessage);
      }
      return new KubeApiError(`cannot ${attempt.verb} ${where(attempt)} (409 Conflict${said})`, 409, attempt, apiMessage);
    }
    case 404:
      return new KubeApiError(`cannot ${attempt.verb} ${where(attempt)}: not found (404${said})`, 404, attempt, apiMessage);
    case 422:
      return new KubeApiError(`the Kubernetes API refused ${where(attempt)} as invalid (422${said})`, 422, attempt, apiMessage);
    case 429:
      return new KubeApiError(`the Kubernetes API kept throttling requests to ${attempt.verb} ${where(attempt)} (429 Too Many Requests${said}${retryAfterNote(err)}); retry later`, 429, attempt, apiMessage);
    default:
      if (status >= 500) {
        return new KubeApiError(`the Kubernetes API failed to ${attempt.verb} ${where(attempt)} (${status}${said}) and kept failing after retries; check the API server, then retry`, status, attempt, apiMessage);
      }
      return new KubeApiError(`cannot ${attempt.verb} ${where(attempt)} (${status}${said})`, status, attempt, apiMessage);
  }
}
