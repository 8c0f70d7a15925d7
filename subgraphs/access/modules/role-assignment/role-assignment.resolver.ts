import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { SubgraphContext } from '../../../common/context.js';
import { forbidden } from '../../../../lib/errors.js';
import { OrganizationRef, Principal, principalRef, TenantRef } from '../refs/refs.js';
import { byIdLoader } from '../../../common/loaders.js';
import { CustomRole } from '../role/role.entity.js';
import { customRole, Role, roleByKey } from '../role/role.type.js';
import { RoleAssignment } from './role-assignment.entity.js';
import { AssignRoleInput, UnassignRoleInput } from './role-assignment.input.js';
import * as service from './role-assignment.service.js';

@Resolver(() => RoleAssignment)
export class RoleAssignmentResolver {
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
    return id && (await ctx.authz.can('organization:read', id)) ? { id } : null;
  }

  @FieldResolver(() => TenantRef, { nullable: true, description: 'Set for tenant assignments' })
  async tenant(@Root() assignment: RoleAssignment, @Ctx() ctx: SubgraphContext): Promise<TenantRef | null> {
    const id = assignment.tenantId;
    return id && (await ctx.authz.canOnTenant('tenant:read', id)) ? { id } : null;
  }

  @FieldResolver(() => ID, { nullable: true, description: 'Id of the principal that made the assignment; null for the bootstrap' })
  createdBy(@Root() assignment: RoleAssignment): string | null {
    return assignment.createdBy;
  }

  @Mutation(() => RoleAssignment, { description: 'CONFLICT when already held; BAD_USER_INPUT for an unknown role or a scope mismatch' })
  async assignRole(@Arg('input', () => AssignRoleInput) input: AssignRoleInput, @Ctx() ctx: SubgraphContext): Promise<RoleAssignment> {
    const target = await authorized(ctx, input);
    return service.assignRole(ctx.em, ctx.authz, ctx, target);
  }

  @Mutation(() => ID, { description: 'The removed assignment id; CONFLICT when not held' })
  async unassignRole(@Arg('input', () => UnassignRoleInput) input: UnassignRoleInput, @Ctx() ctx: SubgraphContext): Promise<string> {
    return service.unassignRole(ctx.em, ctx, await authorized(ctx, input));
  }
}

/** The scope comes from the input, so the permission check happens here rather than in a shield rule. */
async function authorized(ctx: SubgraphContext, input: AssignRoleInput): Promise<service.AssignmentTarget> {
  const target = await service.resolveTarget(ctx.em, ctx.authz, input);
  if (await service.mayManage(ctx.authz, target)) return target;
  throw forbidden('Missing permission role_assignment:manage');
}
