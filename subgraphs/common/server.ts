import type { IncomingMessage } from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import type { LocalGraphQL } from '../../lib/local-graphql.js';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { isInternalCredential, INTERNAL_HEADER } from '../../lib/auth/internal.js';
import { bearerToken, TokenVerifier } from '../../lib/auth/tokens.js';
import { DecisionPoint } from './authz/decision.js';
import type { CommonConfig } from '../../lib/config.js';
import { formatError } from '../../lib/errors.js';
import type { SubgraphContext } from './context.js';
import type { Database } from './db/orm.js';
import type { SubgraphSchema } from './federation.js';
import { close, createHttpServer, currentRequestIds, forwardedRequestIds, handleGraphQL, listen, mintRequestIds, sendJson, type Route } from '../../lib/http.js';

const single = (value: string | string[] | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

export interface SubgraphServerOptions {
  name: string;
  schema: SubgraphSchema;
  database: Database;
  config: CommonConfig;
  port: number;
  host?: string;
  /** Routes besides /graphql (the OAuth endpoints of identities, for example). */
  routes?: Route;
  verifier?: TokenVerifier;
  /** Added to every request's context as `services`. */
  services?: Record<string, unknown>;
}

export interface RunningSubgraph {
  name: string;
  url: string;
  port: number;
  database: Database;
  /** Its /graphql for a gateway in the same process. */
  local: LocalGraphQL;
  stop(): Promise<void>;
}

export async function startSubgraphServer(options: SubgraphServerOptions): Promise<RunningSubgraph> {
  const { config, database } = options;
  const verifier =
    options.verifier ?? new TokenVerifier({ issuer: config.issuer, audience: config.audience, jwksUrl: config.jwksUrl });
  const apollo = new ApolloServer<SubgraphContext>({
    schema: options.schema.schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    // Our entry points own SIGINT/SIGTERM and stop servers in order; Apollo's own handlers race them.
    stopOnTerminationSignals: false,
    // Cache control would wrap every field resolver to collect hints nobody reads (no response
    // here is cacheable): disabled, as are inline traces and the landing page.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled()],
  });
  await apollo.start();

  /** A request's context, from its headers (`header` takes a lower-case name). */
  const contextOf = (header: (name: string) => string | undefined) => async (): Promise<SubgraphContext> => {
    const { requestId } = currentRequestIds()!;
    const token = bearerToken(header('authorization'));
    const principal = token ? await verifier.verify(token) : null;
    const em = database.orm.em.fork();
    const authz = new DecisionPoint(em, principal);
    // The principal's existence comes with its grants, read here once for the request.
    await authz.authenticate();
    return {
      requestId,
      principal,
      token,
      internal: isInternalCredential(header(INTERNAL_HEADER), config.internalSecret),
      em,
      authz,
      loaders: new Map(),
      services: options.services ?? {},
    };
  };

  const local: LocalGraphQL = async ({ headers, body }) => {
    const headerMap = new HeaderMap();
    for (const [name, value] of Object.entries(headers)) headerMap.set(name.toLowerCase(), value);
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers: headerMap, search: '', body: JSON.parse(body) as unknown },
      context: contextOf((name) => headerMap.get(name)),
    });
    let text: string;
    if (response.body.kind === 'complete') text = response.body.string;
    else {
      text = '';
      for await (const chunk of response.body.asyncIterator) text += chunk;
    }
    return { status: response.status ?? 200, headers: new Map(response.headers), body: text };
  };

  const route: Route = async (req, res, url) => {
    if (url.pathname === '/graphql') {
      await handleGraphQL(apollo, req, res, url, contextOf((name) => single(req.headers[name])));
      return true;
    }
    if (url.pathname === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return true;
    }
    if (url.pathname === '/readyz') {
      const ok = await database.orm.isConnected();
      sendJson(res, ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable' });
      return true;
    }
    return options.routes ? options.routes(req, res, url) : false;
  };

  // The request id is the gateway's only on a request that proves it comes from the gateway.
  const internalRequest = (req: IncomingMessage) => {
    const credential = req.headers[INTERNAL_HEADER];
    return isInternalCredential(typeof credential === 'string' ? credential : undefined, config.internalSecret);
  };
  const server = createHttpServer(route, { requestIds: (req) => (internalRequest(req) ? forwardedRequestIds(req) : mintRequestIds(req)) });
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port, host);
  return {
    name: options.name,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    database,
    local,
    async stop() {
      await close(server);
      await apollo.stop();
    },
  };
}
