import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { Place } from '../../../common/authz/decision.js';
import { PermissionCheck, permissionChecks } from '../../../common/authz/permissions.js';
import type { SubgraphContext } from '../../../common/context.js';
import { OrganizationRef } from '../organization/organization.type.js';
import { User } from '../user/user.entity.js';
import { userById } from '../user/user.loaders.js';
import { Membership } from './membership.entity.js';
import { MembersArgs, UpdateMemberInput } from './membership.input.js';
import { membersOf } from './membership.loaders.js';
import * as service from './membership.service.js';
import { MembershipConnection } from './membership.type.js';

@Resolver(() => Membership)
export class MembershipResolver {
  @FieldResolver(() => OrganizationRef)
  organization(@Root() membership: Membership): OrganizationRef {
    return { id: membership.organizationId };
  }

  @FieldResolver(() => User)
  async user(@Root() membership: Membership, @Ctx() ctx: SubgraphContext): Promise<User> {
    // The membership row holds a foreign key: the user exists while it does.
    return (await userById(ctx).load(membership.userId))!;
  }

  @FieldResolver(() => [PermissionCheck], { description: 'What the caller may do with this membership' })
  permissions(@Root() membership: Membership, @Ctx() ctx: SubgraphContext) {
    return permissionChecks(ctx, 'Membership', Place.organization(membership.organizationId));
  }

  @Mutation(() => Membership, { description: 'roleKey (default org_member) is granted in the organization; CONFLICT when the user is a member already' })
  addMember(
    @Arg('organizationId', () => ID) organizationId: string,
    @Arg('userId', () => ID) userId: string,
    @Arg('roleKey', () => String, { nullable: true }) roleKey: string | null,
    @Ctx() ctx: SubgraphContext,
  ) {
    return service.addMember(ctx, organizationId, userId, roleKey);
  }

  @Mutation(() => Membership)
  updateMember(
    @Arg('organizationId', () => ID) organizationId: string,
    @Arg('userId', () => ID) userId: string,
    @Arg('input', () => UpdateMemberInput) input: UpdateMemberInput,
    @Ctx() ctx: SubgraphContext,
  ) {
    return service.updateMember(ctx, organizationId, userId, input);
  }

  @Mutation(() => ID, { description: "The membership's id; the user's role assignments on the organization and its tenants go with it" })
  removeMember(@Arg('organizationId', () => ID) organizationId: string, @Arg('userId', () => ID) userId: string, @Ctx() ctx: SubgraphContext) {
    return service.removeMember(ctx, organizationId, userId);
  }
}

@Resolver(() => OrganizationRef)
export class OrganizationMembersResolver {
  @FieldResolver(() => MembershipConnection, { nullable: true, description: 'Null (with FORBIDDEN) without member:read' })
  members(@Root() organization: OrganizationRef, @Args(() => MembersArgs) args: MembersArgs, @Ctx() ctx: SubgraphContext) {
    return membersOf(ctx, args).load(organization.id);
  }
}
