/**
 * Page sizes of every connection: the subgraphs serve pages of them (subgraphs/common/pagination.ts)
 * and the gateway prices operations with them (gateway/limits.ts), which may not import a subgraph.
 */

/** What a connection returns when the client names neither first nor last. */
export const DEFAULT_PAGE_SIZE = 20;
/** The largest first or last a connection accepts. */
export const MAX_PAGE_SIZE = 100;
