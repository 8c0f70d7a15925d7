import type DataLoader from 'dataloader';
import { connectionLoader } from '../../../common/batching.js';
import type { SubgraphContext } from '../../../common/context.js';
import { byIdLoader } from '../../../common/loaders.js';
import type { ConnectionArgs, SortOrder } from '../../../common/pagination.js';
import { containsPattern, parseOptionalText } from '../../../common/validation.js';
import { Membership, type MembershipStatus } from './membership.entity.js';

export function membershipById(ctx: SubgraphContext): DataLoader<string, Membership | null> {
  return byIdLoader(ctx, Membership);
}

/** Memberships in the order they began (ids are UUIDv7). */
const BY_ID: SortOrder = [{ sql: 'id', type: 'uuid' }];

export function membersOf(ctx: SubgraphContext, args: ConnectionArgs & { status?: MembershipStatus | null; search?: string | null }) {
  const pattern = containsPattern(parseOptionalText(args.search, 'search', 200));
  const status = args.status ?? null;
  return connectionLoader(ctx, Membership, 'membership.byOrganization', args, BY_ID, (m) => [m.id], (keys) => ({
      sql: `select m.*, m.organization_id as partition_key
              from identities.membership m join identities.user_account u on u.id = m.user_id
             where m.organization_id = any(?::uuid[]) and (?::text is null or m.status = ?)
               and (?::text is null or u.email ilike ? or u.username ilike ? or u.display_name ilike ?)`,
      params: [keys, status, status, pattern, pattern, pattern, pattern],
  }));
}

/** A user's memberships in the organizations named (those the caller may see), oldest first. */
export function membershipsOf(ctx: SubgraphContext, args: ConnectionArgs, organizationIds: readonly string[] | null) {
  return connectionLoader(ctx, Membership, `membership.byUser:${organizationIds?.join(',') ?? '*'}`, args, BY_ID, (m) => [m.id], (keys) => ({
    sql: `select m.*, m.user_id as partition_key from identities.membership m
           where m.user_id = any(?::uuid[]) and (?::uuid[] is null or m.organization_id = any(?::uuid[]))`,
    params: [keys, organizationIds, organizationIds],
  }));
}
