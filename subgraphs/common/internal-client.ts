import nodeFetch from 'node-fetch';
import { INTERNAL_HEADER } from '../../lib/auth/internal.js';
import { loggedInternalError } from '../../lib/errors.js';
import { keepAliveAgent, logError } from '../../lib/http.js';
import type { SubgraphContext } from './context.js';

export interface SubgraphError {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

/**
 * Pooled like the gateway's: idle sockets are dropped before the other subgraph's server
 * drops them (see CLIENT_IDLE_SOCKET_TIMEOUT_MS), which the global fetch does not promise.
 */
const agent = keepAliveAgent();

/**
 * A GraphQL call to another subgraph on the caller's behalf: same token (so the same
 * permissions apply there), same request id, the internal credential. Never call it inside
 * a database transaction: the other subgraph may need the connection this one holds.
 */
export async function callSubgraph<T>(
  url: string,
  internalSecret: string,
  ctx: SubgraphContext,
  query: string,
  variables: Record<string, unknown>,
): Promise<{ data?: T; errors?: SubgraphError[] }> {
  let response;
  try {
    response = await nodeFetch(`${url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [INTERNAL_HEADER]: internalSecret,
        'x-request-id': ctx.requestId,
        ...(ctx.token ? { authorization: `Bearer ${ctx.token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
      agent,
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    logError(`subgraph at ${url} could not be reached`, error);
    throw loggedInternalError();
  }
  const body = (await response.json().catch(() => null)) as { data?: T; errors?: SubgraphError[] } | null;
  if (!body) {
    logError(`subgraph at ${url} answered HTTP ${response.status} without a GraphQL body`);
    throw loggedInternalError();
  }
  return body;
}

/** Another subgraph, called on the caller's behalf (its token, so its permissions apply there too). */
export class SubgraphClient {
  constructor(
    readonly url: string,
    protected readonly internalSecret: string,
  ) {}

  call<T>(ctx: SubgraphContext, query: string, variables: Record<string, unknown>): Promise<{ data?: T; errors?: SubgraphError[] }> {
    return callSubgraph<T>(this.url, this.internalSecret, ctx, query, variables);
  }
}
