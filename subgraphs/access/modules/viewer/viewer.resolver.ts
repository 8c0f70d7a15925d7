import { Args, Ctx, FieldResolver, Query, Resolver } from 'type-graphql';
import type { SubgraphContext } from '../../../common/context.js';
import { ConnectionArgs } from '../../../common/pagination.js';
import { RoleAssignment } from '../role-assignment/role-assignment.entity.js';
import * as service from './viewer.service.js';
import { Viewer, ViewerOrganizationConnection, ViewerTenantConnection } from './viewer.type.js';

@Resolver(() => Viewer)
export class ViewerResolver {
  @Query(() => Viewer, { description: 'The caller, everything it can reach, and its own role assignments' })
  me(@Ctx() ctx: SubgraphContext): Promise<Viewer> {
    return service.viewer(ctx);
  }

  @FieldResolver(() => [RoleAssignment], { description: 'The caller\'s own assignments' })
  roleAssignments(@Ctx() ctx: SubgraphContext): Promise<RoleAssignment[]> {
    return service.ownAssignments(ctx);
  }

  @FieldResolver(() => ViewerOrganizationConnection, { description: 'Every organization the caller can see, inherited reach included; by depth' })
  organizations(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: SubgraphContext) {
    return service.reachableOrganizations(ctx, args);
  }

  @FieldResolver(() => ViewerTenantConnection, { description: 'Every tenant the caller can reach, through its organization or directly' })
  tenants(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: SubgraphContext) {
    return service.reachableTenants(ctx, args);
  }
}
