import type { IncomingMessage } from 'node:http';
import { readFile } from 'node:fs/promises';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { API_KEY_HEADER, presentedApiKey } from '../lib/auth/api-keys.js';
import { bearerToken, TokenVerifier, type Caller } from '../lib/auth/tokens.js';
import { envInt } from '../lib/config.js';
import { close, createHttpServer, currentRequestIds, handleGraphQL, keepAliveAgent, listen, sendJson, type Route } from '../lib/http.js';
import { formatError } from '../lib/errors.js';
import { limitsFromEnv, operationLimits, type OperationLimits } from './limits.js';
import { productionSwitchesFromEnv, withoutSuggestions, type ProductionSwitches } from './production.js';
import { createApiKeyExchange } from './api-keys.js';
import { corsOriginsFromEnv, createCors, isCorsPath, PREFLIGHT_PROOF_HEADERS } from './cors.js';
import { createPlayground } from './playground/index.js';
import { createSignInPage } from './sign-in/index.js';
import { createInvitationPage } from './invitation-page/index.js';
import { identitiesProxy, isProxiedPath } from './proxy.js';
import { createRateLimits, rateLimitOptionsFromEnv, watchTokenResponse, type RateLimitOptions } from './rate-limit.js';
import type { InProcessSubgraph } from '../lib/in-process.js';
import { DEFAULT_SUBGRAPH_TIMEOUT_MS, InProcessDataSource, SubgraphDataSource, tokenRejectedBySubgraph } from './subgraph-source.js';

export interface GatewayOptions {
  port: number;
  host?: string;
  issuer: string;
  audience: string;
  /** Where to fetch verification keys (identities' JWKS, directly). */
  jwksUrl: string;
  internalSecret: string;
  subgraphs: { organizations: string; identities: string; access: string };
  /** Defaults to the committed schema/supergraph.graphql. */
  supergraphSdl?: string;
  /** How long one subgraph request may take before the gateway answers an error (SUBGRAPH_TIMEOUT_MS). */
  subgraphTimeoutMs?: number;
  /** Throttling; each setting not given here comes from the environment (REDIS_URL, RATE_LIMIT_*, TRUST_PROXY). */
  rateLimits?: Partial<RateLimitOptions>;
  /** Operation limits (MAX_QUERY_DEPTH, MAX_ALIASES, MAX_DIRECTIVES, MAX_TOKENS, MAX_FIELDS, MAX_QUERY_COST when not given). */
  limits?: Partial<OperationLimits>;
  /** Field suggestions and introspection (NODE_ENV, INTROSPECTION when not given). */
  production?: Partial<ProductionSwitches>;
  /** Browser origins allowed to call /graphql and /oauth/* (CORS_ORIGINS when not given; none by default). */
  corsOrigins?: string[];
  /**
   * Identities' token endpoint as a function, when it runs in this process (all-in-one): POST
   * /oauth/token is then answered without the HTTP hop to identities, throttled the same way.
   * Everything else under /oauth/ and /.well-known/ is still proxied.
   */
  tokenEndpoint?: (req: IncomingMessage, body?: Buffer) => Promise<{ status: number; body: unknown; headers: Record<string, string> }>;
  /**
   * Subgraphs running in this process (all-in-one), called without HTTP: the same request, the
   * same credential and token, the same deadline, none of the sockets, parsing and JSON in between.
   */
  inProcess?: Partial<Record<'organizations' | 'identities' | 'access', InProcessSubgraph>>;
}

export interface GatewayContext {
  requestId: string;
  token: string | undefined;
  principal: Caller | null;
  /** The client's address (TRUST_PROXY decides whether X-Forwarded-For counts): the throttling key without a token. */
  clientAddress: string;
  /** Set when a subgraph refused the token (it expired in flight, or its principal or API key is gone). */
  tokenRejected?: string;
  /** Set when the token was exchanged for an API key: the exchange's cache entry. */
  apiKeyCacheKey?: string;
}

export const SUPERGRAPH_PATH = new URL('../schema/supergraph.graphql', import.meta.url);

export interface RunningGateway {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Apollo Server refuses some persisted-query requests with an error that has no code, which
 * formatError would take for a fault of ours ("Internal server error", with HTTP 400): they are
 * the client's, and say so.
 */
const PERSISTED_QUERY_REFUSALS: Record<string, string> = {
  'provided sha does not match query': 'The persistedQuery sha256Hash does not match the query: it must be the SHA-256 of the query text, in hex',
  'Unsupported persisted query version': 'Unsupported persistedQuery version: only version 1 is supported',
};

function persistedQueryError(error: unknown): GraphQLFormattedError | undefined {
  const message = error instanceof GraphQLError && !error.originalError ? PERSISTED_QUERY_REFUSALS[error.message] : undefined;
  return message === undefined ? undefined : { message, extensions: { code: 'BAD_REQUEST' } };
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  // @apollo/gateway otherwise reports anonymous metrics to Apollo's cloud and probes cloud
  // metadata endpoints at start: an identity service sends nothing anywhere unless asked to.
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
  // Configuration first: a bad setting stops the start before anything is opened.
  const cors = createCors(options.corsOrigins ?? corsOriginsFromEnv());
  const limits = operationLimits<GatewayContext>({ ...limitsFromEnv(), ...options.limits });
  const production = { ...productionSwitchesFromEnv(), ...options.production };
  const supergraphSdl = options.supergraphSdl ?? (await readFile(SUPERGRAPH_PATH, 'utf8'));
  const verifier = new TokenVerifier({ issuer: options.issuer, audience: options.audience, jwksUrl: options.jwksUrl });
  const urls: Record<string, string> = options.subgraphs;

  // One pool for every subgraph, its idle sockets closed before the subgraphs' servers close theirs.
  const agent = keepAliveAgent();
  // Read here rather than by each entry point, so `npm start` and the gateway alone both honour it.
  const timeoutMs = options.subgraphTimeoutMs ?? envInt('SUBGRAPH_TIMEOUT_MS', DEFAULT_SUBGRAPH_TIMEOUT_MS);
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => {
      const target = urls[name] ? `${urls[name]}/graphql` : url!;
      const local = options.inProcess?.[name as keyof typeof options.inProcess];
      return local
        ? new InProcessDataSource({ name, url: target, subgraph: local, internalSecret: options.internalSecret, timeoutMs })
        : new SubgraphDataSource({ name, url: target, internalSecret: options.internalSecret, agent, timeoutMs });
    },
  });
  const rateLimits = await createRateLimits({ ...rateLimitOptionsFromEnv(), ...options.rateLimits });
  const apiKeys = createApiKeyExchange({ identitiesUrl: options.subgraphs.identities, internalSecret: options.internalSecret, verifier, rateLimits });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: (formatted, error) => {
      const shown = limits.formatError(formatted, error) ?? persistedQueryError(error) ?? formatError(formatted, error);
      return production.hideSuggestions ? withoutSuggestions(shown) : shown;
    },
    // The limits price each operation before throttling charges it: nothing is planned or
    // charged for an operation they refuse.
    plugins: [
      limits.plugin,
      tokenRejectedBySubgraph,
      apiKeys.plugin,
      rateLimits.plugin(limits.check),
      // Apollo's own landing page is Sandbox, loaded from Apollo's CDN: never served; the playground is ours.
      ApolloServerPluginLandingPageDisabled(),
    ],
    // graphql-js stops parsing past MAX_TOKENS: an oversized document is never built.
    parseOptions: limits.parseOptions,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: production.hideSuggestions,
    // The schema is the public contract (and the playground reads it): on unless INTROSPECTION=false.
    introspection: production.introspection,
    // A GET query or a non-JSON POST must carry a header only a preflighted request can; see gateway/cors.ts.
    // A script's `api-key` header proves the same (no browser sends it cross-site unpreflighted); CORS never allows it.
    csrfPrevention: { requestHeaders: [...PREFLIGHT_PROOF_HEADERS, API_KEY_HEADER] },
    // The entry point owns SIGINT/SIGTERM; Apollo's own handlers would race its orderly stop.
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  const proxy = identitiesProxy(options.subgraphs.identities);

  const playground = createPlayground();
  const signInPage = createSignInPage();
  const invitationPage = createInvitationPage();

  const route: Route = async (req, res, url) => {
    // Before any handler, so every answer on these paths (429s and errors included) carries the headers.
    if (isCorsPath(url.pathname) && cors.handle(req, res)) return true;
    // GraphiQL at /playground, and at /graphql for a browser opening it: before Apollo sees the request.
    if (await playground.handle(req, res, url)) return true;
    // What the welcome mail links to (unless SIGN_IN_URL names the application's own page).
    if (await signInPage.handle(req, res, url)) return true;
    // Where invitation mails link to by default (INVITATION_URL).
    if (await invitationPage.handle(req, res, url)) return true;
    if (url.pathname === '/graphql') {
      // One id of ours from the edge through every subgraph's logs and audit events (safeHandler
      // minted it and echoes it); a client's x-request-id is only logged beside it.
      const requestId = currentRequestIds()!.requestId;
      await handleGraphQL(apollo, req, res, url, async () => {
        const clientAddress = rateLimits.sourceAddress(req);
        // An API key becomes one of our access tokens here; the subgraphs only ever see the token.
        const apiKey = presentedApiKey(req.headers);
        if (apiKey) {
          const { token, principal, cacheKey } = await apiKeys.authenticate(req, apiKey);
          return { requestId, token, principal, clientAddress, apiKeyCacheKey: cacheKey };
        }
        const token = bearerToken(req.headers.authorization);
        // Verified here so a bad token fails fast with 401; every subgraph verifies it again.
        const principal = token ? await verifier.verify(token) : null;
        return { requestId, token, principal, clientAddress };
      });
      return true;
    }
    if (url.pathname === '/oauth/token' && req.method === 'POST') {
      const { tokenEndpoint } = options;
      await rateLimits.tokenRequest(
        req,
        res,
        tokenEndpoint
          ? async (body, settled) => {
              const answer = await tokenEndpoint(req, body);
              settled({ status: answer.status, error: (answer.body as { error?: unknown } | null)?.error });
              sendJson(res, answer.status, answer.body, answer.headers);
            }
          : (body, settled) => proxy(req, res, url, { body, onResponse: (proxyRes) => watchTokenResponse(proxyRes, settled) }),
      );
      return true;
    }
    if (isProxiedPath(url.pathname)) {
      proxy(req, res, url);
      return true;
    }
    if (url.pathname === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return true;
    }
    if (url.pathname === '/readyz') {
      const checks = await Promise.all(
        Object.entries(urls).map(async ([name, base]) => {
          const ok = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
          return [name, ok ? 'ok' : 'unavailable'] as const;
        }),
      );
      const ready = checks.every(([, status]) => status === 'ok');
      sendJson(res, ready ? 200 : 503, { status: ready ? 'ok' : 'unavailable', subgraphs: Object.fromEntries(checks) });
      return true;
    }
    return false;
  };

  const server = createHttpServer(route);
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port, host);
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    async stop() {
      await close(server);
      await apollo.stop();
      agent.destroy();
      proxy.close();
      await rateLimits.close();
    },
  };
}
