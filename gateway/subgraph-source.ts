import type { Agent } from 'node:http';
import { RemoteGraphQLDataSource, type GraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import nodeFetch, { type RequestInit } from 'node-fetch';
import { INTERNAL_HEADER } from '../lib/auth/internal.js';
import { apiError, loggedInternalError } from '../lib/errors.js';
import { logError, logWarning } from '../lib/http.js';
import type { InProcessSubgraph } from '../lib/in-process.js';
import type { GatewayContext } from './server.js';

export const DEFAULT_SUBGRAPH_TIMEOUT_MS = 30_000;

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type GatewayGraphQLResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

export interface SubgraphDataSourceOptions {
  name: string;
  url: string;
  internalSecret: string;
  agent: Agent;
  timeoutMs: number;
}

/** What a subgraph said about a token it refused, when it said it in the usual shape. */
function refusalMessage(body: unknown): string | undefined {
  const first = (body as { errors?: { message?: unknown; extensions?: { code?: unknown } }[] } | null)?.errors?.[0];
  return first?.extensions?.code === 'UNAUTHENTICATED' && typeof first.message === 'string' && first.message.length <= 200 ? first.message : undefined;
}

/**
 * A subgraph over HTTP: our own connection pool and a deadline on every request, the
 * caller's token and our credential and request id as the only headers, and failures that
 * tell the client nothing about the subgraph (the log keeps the detail, under the request id).
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly options: SubgraphDataSourceOptions;

  constructor(options: SubgraphDataSourceOptions) {
    // Apollo's default fetcher (make-fetch-happen) keeps idle sockets forever, longer than any server keeps them.
    const fetcher = ((url: string, init?: RequestInit) =>
      nodeFetch(url, { ...init, agent: options.agent, signal: AbortSignal.timeout(options.timeoutMs) })) as unknown as Fetcher;
    super({ url: options.url, fetcher });
    this.options = options;
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Headers are built from scratch: nothing a client sent reaches a subgraph but the token.
    if (!('requestId' in context)) return;
    if (context.token) request.http?.headers.set('authorization', `Bearer ${context.token}`);
    request.http?.headers.set(INTERNAL_HEADER, this.options.internalSecret);
    request.http?.headers.set('x-request-id', context.requestId);
  }

  override didEncounterError(error: Error, _fetchRequest: unknown, response?: FetcherResponse, context?: GatewayContext): void {
    const { name, url, timeoutMs } = this.options;
    const answer = (error as GraphQLError).extensions?.response as { status?: number; body?: unknown } | undefined;
    if (response?.status === 401) {
      const message = refusalMessage(answer?.body) ?? 'Invalid access token';
      // One error for the whole response, whichever fields and subgraphs were refused (see tokenRejectedBySubgraph).
      if (context) context.tokenRejected = message;
      logWarning(`subgraph ${name} refused the token: ${message}`);
      throw apiError('UNAUTHENTICATED', message);
    }
    if (error.name === 'AbortError') logError(`subgraph ${name} (${url}) did not answer within ${timeoutMs} ms`);
    else if (response) logError(`subgraph ${name} (${url}) answered HTTP ${response.status}`, answer?.body ?? error);
    else logError(`subgraph ${name} (${url}) could not be reached`, error);
    throw loggedInternalError();
  }
}

export interface InProcessDataSourceOptions {
  name: string;
  /** Named in logs only: where the subgraph also listens. */
  url: string;
  subgraph: InProcessSubgraph;
  internalSecret: string;
  timeoutMs: number;
}

/** One object per gateway request that only reads, for its subgraph calls to share (lib/in-process.ts readScope). */
const readScopes = new WeakMap<GatewayContext, object>();

function readScopeOf(options: GraphQLDataSourceProcessOptions<GatewayContext>, context: GatewayContext): object | undefined {
  // A mutation's later calls must see what it changed: only a query's calls share anything.
  if (!('incomingRequestContext' in options) || options.incomingRequestContext.operation?.operation !== 'query') return undefined;
  let scope = readScopes.get(context);
  if (!scope) {
    scope = {};
    readScopes.set(context, scope);
  }
  return scope;
}

/**
 * A subgraph in this process (all-in-one), called without HTTP: what SubgraphDataSource would
 * send as headers (the caller's token, our credential, the request id) and nothing else, the
 * same deadline, and its failures told to the client and the log as SubgraphDataSource tells
 * them. The subgraph builds its context exactly as for an HTTP request.
 */
export class InProcessDataSource implements GraphQLDataSource<GatewayContext> {
  constructor(private readonly options: InProcessDataSourceOptions) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const { name, url, subgraph, internalSecret, timeoutMs } = this.options;
    const { request } = options;
    const context = options.context as GatewayContext;
    if (!('requestId' in context)) throw new Error(`subgraph ${name} is called in process for incoming operations only`);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    let answer;
    try {
      answer = await Promise.race([
        subgraph.execute(
          { query: request.query, variables: request.variables, operationName: request.operationName },
          { authorization: context.token ? `Bearer ${context.token}` : undefined, internalCredential: internalSecret, requestId: context.requestId, readScope: readScopeOf(options, context) },
        ),
        deadline,
      ]);
    } catch (error) {
      logError(`subgraph ${name} (${url}) failed`, error);
      throw loggedInternalError();
    } finally {
      clearTimeout(timer);
    }
    if (answer === 'timeout') {
      logError(`subgraph ${name} (${url}) did not answer within ${timeoutMs} ms`);
      throw loggedInternalError();
    }
    if (answer.status === 401) {
      const message = refusalMessage(answer.body) ?? 'Invalid access token';
      context.tokenRejected = message;
      logWarning(`subgraph ${name} refused the token: ${message}`);
      throw apiError('UNAUTHENTICATED', message);
    }
    if (answer.status < 200 || answer.status >= 300) {
      logError(`subgraph ${name} (${url}) answered HTTP ${answer.status}`, answer.body);
      throw loggedInternalError();
    }
    return answer.body as GatewayGraphQLResponse;
  }
}

/**
 * A token a subgraph refused is refused for the whole request, as the gateway itself would
 * have refused it a moment later: HTTP 401 and one UNAUTHENTICATED error, not one per field.
 */
export const tokenRejectedBySubgraph: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ contextValue, response }) {
        if (!contextValue.tokenRejected || response.body.kind !== 'single') return;
        response.body.singleResult = { errors: [{ message: contextValue.tokenRejected, extensions: { code: 'UNAUTHENTICATED' } }] };
        response.http.status = 401;
        response.http.headers.set('www-authenticate', 'Bearer error="invalid_token"');
      },
    };
  },
};
