import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { isInternalCredential, INTERNAL_HEADER } from '../../lib/auth/internal.js';
import { bearerToken, TokenVerifier } from '../../lib/auth/tokens.js';
import { DecisionPoint } from './authz/decision.js';
import type { CommonConfig } from '../../lib/config.js';
import { formatError } from '../../lib/errors.js';
import type { InProcessAnswer, InProcessSubgraph } from '../../lib/in-process.js';
import type { SubgraphContext } from './context.js';
import type { Database } from './db/orm.js';
import type { SubgraphSchema } from './federation.js';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { close, createHttpServer, currentRequestIds, forwardedRequestIds, handleGraphQL, listen, mintRequestIds, sendJson, withRequestIds, type Route } from '../../lib/http.js';

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

export interface RunningSubgraph extends InProcessSubgraph {
  name: string;
  url: string;
  port: number;
  database: Database;
  stop(): Promise<void>;
}

/**
 * The decision points of one gateway request that only reads, shared by the subgraphs of
 * this process that serve it: the caller's record and grants are read once for the request
 * instead of once per subgraph, and the ancestry one subgraph has read (organizations, for
 * the organizations it answers) decides in the others without being read again. Keyed by the
 * gateway's read scope (see lib/in-process.ts), which only a gateway in this process can hand
 * over, and by token; a mutation's calls get none, so what it changes is read afresh by the
 * subgraph calls that follow it.
 */
const sharedDecisions = new WeakMap<object, Map<string, DecisionPoint>>();

function sharedDecisionPoint(readScope: object, token: string | undefined, create: () => DecisionPoint): DecisionPoint {
  let byToken = sharedDecisions.get(readScope);
  if (!byToken) {
    byToken = new Map();
    sharedDecisions.set(readScope, byToken);
  }
  const key = token ?? '';
  let decisions = byToken.get(key);
  if (!decisions) {
    decisions = create();
    byToken.set(key, decisions);
  }
  return decisions;
}

/** What Apollo Server answers when building a request's context fails: the error's HTTP status (401 for a refused token), else 500. */
function contextFailure(error: unknown): InProcessAnswer {
  const graphQLError = error instanceof GraphQLError ? error : new GraphQLError(`Context creation failed: ${(error as Error)?.message ?? String(error)}`, { originalError: error as Error });
  const http = graphQLError.extensions.http as { status?: number } | undefined;
  const formatted: GraphQLFormattedError = formatError(graphQLError.toJSON(), graphQLError);
  return { status: http?.status ?? 500, body: { errors: [formatted] } };
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

  /** A request's context, from its Authorization and internal credential (headers over HTTP, arguments in process). */
  const contextFor = async (authorization: string | undefined, credential: string | undefined, requestId: string, readScope?: object): Promise<SubgraphContext> => {
    const token = bearerToken(authorization);
    const principal = token ? await verifier.verify(token) : null;
    const em = database.orm.em.fork();
    const internal = isInternalCredential(credential, config.internalSecret);
    const authz = internal && readScope ? sharedDecisionPoint(readScope, token, () => new DecisionPoint(em, principal)) : new DecisionPoint(em, principal);
    // The principal's existence comes with its grants, read here once for the request.
    await authz.authenticate();
    return { requestId, principal, token, internal, em, authz, loaders: new Map(), services: options.services ?? {} };
  };

  const route: Route = async (req, res, url) => {
    if (url.pathname === '/graphql') {
      const { requestId } = currentRequestIds()!;
      const credential = req.headers[INTERNAL_HEADER];
      await handleGraphQL(apollo, req, res, url, () => contextFor(req.headers.authorization, typeof credential === 'string' ? credential : undefined, requestId));
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
    // The gateway of this process, without HTTP: the same context, the same pipeline, the status HTTP would have carried.
    execute: (request, call) =>
      withRequestIds({ requestId: call.requestId }, async (): Promise<InProcessAnswer> => {
        let contextValue: SubgraphContext;
        try {
          contextValue = await contextFor(call.authorization, call.internalCredential, call.requestId, call.readScope);
        } catch (error) {
          return contextFailure(error);
        }
        const response = await apollo.executeOperation(request, { contextValue });
        if (response.body.kind !== 'single') return { status: 500, body: { errors: [{ message: 'Incremental delivery is not supported here' }] } };
        return { status: response.http.status ?? 200, body: response.body.singleResult };
      }),
    async stop() {
      await close(server);
      await apollo.stop();
    },
  };
}
