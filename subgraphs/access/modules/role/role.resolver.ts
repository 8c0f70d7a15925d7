import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { SubgraphContext } from '../../../common/context.js';
import { CreateRoleInput, DeleteRoleInput, UpdateRoleInput } from './role.input.js';
import * as service from './role.service.js';
import { Scope } from '../../../common/authz/catalog.js';
import { customRole, Role } from './role.type.js';

@Resolver(() => Role)
export class RoleResolver {
  @Query(() => [Role], {
    description: 'Roles that can be assigned in an organization: built-in ones and custom ones defined there or above (all built-in roles without organizationId)',
  })
  roles(
    @Arg('organizationId', () => ID, { nullable: true }) organizationId: string | null,
    @Arg('scope', () => Scope, { nullable: true }) scope: Scope | null,
    @Ctx() ctx: SubgraphContext,
  ): Promise<Role[]> {
    return service.listRoles(ctx, organizationId, scope);
  }

  @Mutation(() => Role, {
    description: 'A custom role for the organization and everything below it, or without organizationId a PLATFORM role; only with permissions the caller holds',
  })
  async createRole(
    @Arg('organizationId', () => ID, { nullable: true }) organizationId: string | null,
    @Arg('input', () => CreateRoleInput) input: CreateRoleInput,
    @Ctx() ctx: SubgraphContext,
  ): Promise<Role> {
    return customRole(await service.createRole(ctx.em, ctx.authz, ctx, organizationId, input));
  }

  @Mutation(() => Role, { description: 'Holders of the role have the new permissions on their next request' })
  async updateRole(@Arg('id', () => ID) id: string, @Arg('input', () => UpdateRoleInput) input: UpdateRoleInput, @Ctx() ctx: SubgraphContext): Promise<Role> {
    return customRole(await service.updateRole(ctx.em, ctx.authz, ctx, id, input));
  }

  @Mutation(() => ID, { description: 'CONFLICT while assigned, unless input says to remove or reassign the assignments' })
  deleteRole(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => DeleteRoleInput, { nullable: true }) input: DeleteRoleInput | null,
    @Ctx() ctx: SubgraphContext,
  ): Promise<string> {
    return service.deleteRole(ctx.em, ctx.authz, ctx, id, input ?? {});
  }
}
