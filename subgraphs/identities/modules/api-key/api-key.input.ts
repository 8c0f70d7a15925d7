import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class CreateApiKeyInput {
  @Field(() => String)
  name!: string;

  @Field(() => Date, { nullable: true, description: 'Never expires when omitted' })
  expiresAt?: Date | null;

  @Field(() => ID, { nullable: true, description: 'A key for this service account (service_account:manage on its organization); without it, a key for the caller itself' })
  serviceAccountId?: string | null;
}
