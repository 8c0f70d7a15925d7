import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/** The stable `extensions.code` values of the public contract. */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'RATE_LIMITED'
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

const PUBLIC_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** Errors with a public code pass as they are; anything else is logged and reported without details. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PUBLIC_CODES.has(code)) {
    const { http: _http, stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  console.error('unexpected error', error);
  return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
