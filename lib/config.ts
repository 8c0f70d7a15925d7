import { randomBytes } from 'node:crypto';

/** What every subgraph process needs to know; the gateway reads a superset. */
export interface CommonConfig {
  databaseUrl: string;
  /** Connections per process. The embedded PostgreSQL serializes everything, so it gets one. */
  poolMax: number;
  /** The public origin of the gateway: the `iss` of every token. */
  issuer: string;
  /** The `aud` of access tokens for this API. */
  audience: string;
  /** Where verifiers fetch the public keys (identities directly, not through the gateway). */
  jwksUrl: string;
  /** Shared by the gateway and the subgraphs; only requests carrying it may use `_entities` and `_service`. */
  internalSecret: string;
}

/**
 * A mistake in the configuration (environment variables, the data directory): entry points
 * print its message as one line, without a stack, and exit non-zero.
 */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

export const DEFAULT_PORTS = { gateway: 4000, organizations: 4001, identities: 4002, access: 4003 } as const;

export function env(name: string, fallback?: string): string {
  const value = process.env[name];
  if (value !== undefined && value !== '') return value;
  if (fallback !== undefined) return fallback;
  throw new ConfigurationError(`Missing required environment variable ${name}`);
}

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigurationError(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

export function audienceFor(issuer: string): string {
  return `${trimSlash(issuer)}/graphql`;
}

/** For processes started on their own (docker-compose, production): nothing secret has a default. */
export function commonConfigFromEnv(): CommonConfig {
  const issuer = trimSlash(env('PUBLIC_URL', `http://localhost:${DEFAULT_PORTS.gateway}`));
  return {
    databaseUrl: env('DATABASE_URL'),
    poolMax: envInt('DATABASE_POOL_MAX', 10),
    issuer,
    audience: env('TOKEN_AUDIENCE', audienceFor(issuer)),
    jwksUrl: env('JWKS_URL', `${env('IDENTITIES_URL', `http://127.0.0.1:${DEFAULT_PORTS.identities}`)}/.well-known/jwks.json`),
    internalSecret: env('INTERNAL_SECRET'),
  };
}

/** The configured bootstrap admin credential: both or neither, the secret long enough not to be guessed. */
export function checkBootstrapCredentials(configured: { clientId?: string; clientSecret?: string }): void {
  if (Boolean(configured.clientId) !== Boolean(configured.clientSecret)) {
    throw new ConfigurationError('Set both BOOTSTRAP_CLIENT_ID and BOOTSTRAP_CLIENT_SECRET, or neither');
  }
  if (configured.clientSecret && configured.clientSecret.length < 32) {
    throw new ConfigurationError(`BOOTSTRAP_CLIENT_SECRET must be at least 32 characters (it has ${configured.clientSecret.length})`);
  }
}

export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
