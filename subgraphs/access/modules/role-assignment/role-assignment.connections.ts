import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { connectionLoader } from '../../../common/batching.js';
import type { SubgraphContext } from '../../../common/context.js';
import { sql } from '../../../common/db/orm.js';
import { visiblePlace } from '../../../common/authz/decision.js';
import { badInput, forbidden } from '../../../../lib/errors.js';
import { parseOptionalId } from '../../../common/ids.js';
import { ConnectionArgs, connectionType, keysetSql, pageRequest, toConnection, type Connection } from '../../../common/pagination.js';
import { OrganizationRef, TenantRef } from '../refs/refs.js';
import { RoleAssignment } from './role-assignment.entity.js';

export const RoleAssignmentConnection = connectionType(RoleAssignment, 'RoleAssignment');

/** Assignments made exactly on each organization (not its tenants), oldest first, one statement per batch. */
function onOrganizations(ctx: SubgraphContext, args: ConnectionArgs) {
  return connectionLoader(ctx, RoleAssignment, 'roleAssignment.byOrganization', args, ['id'], (a) => [a.id], (keys) => ({
    sql: `select ra.*, ra.organization_id as partition_key from access.role_assignment ra
           where ra.organization_id = any(?::uuid[]) and ra.tenant_id is null`,
    params: [keys],
  }));
}

function onTenants(ctx: SubgraphContext, args: ConnectionArgs) {
  return connectionLoader(ctx, RoleAssignment, 'roleAssignment.byTenant', args, ['id'], (a) => [a.id], (keys) => ({
    sql: `select ra.*, ra.tenant_id as partition_key from access.role_assignment ra where ra.tenant_id = any(?::uuid[])`,
    params: [keys],
  }));
}

@Resolver()
export class RoleAssignmentListResolver {
  @Query(() => RoleAssignmentConnection, {
    description:
      'Assignments made on a tenant, on an organization, or (neither given) on the platform; principalId narrows to one principal. Without a place, a caller may always list its own.',
  })
  async roleAssignments(
    @Arg('organizationId', () => ID, { nullable: true }) organizationIdArg: string | null,
    @Arg('tenantId', () => ID, { nullable: true }) tenantIdArg: string | null,
    @Arg('principalId', () => ID, { nullable: true }) principalIdArg: string | null,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() ctx: SubgraphContext,
  ): Promise<Connection<RoleAssignment>> {
    const { authz } = ctx;
    const { organizationId, tenantId } = await visiblePlace(
      authz,
      parseOptionalId(organizationIdArg, 'organizationId'),
      parseOptionalId(tenantIdArg, 'tenantId'),
    );
    const principalId = parseOptionalId(principalIdArg, 'principalId');
    if (tenantId) {
      if (!(await authz.canOnTenant('role_assignment:read', tenantId))) throw forbidden('Missing permission role_assignment:read');
    } else if (organizationId) {
      if (!(await authz.can('role_assignment:read', organizationId))) throw forbidden('Missing permission role_assignment:read');
    } else if (principalId !== ctx.principal?.id && !(await authz.canOnPlatform('role_assignment:read'))) {
      throw badInput('organizationId', 'Name an organization or tenant, or ask for your own assignments (principalId)');
    }
    const page = pageRequest(args, 1);
    const keyset = keysetSql(['id'], page);
    const filter = tenantId
      ? `tenant_id = ?::uuid`
      : organizationId
        ? `organization_id = ?::uuid and tenant_id is null`
        : principalId === ctx.principal?.id && principalId
          ? `true`
          : `scope = 'PLATFORM'`;
    const placeParams = tenantId ? [tenantId] : organizationId ? [organizationId] : [];
    const where = `${filter} and (?::uuid is null or principal_id = ?::uuid)`;
    const params = [...placeParams, principalId, principalId];
    const [rows, [count]] = await Promise.all([
      sql(ctx.em, `select * from access.role_assignment where ${where} and ${keyset.where} order by ${keyset.orderBy} limit ?`, [...params, ...keyset.params, page.limit + 1]),
      sql<{ n: number }>(ctx.em, `select count(*)::int as n from access.role_assignment where ${where}`, params),
    ]);
    return toConnection(rows.map((r) => ctx.em.map(RoleAssignment, r)), page, count!.n, (a) => [a.id]);
  }
}

@Resolver(() => OrganizationRef)
export class OrganizationRoleAssignmentsResolver {
  @FieldResolver(() => RoleAssignmentConnection, { nullable: true, description: 'Assignments made on this organization; null (FORBIDDEN) without role_assignment:read' })
  roleAssignments(@Root() organization: OrganizationRef, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: SubgraphContext) {
    return onOrganizations(ctx, args).load(organization.id);
  }
}

@Resolver(() => TenantRef)
export class TenantRoleAssignmentsResolver {
  @FieldResolver(() => RoleAssignmentConnection, { nullable: true, description: 'Assignments made on this tenant; null (FORBIDDEN) without role_assignment:read' })
  roleAssignments(@Root() tenant: TenantRef, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: SubgraphContext) {
    return onTenants(ctx, args).load(tenant.id);
  }
}
