import { ConfigurationError, envInt } from '../../../../lib/config.js';

export interface LoginCodeOptions {
  /** How long a mailed code may be used, in seconds. */
  ttlSeconds: number;
  /** Codes mailed to one address per window; past it requestLoginCode answers RATE_LIMITED. */
  requestsPerWindow: number;
  /** Wrong codes tried for one address per window; past it verifyLoginCode answers RATE_LIMITED. */
  failuresPerWindow: number;
  windowSeconds: number;
}

/** Wrong tries one code survives: the next try, right or wrong, finds it dead. */
export const ATTEMPTS_PER_CODE = 5;

export const DEFAULT_LOGIN_CODE_OPTIONS: LoginCodeOptions = {
  ttlSeconds: 600,
  requestsPerWindow: 5,
  failuresPerWindow: 10,
  windowSeconds: 900,
};

/** LOGIN_CODE_TTL and LOGIN_CODE_*, checked so that `npm start` refuses a bad one before starting. */
export function loginCodeOptionsFromEnv(): LoginCodeOptions {
  const options: LoginCodeOptions = {
    ttlSeconds: envInt('LOGIN_CODE_TTL', DEFAULT_LOGIN_CODE_OPTIONS.ttlSeconds),
    requestsPerWindow: envInt('LOGIN_CODE_REQUESTS_PER_WINDOW', DEFAULT_LOGIN_CODE_OPTIONS.requestsPerWindow),
    failuresPerWindow: envInt('LOGIN_CODE_FAILURES_PER_WINDOW', DEFAULT_LOGIN_CODE_OPTIONS.failuresPerWindow),
    windowSeconds: envInt('LOGIN_CODE_WINDOW_SECONDS', DEFAULT_LOGIN_CODE_OPTIONS.windowSeconds),
  };
  for (const [name, value] of [
    ['LOGIN_CODE_TTL', options.ttlSeconds],
    ['LOGIN_CODE_REQUESTS_PER_WINDOW', options.requestsPerWindow],
    ['LOGIN_CODE_WINDOW_SECONDS', options.windowSeconds],
  ] as const) {
    if (value === 0) throw new ConfigurationError(`${name} must be at least 1`);
  }
  return options;
}
