/**
 * A subgraph called by a gateway in the same process (all-in-one), without HTTP: the gateway
 * hands over what it would have put in the request's headers (the caller's Authorization, its
 * internal credential, its request id) and the subgraph builds its context from them exactly
 * as from an HTTP request. Only code in the process can make such a call.
 */
import type { GraphQLFormattedError } from 'graphql';

export interface InProcessRequest {
  query?: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

export interface InProcessCall {
  /** The Authorization header the gateway would have sent. */
  authorization: string | undefined;
  /** The gateway's internal credential, checked as the header's would be. */
  internalCredential: string;
  requestId: string;
  /**
   * One object per gateway request whose operation only reads (a query), the same for each of
   * its subgraph calls: what the subgraphs may share while serving it (see subgraphs/common/server.ts).
   */
  readScope?: object;
}

export interface InProcessAnswer {
  /** The HTTP status the subgraph would have answered with. */
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: readonly GraphQLFormattedError[]; extensions?: Record<string, unknown> };
}

export interface InProcessSubgraph {
  execute(request: InProcessRequest, call: InProcessCall): Promise<InProcessAnswer>;
}
