import type { EntityManager } from '@mikro-orm/postgresql';
import type { Caller } from '../../lib/auth/tokens.js';
import type { DecisionPoint } from './authz/decision.js';

/** What every resolver of every subgraph receives, fresh for each request. */
export interface SubgraphContext {
  requestId: string;
  principal: Caller | null;
  /** The caller's bearer token, for the rare call this subgraph makes to another on the caller's behalf. */
  token: string | undefined;
  /** True only when the request carries the gateway's internal credential. */
  internal: boolean;
  em: EntityManager;
  authz: DecisionPoint;
  /** Per-request memo for DataLoaders: `loader(ctx, key, create)`. */
  loaders: Map<string, unknown>;
  /** What a subgraph adds for its own resolvers (clients of other subgraphs, for instance). */
  services: Record<string, unknown>;
}

/** A per-request loader, created on first use and shared by every resolver of the request. */
export function loader<T>(ctx: SubgraphContext, key: string, create: () => T): T {
  let existing = ctx.loaders.get(key) as T | undefined;
  if (existing === undefined) {
    existing = create();
    ctx.loaders.set(key, existing);
  }
  return existing;
}
