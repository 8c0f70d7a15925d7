import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { PermissionCheck, permissionChecks } from '../../../common/authz/permissions.js';
import type { SubgraphContext } from '../../../common/context.js';
import { OrganizationRef } from '../refs/refs.js';
import { RoleAssignment } from '../role-assignment/role-assignment.entity.js';

@Resolver(() => OrganizationRef)
export class OrganizationPermissionsResolver {
  @FieldResolver(() => [PermissionCheck], { description: 'What the caller may do here, inherited grants included' })
  permissions(@Root() organization: OrganizationRef, @Ctx() ctx: SubgraphContext) {
    return permissionChecks(ctx, 'Organization', { organizationId: organization.id });
  }
}

@Resolver(() => RoleAssignment)
export class RoleAssignmentPermissionsResolver {
  @FieldResolver(() => [PermissionCheck], { description: 'What the caller may do with this assignment (platform assignments: on the platform)' })
  async permissions(@Root() assignment: RoleAssignment, @Ctx() ctx: SubgraphContext) {
    if (assignment.tenantId) return permissionChecks(ctx, 'RoleAssignment', { tenantId: assignment.tenantId });
    if (assignment.organizationId) return permissionChecks(ctx, 'RoleAssignment', { organizationId: assignment.organizationId });
    const held = await ctx.authz.platformPermissions();
    return (['role_assignment:read', 'role_assignment:manage'] as const).map((action) => ({ action, allowed: held.has(action) }));
  }
}
