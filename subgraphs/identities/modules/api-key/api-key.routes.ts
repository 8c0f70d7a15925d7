import type { IncomingMessage, ServerResponse } from 'node:http';
import { INTERNAL_HEADER, isInternalCredential } from '../../../../lib/auth/internal.js';
import { HttpError, readBody, sendJson, type Route } from '../../../../lib/http.js';
import type { Database } from '../../../common/db/orm.js';
import type { TokenIssuer } from '../oauth/issuer.js';
import { exchangeApiKey } from './api-key.exchange.js';

/** Where the gateway exchanges an API key for an access token. Not under /oauth/: the gateway never proxies it. */
export const API_KEY_EXCHANGE_PATH = '/internal/api-keys/token';

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };
const BODY_LIMIT = 4 * 1024;

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
async function exchange(deps: ApiKeyRouteDependencies, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const credential = req.headers[INTERNAL_HEADER];
  if (!isInternalCredential(typeof credential === 'string' ? credential : undefined, deps.internalSecret)) {
    return sendJson(res, 404, { error: 'not_found' });
  }
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    return sendJson(res, 405, { error: 'method_not_allowed' });
  }
  let secret: unknown;
  try {
    secret = (JSON.parse((await readBody(req, BODY_LIMIT)).toString('utf8')) as { secret?: unknown } | null)?.secret;
  } catch (error) {
    if (error instanceof HttpError) return sendJson(res, error.status, { error: 'invalid_request' });
    secret = undefined;
  }
  if (typeof secret !== 'string') return sendJson(res, 400, { error: 'invalid_request', error_description: 'Expected {"secret": "..."}' }, NO_STORE);
  const result = await exchangeApiKey(deps.db.orm.em.fork(), deps.tokens, secret);
  if (!result.ok) return sendJson(res, 401, { error: 'invalid_api_key', error_description: result.message, failed: result.failed }, NO_STORE);
  sendJson(res, 200, { access_token: result.issued.accessToken, token_type: 'Bearer', expires_in: result.issued.expiresIn }, NO_STORE);
}

export function apiKeyRoutes(deps: ApiKeyRouteDependencies): Route {
  return async (req, res, url) => {
    if (url.pathname !== API_KEY_EXCHANGE_PATH) return false;
    await exchange(deps, req, res);
    return true;
  };
}
