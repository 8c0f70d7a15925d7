/** What harness.ts and stack-process.ts say to each other. */
import type { StackOptions } from '../../all-in-one/stack.js';

/** The line stack-process.ts prints once the stack is up, followed by StackProcessInfo as JSON. */
export const READY_MARKER = 'BENCH_STACK_READY ';

export interface StackProcessOptions {
  /** A server database's URL, or the embedded PGlite (in a temporary data directory as `npm start` uses, or in memory). */
  database: { kind: 'pglite'; inMemory?: boolean } | { kind: 'server'; url: string; poolMax?: number };
  bootstrap: { clientId: string; clientSecret: string };
  rateLimits?: StackOptions['rateLimits'];
  mail?: StackOptions['mail'];
  tokenTtlSeconds?: number;
}

export interface StackProcessInfo {
  pid: number;
  url: string;
  subgraphs: { organizations: string; identities: string; access: string };
  internalSecret: string;
  /** What the subgraphs connect to (the PGlite socket on the embedded database). */
  databaseUrl: string;
  bootstrap: { clientId: string; clientSecret: string; serviceAccountId: string; rootOrganizationId: string };
}
