import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { ConnectionArgs } from '../../../common/pagination.js';
import { InvitationStatus } from './invitation.entity.js';

@InputType()
export class InviteUserInput {
  @Field(() => String, { nullable: true, description: 'Whom to invite: an email, or userId' })
  email?: string | null;

  @Field(() => ID, { nullable: true, description: 'An existing user (one the caller can see) instead of an email' })
  userId?: string | null;

  @Field(() => String, { nullable: true, description: 'An ORGANIZATION role (default org_member), or with tenantId a TENANT role' })
  roleKey?: string | null;

  @Field(() => ID, { nullable: true, description: 'A tenant of the organization: the role is granted there' })
  tenantId?: string | null;
}

@ArgsType()
export class InvitationsArgs extends ConnectionArgs {
  @Field(() => InvitationStatus, { nullable: true })
  status?: InvitationStatus | null;
}
