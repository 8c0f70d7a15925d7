import type { Database } from '../../../common/db/orm.js';
import { internalRoutes } from '../../../common/internal-routes.js';
import type { TokenIssuer } from '../oauth/issuer.js';
import { exchangeApiKey } from './api-key.exchange.js';

/** Where the gateway exchanges an API key for an access token. Not under /oauth/: the gateway never proxies it. */
export const API_KEY_EXCHANGE_PATH = '/internal/api-keys/token';

export interface ApiKeyRouteDependencies {
  db: Database;
  tokens: TokenIssuer;
  internalSecret: string;
}

/**
 * POST /internal/api-keys/token `{ "secret": "igs_..." }` -> `{ access_token, token_type,
 * expires_in }`, or 401 `{ error: "invalid_api_key" }`. For the gateway only: without its
 * internal credential the route does not exist (404), so nobody can guess keys here, out of
 * reach of the gateway's throttling.
 */
export function apiKeyRoutes(deps: ApiKeyRouteDependencies) {
  return internalRoutes(deps.internalSecret, {
    [API_KEY_EXCHANGE_PATH]: async ({ secret }) => {
      if (typeof secret !== 'string') return { status: 400, body: { error: 'invalid_request', error_description: 'Expected {"secret": "..."}' } };
      const result = await exchangeApiKey(deps.db.orm.em.fork(), deps.tokens, secret);
      if (!result.ok) return { status: 401, body: { error: 'invalid_api_key', error_description: result.message, failed: result.failed } };
      return { status: 200, body: { access_token: result.issued.accessToken, token_type: 'Bearer', expires_in: result.issued.expiresIn } };
    },
  });
}
