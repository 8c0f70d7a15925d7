import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { logError } from './http.js';

/** The stable `extensions.code` values of the public contract. */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  /** An operation over the gateway's depth, alias, directive, token or cost limits (refused before planning). */
  | 'OPERATION_LIMIT_EXCEEDED'
  /** Apollo Server's code for a valid document naming no operation it can run (an unknown operationName). */
  | 'OPERATION_RESOLUTION_FAILURE'
  | 'INTERNAL_SERVER_ERROR';

export function apiError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

export const unauthenticated = (message = 'Authentication required') => apiError('UNAUTHENTICATED', message);
/** A presented token that fails verification rejects the whole request with HTTP 401 (RFC 6750 §3.1). */
export const invalidToken = (message: string) =>
  apiError('UNAUTHENTICATED', message, { http: { status: 401, headers: new Map([['www-authenticate', 'Bearer error="invalid_token"']]) } });
export const forbidden = (message = 'Not allowed') => apiError('FORBIDDEN', message);
/** Used both for ids that do not exist and for objects the caller may not see, so the two are indistinguishable. */
export const notFound = (what: string) => apiError('NOT_FOUND', `${what} not found`);
/** The value, or NOT_FOUND when there is none (or the caller may not see it). */
export function found<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw notFound(what);
  return value;
}
export const badInput = (field: string, message: string) => apiError('BAD_USER_INPUT', message, { field });
export const conflict = (message: string, extra: Record<string, unknown> = {}) => apiError('CONFLICT', message, extra);
/**
 * Over a throttling limit: HTTP 429 with Retry-After for the whole response (RFC 6585 §4), and
 * the same seconds in `extensions.retryAfter` for clients that only read the GraphQL body.
 */
export const rateLimited = (retryAfterSeconds: number) =>
  apiError('RATE_LIMITED', `Rate limit exceeded; retry after ${retryAfterSeconds} s`, {
    retryAfter: retryAfterSeconds,
    http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
  });

const PUBLIC_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'OPERATION_LIMIT_EXCEEDED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * Extensions that describe our insides rather than the request: a subgraph's name, URL and
 * HTTP response (added by @apollo/gateway), stack traces, HTTP hints for Apollo Server.
 */
const INTERNAL_EXTENSIONS = new Set(['http', 'stacktrace', 'exception', 'serviceName', 'response']);

/** Errors whose detail was already logged where it happened, with more context than formatError has. */
const logged = new WeakSet<object>();

/** An INTERNAL_SERVER_ERROR for a fault already logged in full (formatError does not log it again). */
export function loggedInternalError(): GraphQLError {
  const error = apiError('INTERNAL_SERVER_ERROR', 'Internal server error');
  logged.add(error);
  return error;
}

/**
 * Shared by the gateway and every subgraph. Errors with a public code keep their message and
 * public extensions; anything else is logged under the request id and reported without details.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PUBLIC_CODES.has(code)) {
    const extensions = Object.fromEntries(Object.entries(formatted.extensions ?? {}).filter(([key]) => !INTERNAL_EXTENSIONS.has(key)));
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions };
  }
  const original = error instanceof GraphQLError ? error.originalError : undefined;
  if (!(error && typeof error === 'object' && logged.has(error)) && !(original && logged.has(original))) logError('unexpected error', error);
  return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
