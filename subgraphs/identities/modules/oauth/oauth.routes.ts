import type { IncomingMessage, ServerResponse } from 'node:http';
import OAuth2Server, { Request as OAuthRequest, Response as OAuthResponse, OAuthError, type Client, type Token } from '@node-oauth/oauth2-server';
import type { Database } from '../../../common/db/orm.js';
import { readBody, sendJson, type Route } from '../../../../lib/http.js';
import { ACCESS_TOKEN_ALGORITHMS } from '../../../../lib/auth/tokens.js';
import { authenticateClient, type AuthenticatedClient } from './client-credentials.js';
import type { TokenIssuer } from './issuer.js';
import type { KeyStore } from './keys.js';

const FORM_LIMIT = 64 * 1024;
/** Grants this server offers; the library knows more (password, ...) that we never enable. */
const GRANT_TYPES = ['client_credentials'];
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

export interface OAuthDependencies {
  db: Database;
  keys: KeyStore;
  tokens: TokenIssuer;
  issuer: string;
}

function oauthError(res: ServerResponse, status: number, error: string, description: string): void {
  sendJson(res, status, { error, error_description: description }, NO_STORE);
}

/** Form parameters, refusing repeated ones (RFC 6749 §3.2). */
function parseForm(raw: Buffer): Record<string, string> | string {
  const params = new URLSearchParams(raw.toString('utf8'));
  const form: Record<string, string> = {};
  for (const [key, value] of params) {
    if (Object.prototype.hasOwnProperty.call(form, key)) return key;
    form[key] = value;
  }
  return form;
}

/**
 * RFC 6749 §2.3.1: client_secret_basic credentials are form-urlencoded before base64
 * (strict clients such as oauth4webapi encode even '-' and '_'); the library's basic-auth
 * parser does not decode them, so the header is handed over decoded.
 */
function formDecodedBasic(header: string | undefined): string | undefined {
  const match = header && /^Basic +([A-Za-z0-9+/]+=*)$/i.exec(header.trim());
  if (!match) return header;
  const raw = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = raw.indexOf(':');
  if (colon < 0) return header;
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      return part;
    }
  };
  return `Basic ${Buffer.from(`${decode(raw.slice(0, colon))}:${decode(raw.slice(colon + 1))}`).toString('base64')}`;
}

/**
 * POST /oauth/token. @node-oauth/oauth2-server parses the request, authenticates the client
 * (HTTP Basic or body) and shapes RFC 6749 responses and errors; we supply the model:
 * credentials from the identities schema and JWTs from the TokenIssuer.
 */
async function token(deps: OAuthDependencies, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    return oauthError(res, 405, 'invalid_request', 'The token endpoint accepts POST only');
  }
  const form = parseForm(await readBody(req, FORM_LIMIT));
  if (typeof form === 'string') return oauthError(res, 400, 'invalid_request', `Parameter ${form} is repeated`);
  if (form.grant_type && !GRANT_TYPES.includes(form.grant_type)) {
    return oauthError(res, 400, 'unsupported_grant_type', `Supported grant types: ${GRANT_TYPES.join(', ')}`);
  }

  const em = deps.db.orm.em.fork();
  const expiries = new Map<string, Date>();
  const model = {
    async getClient(clientId: string, clientSecret: string): Promise<Client | null> {
      const client = await authenticateClient(em, clientId, clientSecret ?? '');
      return client ? { id: client.clientId, grants: ['client_credentials'], authenticated: client } : null;
    },
    async getUserFromClient(client: Client) {
      return (client.authenticated as AuthenticatedClient) ?? false;
    },
    async generateAccessToken(client: Client, user: AuthenticatedClient): Promise<string> {
      const issued = await deps.tokens.issue({ subject: user.serviceAccountId, principalType: 'service_account', clientId: client.id });
      expiries.set(issued.accessToken, issued.expiresAt);
      return issued.accessToken;
    },
    async saveToken(tokenData: Token, client: Client, user: AuthenticatedClient): Promise<Token> {
      // Access tokens are self-contained JWTs: nothing to store; the expiry is the JWT's own.
      return { ...tokenData, accessTokenExpiresAt: expiries.get(tokenData.accessToken) ?? tokenData.accessTokenExpiresAt, client, user };
    },
    async getAccessToken() {
      // Never called: resource requests are verified with jose in every subgraph, not here.
      return false as const;
    },
  };
  const server = new OAuth2Server({ model, accessTokenLifetime: deps.tokens.ttlSeconds, requireClientAuthentication: { client_credentials: true } });
  const headers = { ...req.headers, authorization: formDecodedBasic(req.headers.authorization) } as unknown as Record<string, string>;
  if (!headers.authorization) delete headers.authorization;
  const request = new OAuthRequest({ method: 'POST', headers, query: {}, body: form });
  const response = new OAuthResponse({ headers: {} });
  try {
    await server.token(request, response);
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    if (error.name === 'server_error') console.error('token endpoint failed', error);
    // Some refusals (content type, method) are thrown before the library fills the response.
    const challenge = response.get('WWW-Authenticate') as string | undefined;
    return sendJson(res, error.code, { error: error.name, error_description: error.message }, {
      ...NO_STORE,
      ...(challenge ? { 'www-authenticate': challenge } : {}),
    });
  }
  sendJson(res, 200, response.body, NO_STORE);
}

export function metadata(issuer: string) {
  return {
    issuer,
    token_endpoint: `${issuer}/oauth/token`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    grant_types_supported: GRANT_TYPES,
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    response_types_supported: [],
    token_endpoint_auth_signing_alg_values_supported: ACCESS_TOKEN_ALGORITHMS,
  };
}

export function oauthRoutes(deps: OAuthDependencies): Route {
  return async (req, res, url) => {
    switch (url.pathname) {
      case '/oauth/token':
        await token(deps, req, res);
        return true;
      case '/.well-known/jwks.json':
        sendJson(res, 200, await deps.keys.jwks(), { 'cache-control': 'public, max-age=60' });
        return true;
      case '/.well-known/oauth-authorization-server':
      case '/.well-known/openid-configuration':
        sendJson(res, 200, metadata(deps.issuer), { 'cache-control': 'public, max-age=300' });
        return true;
      default:
        return false;
    }
  };
}
