import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Place } from '../../../common/authz/decision.js';
import { PermissionCheck, permissionChecks } from '../../../common/authz/permissions.js';
import type { SubgraphContext } from '../../../common/context.js';
import { OrganizationRef } from '../organization/organization.type.js';
import { RoleAssignment } from '../role-assignment/role-assignment.entity.js';

@Resolver(() => OrganizationRef)
export class OrganizationPermissionsResolver {
  @FieldResolver(() => [PermissionCheck], { description: 'What the caller may do here, inherited grants included' })
  permissions(@Root() organization: OrganizationRef, @Ctx() ctx: SubgraphContext) {
    return permissionChecks(ctx, 'Organization', Place.organization(organization.id));
  }
}

@Resolver(() => RoleAssignment)
export class RoleAssignmentPermissionsResolver {
  @FieldResolver(() => [PermissionCheck], { description: 'What the caller may do with this assignment (platform assignments: on the platform)' })
  permissions(@Root() assignment: RoleAssignment, @Ctx() ctx: SubgraphContext) {
    return permissionChecks(ctx, 'RoleAssignment', Place.of(assignment));
  }
}
