import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { INTERNAL_HEADER } from '../lib/auth/internal.js';
import { bearerToken, TokenVerifier, type Caller } from '../lib/auth/tokens.js';
import { close, handleGraphQL, listen, requestIdOf, safeHandler, sendJson, type Route } from '../lib/http.js';
import { formatError } from '../lib/errors.js';
import { identitiesProxy, isProxiedPath } from './proxy.js';

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
}

export interface GatewayContext {
  requestId: string;
  token: string | undefined;
  principal: Caller | null;
}

export const SUPERGRAPH_PATH = new URL('../schema/supergraph.graphql', import.meta.url);

export interface RunningGateway {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  // @apollo/gateway otherwise reports anonymous metrics to Apollo's cloud and probes cloud
  // metadata endpoints at start: an identity service sends nothing anywhere unless asked to.
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
  const supergraphSdl = options.supergraphSdl ?? (await readFile(SUPERGRAPH_PATH, 'utf8'));
  const verifier = new TokenVerifier({ issuer: options.issuer, audience: options.audience, jwksUrl: options.jwksUrl });
  const urls: Record<string, string> = options.subgraphs;

  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource<GatewayContext>({
        url: urls[name] ? `${urls[name]}/graphql` : url,
        willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>) {
          // Headers are built from scratch: nothing a client sent reaches a subgraph but the token.
          if (!('requestId' in context)) return;
          if (context.token) request.http?.headers.set('authorization', `Bearer ${context.token}`);
          request.http?.headers.set(INTERNAL_HEADER, options.internalSecret);
          request.http?.headers.set('x-request-id', context.requestId);
        },
      }),
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError,
    includeStacktraceInErrorResponses: false,
    // The schema is the public contract and the playground needs it, in production too.
    introspection: true,
    // The entry point owns SIGINT/SIGTERM; Apollo's own handlers would race its orderly stop.
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  const proxy = identitiesProxy(options.subgraphs.identities);

  const route: Route = async (req, res, url) => {
    if (url.pathname === '/graphql') {
      // One id from the edge through every subgraph's logs and audit events, echoed to the client.
      const requestId = requestIdOf(req);
      res.setHeader('x-request-id', requestId);
      await handleGraphQL(apollo, req, res, async () => {
        const token = bearerToken(req.headers.authorization);
        // Verified here so a bad token fails fast with 401; every subgraph verifies it again.
        const principal = token ? await verifier.verify(token) : null;
        return { requestId, token, principal };
      });
      return true;
    }
    if (isProxiedPath(url.pathname)) {
      proxy(req, res);
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

  const server = createServer(safeHandler(route));
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port, host);
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    async stop() {
      await close(server);
      await apollo.stop();
    },
  };
}
