import { Ctx, Field, FieldResolver, ObjectType, Resolver, Root } from 'type-graphql';
import { permissionsOn } from '../../../common/authz/catalog.js';
import type { SubgraphContext } from '../../../common/context.js';
import { OrganizationRef } from '../refs/refs.js';

@ObjectType('Permission', { description: 'One catalog action and whether the caller may perform it on this object' })
export class PermissionCheck {
  @Field(() => String, { description: 'resource:action, e.g. organization:update' })
  action!: string;

  @Field(() => Boolean)
  allowed!: boolean;
}

/** Every catalog action that applies to `typeName`, answered for the caller on one organization. */
export async function permissionChecks(ctx: SubgraphContext, typeName: string, organizationId: string): Promise<PermissionCheck[]> {
  const held = await ctx.authz.permissionsOn(organizationId);
  return permissionsOn(typeName).map((action) => ({ action, allowed: held.has(action) }));
}

@Resolver(() => OrganizationRef)
export class OrganizationPermissionsResolver {
  @FieldResolver(() => [PermissionCheck], { description: 'What the caller may do here, inherited grants included' })
  permissions(@Root() organization: OrganizationRef, @Ctx() ctx: SubgraphContext) {
    return permissionChecks(ctx, 'Organization', organization.id);
  }
}
