/**
 * A subgraph's /graphql called in the same process (all-in-one): the request exactly as the
 * gateway sends it over HTTP (its headers, the internal credential among them, and its JSON
 * body), the answer exactly as the subgraph gives it. The subgraph runs the same context
 * (token verification, internal credential, caller's grants) and the same Apollo Server
 * pipeline; what is left out is the socket, the HTTP parser and the HTTP client between them.
 */
export interface LocalGraphQLRequest {
  headers: Record<string, string>;
  body: string;
}

export interface LocalGraphQLResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
}

export type LocalGraphQL = (request: LocalGraphQLRequest) => Promise<LocalGraphQLResponse>;
