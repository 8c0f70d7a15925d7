import DataLoader from 'dataloader';
import { connectionLoader } from '../../../common/batching.js';
import { readByIdLoader } from '../../../common/loaders.js';
import { loader, type SubgraphContext } from '../../../common/context.js';
import { sql } from '../../../common/db/orm.js';
import { badInput } from '../../../../lib/errors.js';
import type { ConnectionArgs, SortOrder } from '../../../common/pagination.js';
import { Organization } from './organization.entity.js';

export const ORGANIZATION_ORDER: SortOrder = [{ sql: 'label collate "C"', type: 'text' }, { sql: 'id', type: 'uuid' }];
export const DESCENDANT_ORDER: SortOrder = [{ sql: 'depth', type: 'int' }, ...ORGANIZATION_ORDER];
export const organizationKey = (o: Organization) => [o.label, o.id];
export const descendantKey = (o: Organization) => [o.depth, o.label, o.id];

type Row = Record<string, unknown>;

/**
 * Whatever loaded organization rows primes the by-id loader (a `parent` already read costs
 * nothing) and the decision point (rows carry their ancestry, so checks on them cost no query).
 */
export function primeDecisions(ctx: SubgraphContext, organizations: Organization[]): Organization[] {
  const byId = organizationById(ctx);
  for (const organization of organizations) {
    ctx.authz.primeOrganization(organization.id, organization.path);
    byId.prime(organization.id, organization);
  }
  return organizations;
}

export function organizationById(ctx: SubgraphContext): DataLoader<string, Organization | null> {
  // Requests only read organizations through it; mutations read theirs in their transactions.
  return readByIdLoader(ctx, Organization, 'organizations.organization', (found) => {
    for (const organization of found) ctx.authz.primeOrganization(organization.id, organization.path);
  });
}

/** Ancestors of many organizations, root first, in one statement per batch. */
export function ancestorsOf(ctx: SubgraphContext): DataLoader<string, Organization[]> {
  return loader(ctx, 'organization.ancestors', () =>
    new DataLoader<string, Organization[]>(async (ids) => {
      const rows = await sql<Row & { partition_key: string }>(
        ctx.em,
        `select o.id as partition_key, a.*
           from organizations.organization o
           join organizations.organization a on a.id = any(o.path)
          where o.id = any(?::uuid[])
          order by a.depth`,
        [ids],
      );
      const byId = new Map<string, Organization[]>(ids.map((id) => [id, []]));
      for (const { partition_key, ...row } of rows) byId.get(partition_key)!.push(ctx.em.map(Organization, row));
      for (const ancestors of byId.values()) primeDecisions(ctx, ancestors);
      return ids.map((id) => byId.get(id)!);
    }),
  );
}

export function childrenOf(ctx: SubgraphContext, args: ConnectionArgs) {
  return connectionLoader(ctx, Organization, 'organization.children', args, ORGANIZATION_ORDER, organizationKey, (keys) => ({
    sql: `select o.*, o.parent_id as partition_key from organizations.organization o where o.parent_id = any(?::uuid[])`,
    params: [keys],
  }), (nodes) => primeDecisions(ctx, nodes));
}

export function descendantsOf(ctx: SubgraphContext, args: ConnectionArgs & { maxDepth?: number | null }) {
  const maxDepth = args.maxDepth ?? null;
  if (maxDepth !== null && (!Number.isInteger(maxDepth) || maxDepth < 1)) throw badInput('maxDepth', 'maxDepth must be at least 1');
  return connectionLoader(ctx, Organization, 'organization.descendants', args, DESCENDANT_ORDER, descendantKey, (keys) => ({
    // array_position is 1-based: the root sits at index depth(root) + 1 of a descendant's path.
    sql: `select o.*, b.root as partition_key
            from unnest(?::uuid[]) as b(root)
            join organizations.organization o on b.root = any(o.path)
           where ?::int is null or o.depth - array_position(o.path, b.root) + 1 <= ?::int`,
    params: [keys, maxDepth, maxDepth],
  }), (nodes) => primeDecisions(ctx, nodes));
}
