import { ArgsType, Field, InputType } from 'type-graphql';
import { ConnectionArgs } from '../../../common/pagination.js';

@InputType()
export class CreateUserInput {
  @Field(() => String)
  email!: string;

  @Field(() => String, { nullable: true })
  displayName?: string | null;

  @Field(() => String, { nullable: true, description: 'Unique case-insensitively, like the email' })
  username?: string | null;

  @Field(() => [String], { nullable: true, description: 'Platform roles to grant at once (built-in or custom PLATFORM roles)' })
  roleKeys?: string[] | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Mail the person a welcome with a sign-in link and return no secret; without it an API key pair is returned once and nothing is sent',
  })
  notify?: boolean | null;
}

@ArgsType()
export class UsersArgs extends ConnectionArgs {
  @Field(() => String, { nullable: true, description: 'Matches email, username or display name, case-insensitively' })
  search?: string | null;
}
