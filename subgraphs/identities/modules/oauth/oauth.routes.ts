import type { IncomingMessage, ServerResponse } from 'node:http';
import OAuth2Server, { Request as OAuthRequest, Response as OAuthResponse, OAuthError, type Client, type Token } from '@node-oauth/oauth2-server';
import type { Database } from '../../../common/db/orm.js';
import { HttpError, readBody, sendJson, type Route } from '../../../../lib/http.js';
import { MAX_CLIENT_ID_LENGTH, MalformedCredentials, parseBasicCredentials } from '../../../../lib/auth/basic.js';
import { ACCESS_TOKEN_ALGORITHMS } from '../../../../lib/auth/tokens.js';
import { refreshSession, type SessionOptions } from '../session/session.service.js';
import { authenticateClient, type AuthenticatedClient } from './client-credentials.js';
import type { CredentialCache } from './credential-cache.js';
import type { TokenIssuer } from './issuer.js';
import type { KeyStore } from './keys.js';

const FORM_LIMIT = 64 * 1024;
/** Grants this server offers; the library knows more (password, ...) that we never enable. */
const GRANT_TYPES = ['client_credentials', 'refresh_token'];
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };
const NO_SCOPES: string[] = [];

export interface OAuthDependencies {
  db: Database;
  keys: KeyStore;
  tokens: TokenIssuer;
  issuer: string;
  sessions: SessionOptions;
  credentials: CredentialCache;
}

/** What the token endpoint answers: an RFC 6749 §5.1 token or §5.2 error, as JSON. */
export interface TokenAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** The parts of a token request the endpoint reads; the body is the raw form. */
export interface TokenRequest {
  method: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

const answer = (status: number, body: unknown, headers: Record<string, string> = {}): TokenAnswer => ({ status, body, headers: { ...NO_STORE, ...headers } });
const oauthError = (status: number, error: string, description: string): TokenAnswer => answer(status, { error, error_description: description });

function sendTokenAnswer(res: ServerResponse, outcome: TokenAnswer): void {
  sendJson(res, outcome.status, outcome.body, outcome.headers);
}

/** The body of a token request, or the answer to a body that cannot be read (still an OAuth client's error, with an RFC 6749 §5.2 body). */
async function readTokenRequestBody(req: IncomingMessage): Promise<Buffer | TokenAnswer> {
  try {
    return await readBody(req, FORM_LIMIT);
  } catch (error) {
    if (error instanceof HttpError) return oauthError(error.status, 'invalid_request', error.message);
    throw error;
  }
}

/**
 * Form parameters, refusing repeated ones; one sent without a value counts as omitted
 * (both RFC 6749 §3.2), so `scope=` asks for no scope and an empty client_secret is no credential.
 */
function parseForm(raw: Buffer): Record<string, string> | string {
  const params = new URLSearchParams(raw.toString('utf8'));
  const form: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [key, value] of params) {
    if (seen.has(key)) return key;
    seen.add(key);
    if (value !== '') form[key] = value;
  }
  return form;
}

/** The library's basic-auth parser does not form-decode, so the header is handed over decoded. */
function formDecodedBasic(header: string | undefined): string | undefined {
  const basic = parseBasicCredentials(header);
  if (!basic || basic instanceof MalformedCredentials) return header;
  return `Basic ${Buffer.from(`${basic.id}:${basic.secret}`).toString('base64')}`;
}

/**
 * RFC 6749 §2.3: a client MUST NOT use more than one authentication method per request. The
 * library would take the header and ignore the body, so a request naming two clients, or
 * carrying a secret twice, would be answered for whichever it happened to read. A body
 * client_id equal to the header's is no second method (some clients always send it).
 */
function mixesAuthenticationMethods(header: string | undefined, form: Record<string, string>): boolean {
  const basic = parseBasicCredentials(header);
  if (!basic) return false;
  if (form.client_secret !== undefined) return true;
  return form.client_id !== undefined && (basic instanceof MalformedCredentials || form.client_id !== basic.id);
}

/** The library's server and our model, made once per endpoint (a request's state travels on its client). */
const servers = new WeakMap<OAuthDependencies, OAuth2Server>();

function oauthServerOf(deps: OAuthDependencies): OAuth2Server {
  let server = servers.get(deps);
  if (server) return server;
  // One read of raw SQL outside any transaction: no identity map or unit of work to fork for it.
  const em = deps.db.orm.em;
  /** Each token's own expiry, by the request's authenticated client (a new object per request). */
  const expiries = new WeakMap<AuthenticatedClient, Date>();
  const model = {
    async getClient(clientId: string, clientSecret: string): Promise<Client | null> {
      const client = await authenticateClient(em, deps.credentials, clientId, clientSecret ?? '');
      return client ? { id: client.clientId, grants: ['client_credentials'], authenticated: client } : null;
    },
    async getUserFromClient(client: Client) {
      return (client.authenticated as AuthenticatedClient) ?? false;
    },
    async generateAccessToken(client: Client, user: AuthenticatedClient): Promise<string> {
      const issued = await deps.tokens.issue({ subject: user.serviceAccountId, principalType: 'service_account', clientId: client.id });
      expiries.set(user, issued.expiresAt);
      return issued.accessToken;
    },
    /**
     * This server defines no scopes: authorization reads role assignments, never the token.
     * Ignoring a requested scope would oblige the response to state the (empty) granted scope
     * (RFC 6749 §3.3, §5.1), which clients read as a grant of nothing; refusing it with
     * invalid_scope (§5.2, "unknown") tells the client plainly that it asked for something
     * that does not exist.
     */
    async validateScope(_user: AuthenticatedClient, _client: Client, scope?: string[]): Promise<string[] | false> {
      return scope === undefined ? NO_SCOPES : false;
    },
    async saveToken(tokenData: Token, client: Client, user: AuthenticatedClient): Promise<Token> {
      // Access tokens are self-contained JWTs: nothing to store; the expiry is the JWT's own.
      // No scope was granted, so the response names none.
      const { scope: _none, ...granted } = tokenData;
      return { ...granted, accessTokenExpiresAt: expiries.get(user) ?? tokenData.accessTokenExpiresAt, client, user };
    },
    async getAccessToken() {
      // Never called: resource requests are verified with jose in every subgraph, not here.
      return false as const;
    },
  };
  server = new OAuth2Server({ model, accessTokenLifetime: deps.tokens.ttlSeconds, requireClientAuthentication: { client_credentials: true } });
  servers.set(deps, server);
  return server;
}

/**
 * POST /oauth/token. @node-oauth/oauth2-server parses the request, authenticates the client
 * (HTTP Basic or body) and shapes RFC 6749 responses and errors; we supply the model:
 * credentials from the identities schema and JWTs from the TokenIssuer.
 */
async function token(deps: OAuthDependencies, req: TokenRequest): Promise<TokenAnswer> {
  if (req.method !== 'POST') return { ...oauthError(405, 'invalid_request', 'The token endpoint accepts POST only'), headers: { ...NO_STORE, allow: 'POST' } };
  const form = parseForm(req.body);
  if (typeof form === 'string') return oauthError(400, 'invalid_request', `Parameter ${form} is repeated`);
  if (form.grant_type && !GRANT_TYPES.includes(form.grant_type)) {
    return oauthError(400, 'unsupported_grant_type', `Supported grant types: ${GRANT_TYPES.join(', ')}`);
  }

  if (form.grant_type === 'refresh_token') return refreshTokenGrant(deps, req, form);

  if (mixesAuthenticationMethods(req.headers.authorization, form)) {
    return oauthError(400, 'invalid_request', 'Authenticate the client one way: HTTP Basic or client_id and client_secret in the body, not both');
  }
  // Refused here rather than handed to the library, whose parser reads headers ours does not
  // (and the gateway's throttle, which reads them as we do, would not have counted).
  const basic = parseBasicCredentials(req.headers.authorization);
  if (basic instanceof MalformedCredentials) return oauthError(400, 'invalid_request', basic.description);
  if (form.client_id !== undefined && form.client_id.length > MAX_CLIENT_ID_LENGTH) {
    return oauthError(400, 'invalid_request', `client_id is longer than ${MAX_CLIENT_ID_LENGTH} characters`);
  }

  const server = oauthServerOf(deps);
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
    return answer(error.code, { error: error.name, error_description: error.message }, challenge ? { 'www-authenticate': challenge } : {});
  }
  return answer(200, response.body);
}

const REFRESH_REFUSED = 'The refresh token is invalid, expired or already used, or its sign-in has ended: sign in again';

/**
 * grant_type=refresh_token (RFC 6749 §6) for users' sign-ins, beside the library: its grant
 * wants a client for every refresh token, and a sign-in (a code, an invitation) has none; and
 * rotation with reuse detection must read, use and replace the token under one lock
 * (session.service.ts refreshSession), where the library splits it into separate model calls.
 * Answers keep to §5.1 and §5.2 like the library's.
 */
async function refreshTokenGrant(deps: OAuthDependencies, req: TokenRequest, form: Record<string, string>): Promise<TokenAnswer> {
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
    return oauthError(400, 'invalid_request', 'Invalid request: content must be application/x-www-form-urlencoded');
  }
  // A public client may name itself with client_id (§2.3, §3.2.1); a secret authenticates nobody here.
  if (parseBasicCredentials(req.headers.authorization) || form.client_secret !== undefined) {
    return oauthError(400, 'invalid_request', 'A sign-in belongs to no client: refresh its token without client authentication');
  }
  if (form.scope !== undefined) return oauthError(400, 'invalid_scope', 'This server grants no scopes: authorization reads role assignments');
  const presented = form.refresh_token;
  if (presented === undefined) return oauthError(400, 'invalid_request', 'Missing parameter: refresh_token');
  const outcome = await refreshSession(deps.db.orm.em.fork(), deps.tokens, deps.sessions, presented);
  if (outcome.kind === 'refused') return oauthError(400, 'invalid_grant', REFRESH_REFUSED);
  const { accessToken, refreshToken, expiresIn } = outcome.signIn;
  return answer(200, { access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn, refresh_token: refreshToken });
}

export function metadata(issuer: string) {
  return {
    issuer,
    token_endpoint: `${issuer}/oauth/token`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    grant_types_supported: GRANT_TYPES,
    // none: a sign-in's refresh token is presented without client authentication.
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    response_types_supported: [],
    token_endpoint_auth_signing_alg_values_supported: ACCESS_TOKEN_ALGORITHMS,
  };
}

/**
 * The token endpoint's answer to an HTTP request: over identities' own route, or called by a
 * gateway in the same process (all-in-one). `body` is the form when the caller has read it
 * already; a request that is not a POST is answered without reading one.
 */
export async function answerTokenRequest(deps: OAuthDependencies, req: IncomingMessage, body?: Buffer): Promise<TokenAnswer> {
  const form = body ?? (req.method === 'POST' ? await readTokenRequestBody(req) : Buffer.alloc(0));
  return Buffer.isBuffer(form) ? token(deps, { method: req.method ?? '', headers: req.headers, body: form }) : form;
}

export function oauthRoutes(deps: OAuthDependencies): Route {
  return async (req, res, url) => {
    switch (url.pathname) {
      case '/oauth/token':
        sendTokenAnswer(res, await answerTokenRequest(deps, req));
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
