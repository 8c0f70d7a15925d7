import { Field, ID, ObjectType } from 'type-graphql';
import type { PrincipalType } from '../../../../lib/auth/tokens.js';
import { connectionType } from '../../../common/pagination.js';
import { SignIn } from '../session/session.type.js';
import { User } from '../user/user.entity.js';
import type { InvitationStatus } from './invitation.entity.js';

/**
 * What an invitation shows: never its token nor the token's hash, which no field can reach.
 * `organization`, `tenant`, `status`, `createdBy` and `permissions` are field resolvers.
 */
@ObjectType('Invitation', { description: 'An invitation to join an organization (or one of its tenants) with a role, mailed to a person with a single-use link' })
export class Invitation {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'Only this address can accept it' }) email!: string;
  @Field(() => String, { description: 'The role the person gets on accepting: an ORGANIZATION role, or a TENANT role when tenant is set' }) roleKey!: string;
  @Field(() => Date, { description: 'The link stops working then; resendInvitation mails a new one and restarts the time' }) expiresAt!: Date;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
  organizationId!: string;
  tenantId!: string | null;
  userId!: string | null;
  status!: InvitationStatus;
  createdBy!: string | null;
  createdByType!: PrincipalType | null;
  acceptedBy!: string | null;
}

export const InvitationConnection = connectionType(Invitation, 'Invitation');

@ObjectType('AcceptInvitationPayload', { description: 'Returned only by acceptInvitation' })
export class AcceptInvitationPayload {
  @Field(() => Invitation)
  invitation!: Invitation;

  @Field(() => User, { description: 'The person, created on accepting when there was no user with the email yet' })
  user!: User;

  @Field(() => SignIn, { description: 'The person is signed in: these tokens are shown this once' })
  signIn!: SignIn;
}

@ObjectType('InvitationPreview', { description: 'What the holder of an invitation link may see before accepting it' })
export class InvitationPreview {
  @Field(() => String) email!: string;
  @Field(() => String) organizationName!: string;
  @Field(() => String, { nullable: true, description: 'Set for an invitation to a tenant' }) tenantName!: string | null;
  @Field(() => String) roleKey!: string;
  @Field(() => Date) expiresAt!: Date;
}
