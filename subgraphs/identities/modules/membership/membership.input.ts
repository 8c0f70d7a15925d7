import { ArgsType, Field, InputType } from 'type-graphql';
import { ConnectionArgs } from '../../../common/pagination.js';
import { MembershipStatus } from './membership.entity.js';

@InputType()
export class UpdateMemberInput {
  @Field(() => MembershipStatus, { nullable: true })
  status?: MembershipStatus | null;
}

@ArgsType()
export class MembersArgs extends ConnectionArgs {
  @Field(() => MembershipStatus, { nullable: true })
  status?: MembershipStatus | null;

  @Field(() => String, { nullable: true, description: "Matches the member's email, username or display name, case-insensitively" })
  search?: string | null;
}
