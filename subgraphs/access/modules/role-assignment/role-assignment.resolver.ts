import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Place } from '../../../common/authz/decision.js';
import type { SubgraphContext } from '../../../common/context.js';
import { byIdLoader } from '../../../common/loaders.js';
import { ConnectionArgs, type Connection } from '../../../common/pagination.js';
import { OrganizationRef } from '../organization/organization.type.js';
import { Principal, principalRef } from '../principal/principal.type.js';
import { CustomRole } from '../role/role.entity.js';
import { customRole, Role, roleByKey } from '../role/role.type.js';
import { TenantRef } from '../tenant/tenant.type.js';
import { RoleAssignment } from './role-assignment.entity.js';
import { AssignRoleInput, UnassignRoleInput } from './role-assignment.input.js';
import { assignmentsOnOrganizations, assignmentsOnTenants } from './role-assignment.loaders.js';
import * as service from './role-assignment.service.js';
import { RoleAssignmentConnection } from './role-assignment.type.js';

@ArgsType()
class RoleAssignmentsArgs extends ConnectionArgs {
  @Field(() => ID, { nullable: true })
  organizationId!: string | null;

  @Field(() => ID, { nullable: true })
  tenantId!: string | null;

  @Field(() => ID, { nullable: true })
  principalId!: string | null;
}

@Resolver(() => RoleAssignment)
export class RoleAssignmentResolver {
  @Query(() => RoleAssignmentConnection, {
    description:
      'Assignments made on a tenant, on an organization, or (neither given) on the platform; principalId narrows to one principal. Without a place, a caller may always list its own.',
  })
  roleAssignments(@Args(() => RoleAssignmentsArgs) args: RoleAssignmentsArgs, @Ctx() ctx: SubgraphContext): Promise<Connection<RoleAssignment>> {
    return service.listAssignments(ctx, args);
  }

  @FieldResolver(() => Principal)
  principal(@Root() assignment: RoleAssignment) {
    return principalRef({ id: assignment.principalId, type: assignment.principalType });
  }

  @FieldResolver(() => Role)
  async role(@Root() assignment: RoleAssignment, @Ctx() ctx: SubgraphContext): Promise<Role> {
    if (!assignment.roleId) return roleByKey(assignment.roleKey)!;
    return customRole((await byIdLoader(ctx, CustomRole).load(assignment.roleId))!);
  }

  @FieldResolver(() => OrganizationRef, { nullable: true, description: 'Null for platform-wide assignments, and when the caller may not see the organization' })
  async organization(@Root() assignment: RoleAssignment, @Ctx() ctx: SubgraphContext): Promise<OrganizationRef | null> {
    const id = assignment.organizationId;
    return id && (await ctx.authz.can('organization:read', Place.organization(id))) ? { id } : null;
  }

  @FieldResolver(() => TenantRef, { nullable: true, description: 'Set for tenant assignments' })
  async tenant(@Root() assignment: RoleAssignment, @Ctx() ctx: SubgraphContext): Promise<TenantRef | null> {
    const id = assignment.tenantId;
    return id && (await ctx.authz.can('tenant:read', Place.tenant(id))) ? { id } : null;
  }

  @FieldResolver(() => Principal, {
    nullable: true,
    description: 'Who made the assignment (a user or a service account); null for the bootstrap, and for one deleted or out of your sight',
  })
  async createdBy(@Root() assignment: RoleAssignment, @Ctx() ctx: SubgraphContext) {
    const creator = assignment.createdBy ? await ctx.authz.principal(assignment.createdBy) : null;
    return creator ? principalRef(creator) : null;
  }

  @Mutation(() => RoleAssignment, { description: 'CONFLICT when already held; BAD_USER_INPUT for an unknown role or a scope mismatch' })
  assignRole(@Arg('input', () => AssignRoleInput) input: AssignRoleInput, @Ctx() ctx: SubgraphContext): Promise<RoleAssignment> {
    return service.assignRole(ctx, input);
  }

  @Mutation(() => ID, { description: 'The removed assignment id; CONFLICT when not held' })
  unassignRole(@Arg('input', () => UnassignRoleInput) input: UnassignRoleInput, @Ctx() ctx: SubgraphContext): Promise<string> {
    return service.unassignRole(ctx, input);
  }
}

@Resolver(() => OrganizationRef)
export class OrganizationRoleAssignmentsResolver {
  @FieldResolver(() => RoleAssignmentConnection, { nullable: true, description: 'Assignments made on this organization; null (FORBIDDEN) without role_assignment:read' })
  roleAssignments(@Root() organization: OrganizationRef, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: SubgraphContext) {
    return assignmentsOnOrganizations(ctx, args).load(organization.id);
  }
}

@Resolver(() => TenantRef)
export class TenantRoleAssignmentsResolver {
  @FieldResolver(() => RoleAssignmentConnection, { nullable: true, description: 'Assignments made on this tenant; null (FORBIDDEN) without role_assignment:read' })
  roleAssignments(@Root() tenant: TenantRef, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: SubgraphContext) {
    return assignmentsOnTenants(ctx, args).load(tenant.id);
  }
}
