import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { SubgraphContext } from '../../../common/context.js';
import { RoleAssignment } from '../role-assignment/role-assignment.entity.js';
import { membershipAssignments } from '../role-assignment/role-assignment.service.js';
import { MembershipRef } from './membership.type.js';

@Resolver(() => MembershipRef)
export class MembershipRoleAssignmentsResolver {
  @FieldResolver(() => [RoleAssignment], {
    description: "The member's role assignments on the organization and its tenants that the caller may see (all of them for the member)",
  })
  roleAssignments(@Root() membership: MembershipRef, @Ctx() ctx: SubgraphContext): Promise<RoleAssignment[]> {
    return membershipAssignments(ctx, membership.id);
  }
}
