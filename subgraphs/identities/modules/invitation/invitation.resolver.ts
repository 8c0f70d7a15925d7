import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Place } from '../../../common/authz/decision.js';
import { PermissionCheck, permissionChecks } from '../../../common/authz/permissions.js';
import type { SubgraphContext } from '../../../common/context.js';
import { parseId } from '../../../common/ids.js';
import { found } from '../../../../lib/errors.js';
import { OrganizationRef } from '../organization/organization.type.js';
import { Principal } from '../principal/principal.type.js';
import { serviceAccountById } from '../service-account/service-account.loaders.js';
import { TenantRef } from '../tenant/tenant.type.js';
import { userById } from '../user/user.loaders.js';
import { effectiveStatus, InvitationStatus } from './invitation.entity.js';
import { InvitationsArgs, InviteUserInput } from './invitation.input.js';
import { invitationById, invitationsOf } from './invitation.loaders.js';
import * as service from './invitation.service.js';
import { AcceptInvitationPayload, Invitation, InvitationConnection, InvitationPreview } from './invitation.type.js';

@Resolver(() => Invitation)
export class InvitationResolver {
  @FieldResolver(() => OrganizationRef)
  organization(@Root() invitation: Invitation): OrganizationRef {
    return { id: invitation.organizationId };
  }

  @FieldResolver(() => TenantRef, { nullable: true, description: 'Set for an invitation to a tenant of the organization' })
  tenant(@Root() invitation: Invitation): TenantRef | null {
    return invitation.tenantId ? { id: invitation.tenantId } : null;
  }

  @FieldResolver(() => InvitationStatus)
  status(@Root() invitation: Invitation): InvitationStatus {
    return effectiveStatus(invitation);
  }

  @FieldResolver(() => Principal, { nullable: true, description: 'Who invited; null once deleted, or when the caller may not see it' })
  async createdBy(@Root() invitation: Invitation, @Ctx() ctx: SubgraphContext) {
    if (!invitation.createdBy || !(await ctx.authz.visiblePrincipal(invitation.createdBy))) return null;
    return invitation.createdByType === 'service_account' ? serviceAccountById(ctx).load(invitation.createdBy) : userById(ctx).load(invitation.createdBy);
  }

  @FieldResolver(() => [PermissionCheck], { description: 'What the caller may do with this invitation' })
  permissions(@Root() invitation: Invitation, @Ctx() ctx: SubgraphContext) {
    return permissionChecks(ctx, 'Invitation', Place.of(invitation));
  }

  @Query(() => Invitation, { nullable: true, description: 'For holders of member:read where it lives; NOT_FOUND otherwise, as for an id that does not exist' })
  async invitation(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext): Promise<Invitation> {
    return found(await service.visibleInvitation(ctx, await invitationById(ctx).load(parseId(id, 'id'))), 'Invitation');
  }

  @Query(() => InvitationPreview, {
    description: 'For the holder of an invitation link, signed in or not: what accepting it means. The same errors as acceptInvitation for a link that cannot be used',
  })
  invitationPreview(@Arg('token', () => String) token: string, @Ctx() ctx: SubgraphContext) {
    return service.previewInvitation(ctx, token);
  }

  @Mutation(() => Invitation, {
    description: 'Mails the person a single-use link; member:invite on the organization (or the tenant), and every permission of the role. CONFLICT for a member, or an email with a pending invitation here',
  })
  inviteUser(@Arg('organizationId', () => ID) organizationId: string, @Arg('input', () => InviteUserInput) input: InviteUserInput, @Ctx() ctx: SubgraphContext) {
    return service.inviteUser(ctx, organizationId, input);
  }

  @Mutation(() => Invitation, { description: 'A new link (the old one stops working) and a new expiry, mailed again; CONFLICT once accepted or revoked' })
  resendInvitation(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return service.resendInvitation(ctx, id);
  }

  @Mutation(() => Invitation, { description: 'The link stops working; CONFLICT once accepted or revoked' })
  revokeInvitation(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return service.revokeInvitation(ctx, id);
  }

  @Mutation(() => AcceptInvitationPayload, {
    description:
      'Signed in or not: creates the user if needed (email verified), the membership and the role, and signs the person in. NOT_FOUND for a used, revoked or unknown link; BAD_USER_INPUT (reason EXPIRED) for an expired one; FORBIDDEN when signed in as someone else',
  })
  acceptInvitation(@Arg('token', () => String) token: string, @Ctx() ctx: SubgraphContext) {
    return service.acceptInvitation(ctx, token);
  }
}

@Resolver(() => OrganizationRef)
export class OrganizationInvitationsResolver {
  @FieldResolver(() => InvitationConnection, { nullable: true, description: "The organization's invitations, its tenants' included, oldest first; null (with FORBIDDEN) without member:read" })
  invitations(@Root() organization: OrganizationRef, @Args(() => InvitationsArgs) args: InvitationsArgs, @Ctx() ctx: SubgraphContext) {
    return invitationsOf(ctx, args).load(organization.id);
  }
}
