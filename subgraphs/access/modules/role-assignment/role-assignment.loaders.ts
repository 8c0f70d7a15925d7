import DataLoader from 'dataloader';
import { connectionLoader } from '../../../common/batching.js';
import { readMemberships } from '../../../common/authz/directory.js';
import { loader, type SubgraphContext } from '../../../common/context.js';
import { BY_ID, type ConnectionArgs } from '../../../common/pagination.js';
import { RoleAssignment } from './role-assignment.entity.js';

/** Assignments made exactly on each organization (not its tenants), oldest first, one statement per batch. */
export function assignmentsOnOrganizations(ctx: SubgraphContext, args: ConnectionArgs) {
  return connectionLoader(ctx, RoleAssignment, 'roleAssignment.byOrganization', args, BY_ID, (a) => [a.id], (keys) => ({
    sql: `select ra.*, ra.organization_id as partition_key from access.role_assignment ra
           where ra.organization_id = any(?::uuid[]) and ra.tenant_id is null`,
    params: [keys],
  }));
}

/** Assignments made on each tenant, oldest first, one statement per batch. */
export function assignmentsOnTenants(ctx: SubgraphContext, args: ConnectionArgs) {
  return connectionLoader(ctx, RoleAssignment, 'roleAssignment.byTenant', args, BY_ID, (a) => [a.id], (keys) => ({
    sql: `select ra.*, ra.tenant_id as partition_key from access.role_assignment ra where ra.tenant_id = any(?::uuid[])`,
    params: [keys],
  }));
}

/** Each membership's assignments: its user's, on its organization and that organization's tenants, oldest first; one statement per batch. */
export function assignmentsOfMemberships(ctx: SubgraphContext) {
  return loader(ctx, 'roleAssignment.byMembership', () =>
    new DataLoader<string, RoleAssignment[]>(async (ids) => {
      const memberships = await readMemberships(ctx.em, ids);
      const pairs = [...memberships.values()];
      const rows = pairs.length
        ? await ctx.em.find(RoleAssignment, { $or: pairs.map((m) => ({ principalId: m.userId, organizationId: m.organizationId })) }, { orderBy: { id: 'asc' } })
        : [];
      return ids.map((id) => {
        const membership = memberships.get(id);
        return membership ? rows.filter((a) => a.principalId === membership.userId && a.organizationId === membership.organizationId) : [];
      });
    }),
  );
}
