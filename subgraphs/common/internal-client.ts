import { GraphQLError } from 'graphql';
import { INTERNAL_HEADER } from '../../lib/auth/internal.js';
import type { SubgraphContext } from './context.js';

export interface SubgraphError {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

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
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [INTERNAL_HEADER]: internalSecret,
      'x-request-id': ctx.requestId,
      ...(ctx.token ? { authorization: `Bearer ${ctx.token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json().catch(() => null)) as { data?: T; errors?: SubgraphError[] } | null;
  if (!body) throw new GraphQLError(`Subgraph at ${url} answered ${response.status}`);
  return body;
}
