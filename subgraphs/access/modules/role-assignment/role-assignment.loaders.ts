import { connectionLoader } from '../../../common/batching.js';
import type { SubgraphContext } from '../../../common/context.js';
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
