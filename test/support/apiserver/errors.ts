// API errors as the apiserver reports them: a metav1.Status body with reason, code and details.
// Wording follows k8s.io/apimachinery/pkg/api/errors/errors.go and pkg/util/validation/field/errors.go.
import { qualifiedKind, qualifiedResource, type ResourceInfo } from './resources.js';
import type { Obj } from './util.js';

export interface StatusCause {
  reason?: string;
  type?: string;
  message?: string;
  field?: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Obj,
  ) {
    super(message);
  }

  status(): Obj {
    return {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason,
      ...(this.details ? { details: this.details } : {}), code: this.code,
    };
  }
}

function details(info: ResourceInfo, name: string, kindField: 'plural' | 'kind' = 'plural'): Obj {
  return { name, ...(info.group ? { group: info.group } : {}), kind: kindField === 'plural' ? info.plural : info.kind };
}

// errors.go NewNotFound: `pods "x" not found`
export function notFound(info: ResourceInfo, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(info)} "${name}" not found`, details(info, name));
}

// errors.go NewAlreadyExists
export function alreadyExists(info: ResourceInfo, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedResource(info)} "${name}" already exists`, details(info, name));
}

// errors.go NewConflict; the optimistic-concurrency text is registry/generic/registry/store.go's OptimisticLockErrorMsg.
export const OPTIMISTIC_LOCK = 'the object has been modified; please apply your changes to the latest version and try again';
export function conflict(info: ResourceInfo, name: string, why: string = OPTIMISTIC_LOCK): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(info)} "${name}": ${why}`, details(info, name));
}

// errors.go NewForbidden
export function forbidden(info: ResourceInfo, name: string, why: string): ApiError {
  return new ApiError(403, 'Forbidden', `${qualifiedResource(info)} "${name}" is forbidden: ${why}`, details(info, name));
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function methodNotAllowed(method: string, what: string): ApiError {
  return new ApiError(405, 'MethodNotAllowed', `${method} is not supported on ${what}`);
}

// handlers/patch.go: the media types a PATCH accepts for built-in kinds.
export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(415, 'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${contentType || 'none'})`);
}

// errors.go NewResourceExpired / storage "too old resource version"
export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export type FieldErrorType =
  | 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate' | 'FieldValueNotSupported' | 'FieldValueNotFound';

export interface FieldError {
  type: FieldErrorType;
  field: string;
  detail?: string;
  value?: unknown;
}

function show(value: unknown): string {
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

// field/errors.go (*Error).ErrorBody
export function errorBody(e: FieldError): string {
  switch (e.type) {
    case 'FieldValueInvalid': return `Invalid value: ${show(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
    case 'FieldValueForbidden': return `Forbidden${e.detail ? `: ${e.detail}` : ''}`;
    case 'FieldValueRequired': return `Required value${e.detail ? `: ${e.detail}` : ''}`;
    case 'FieldValueDuplicate': return `Duplicate value: ${show(e.value)}`;
    case 'FieldValueNotFound': return `Not found: ${show(e.value)}`;
    case 'FieldValueNotSupported': return `Unsupported value: ${show(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
  }
}

export const invalidValue = (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail });
export const forbiddenField = (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, detail });
export const required = (field: string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field, detail });
export const immutable = (field: string, value: unknown): FieldError => invalidValue(field, value, 'field is immutable');

// errors.go NewInvalid: `StatefulSet.apps "web" is invalid: spec: Forbidden: ...`, one cause per field error;
// several errors print as an aggregate "[a, b]" (k8s.io/apimachinery/pkg/util/errors aggregate.Error()).
export function invalid(info: { group: string; kind: string } | ResourceInfo, name: string, errs: FieldError[]): ApiError {
  const texts = errs.map((e) => `${e.field}: ${errorBody(e)}`);
  const agg = texts.length === 1 ? texts[0]! : `[${texts.join(', ')}]`;
  const qk = info.group ? `${info.kind}.${info.group}` : info.kind;
  return new ApiError(422, 'Invalid', `${qk} "${name}" is invalid: ${agg}`, {
    name, ...(info.group ? { group: info.group } : {}), kind: info.kind,
    causes: errs.map((e) => ({ reason: e.type, message: errorBody(e), field: e.field })),
  });
}

export { qualifiedKind };
