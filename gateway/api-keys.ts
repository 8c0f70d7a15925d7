/**
 * API keys at the edge. A request presenting a key (`Authorization: Bearer igs_...` or the
 * `api-key` / `api-secret` pair, lib/auth/api-keys.ts) has it exchanged by identities for one
 * of our access tokens, and that token is what the subgraphs see: they never handle keys.
 *
 * Exchanges are cached in this process for at most a minute (and for less than half the
 * token's life), keyed by an HMAC of the secret under a key that lives only in this process,
 * never by the secret. The cache cannot make a revoked key outlive its revocation: the token
 * carries the key's id (`akid`) and every subgraph checks the key on every request; a token
 * a subgraph refuses drops its cache entry. Wrong keys count in the same per-address
 * failed-authentication limit as wrong client secrets at /oauth/token.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import { INVALID_API_KEY, type PresentedApiKey } from '../lib/auth/api-keys.js';
import { INTERNAL_HEADER } from '../lib/auth/internal.js';
import type { Caller, TokenVerifier } from '../lib/auth/tokens.js';
import { invalidToken, loggedInternalError } from '../lib/errors.js';
import { currentRequestIds, logError } from '../lib/http.js';
import type { RateLimits } from './rate-limit.js';

/** identities' route for the exchange (subgraphs/identities/modules/api-key/api-key.routes.ts); the gateway never proxies it. */
const EXCHANGE_PATH = '/internal/api-keys/token';
export const API_KEY_CACHE_MS = 60_000;
const MAX_CACHED_KEYS = 10_000;
const EXCHANGE_TIMEOUT_MS = 10_000;

export interface ApiKeyAuthentication {
  /** Our access token for the key's holder, forwarded to the subgraphs. */
  token: string;
  principal: Caller;
  /** The exchange's cache entry, dropped when a subgraph refuses its token. */
  cacheKey: string;
}

/** What the plugin needs from the gateway's context. */
interface ApiKeyContext {
  apiKeyCacheKey?: string;
  tokenRejected?: string;
}

/** A key identities refused because its secret was wrong (or it does not exist): counted against the address. */
class WrongApiKey extends Error {}

export interface ApiKeyExchangeOptions {
  identitiesUrl: string;
  internalSecret: string;
  verifier: TokenVerifier;
  rateLimits: RateLimits;
}

export interface ApiKeyExchange {
  authenticate(req: IncomingMessage, presented: PresentedApiKey): Promise<ApiKeyAuthentication>;
  /** Drops the cached exchange of a token a subgraph refused (the key was revoked or has expired). */
  plugin: ApolloServerPlugin<ApiKeyContext>;
}

export function createApiKeyExchange(options: ApiKeyExchangeOptions): ApiKeyExchange {
  const cacheSecret = randomBytes(32);
  const cache = new Map<string, { until: number; result: Promise<ApiKeyAuthentication> }>();

  async function exchange(secret: string, cacheKey: string): Promise<ApiKeyAuthentication> {
    const requestId = currentRequestIds()?.requestId;
    let response: Response;
    try {
      response = await fetch(`${options.identitiesUrl}${EXCHANGE_PATH}`, {
        method: 'POST',
        // Our request id goes along, so identities' log lines match the gateway's.
        headers: { 'content-type': 'application/json', [INTERNAL_HEADER]: options.internalSecret, ...(requestId ? { 'x-request-id': requestId } : {}) },
        body: JSON.stringify({ secret }),
        signal: AbortSignal.timeout(EXCHANGE_TIMEOUT_MS),
      });
    } catch (error) {
      logError('API key exchange: identities could not be reached', error);
      throw loggedInternalError();
    }
    const body = (await response.json().catch(() => null)) as { access_token?: unknown; expires_in?: unknown; failed?: unknown; error_description?: unknown } | null;
    if (response.status === 401) {
      if (body?.failed === 'secret') throw new WrongApiKey();
      throw invalidToken(typeof body?.error_description === 'string' ? body.error_description : INVALID_API_KEY);
    }
    if (response.status !== 200 || typeof body?.access_token !== 'string' || typeof body.expires_in !== 'number') {
      logError(`API key exchange: identities answered HTTP ${response.status}`);
      throw loggedInternalError();
    }
    const principal = await options.verifier.verify(body.access_token);
    // Well inside the token's life, so a cached token never expires in a client's hands.
    const until = Date.now() + Math.min(API_KEY_CACHE_MS, (body.expires_in * 1000) / 2);
    const entry = cache.get(cacheKey);
    if (entry) entry.until = until;
    return { token: body.access_token, principal, cacheKey };
  }

  return {
    async authenticate(req, presented) {
      const { rateLimits } = options;
      const wrong = () => invalidToken(INVALID_API_KEY);
      // A key that cannot be ours is a wrong guess like any other, and costs the same.
      if (!presented.keyId) return rateLimits.authenticationAttempt(req, () => Promise.reject(wrong()), () => true);
      const cacheKey = createHmac('sha256', cacheSecret).update(presented.secret).digest('base64url');
      const cached = cache.get(cacheKey);
      if (cached && cached.until > Date.now()) {
        await rateLimits.assertAuthenticationAllowed(req);
        return cached.result;
      }
      if (cached) cache.delete(cacheKey);
      const result = rateLimits
        .authenticationAttempt(req, () => exchange(presented.secret, cacheKey), (error) => error instanceof WrongApiKey)
        .catch((error: unknown) => {
          if (cache.get(cacheKey)?.result === result) cache.delete(cacheKey);
          throw error instanceof WrongApiKey ? wrong() : error;
        });
      // Until it settles, concurrent requests with the same key share this exchange.
      if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value!);
      cache.set(cacheKey, { until: Date.now() + EXCHANGE_TIMEOUT_MS, result });
      return result;
    },

    plugin: {
      async requestDidStart() {
        return {
          async willSendResponse({ contextValue }) {
            if (contextValue.tokenRejected && contextValue.apiKeyCacheKey) cache.delete(contextValue.apiKeyCacheKey);
          },
        };
      },
    },
  };
}
