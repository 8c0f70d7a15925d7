import type { Agent } from 'node:http';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import nodeFetch, { type RequestInit } from 'node-fetch';
import { INTERNAL_HEADER } from '../lib/auth/internal.js';
import type { LocalGraphQL, LocalGraphQLResponse } from '../lib/local-graphql.js';
import { apiError, loggedInternalError } from '../lib/errors.js';
import { logError, logWarning } from '../lib/http.js';
import type { GatewayContext } from './server.js';

export const DEFAULT_SUBGRAPH_TIMEOUT_MS = 30_000;

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

export interface SubgraphDataSourceOptions {
  name: string;
  url: string;
  internalSecret: string;
  agent: Agent;
  timeoutMs: number;
  /** The subgraph in this process: called directly instead of over HTTP (see lib/local-graphql.ts). */
  local?: LocalGraphQL;
}

/** What RemoteGraphQLDataSource reads of a fetch response, for an answer that never crossed a socket. */
class LocalResponse {
  readonly statusText = '';
  readonly headers: { get(name: string): string | null };

  constructor(
    readonly url: string,
    private readonly answer: LocalGraphQLResponse,
  ) {
    this.headers = { get: (name) => answer.headers.get(name.toLowerCase()) ?? null };
  }

  get status(): number {
    return this.answer.status;
  }

  get ok(): boolean {
    return this.answer.status >= 200 && this.answer.status < 300;
  }

  async text(): Promise<string> {
    return this.answer.body;
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.answer.body);
  }
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
    const { local } = options;
    const fetcher = (
      local
        ? async (url: string, init?: RequestInit) => new LocalResponse(url, await local({ headers: init?.headers as Record<string, string>, body: init?.body as string }))
        : (url: string, init?: RequestInit) => nodeFetch(url, { ...init, agent: options.agent, signal: AbortSignal.timeout(options.timeoutMs) })
    ) as unknown as Fetcher;
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
