import { Field, InputType } from 'type-graphql';

@InputType()
export class CreateServiceAccountCredentialInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Date, { nullable: true, description: 'Never expires when omitted' })
  expiresAt?: Date | null;
}
