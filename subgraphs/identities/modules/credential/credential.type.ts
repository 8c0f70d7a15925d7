import { Field, ID, ObjectType } from 'type-graphql';

/** What a credential shows: everything but the secret's hash, which no field can reach. */
@ObjectType('ServiceAccountCredential', { description: 'A client id and secret of a service account, for the client_credentials grant' })
export class ServiceAccountCredential {
  @Field(() => ID) id!: string;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
  @Field(() => String) clientId!: string;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => Date, { nullable: true, description: 'When a token was last issued with it, to about a minute: written at most about once a minute' }) lastUsedAt!: Date | null;
  @Field(() => Date, { nullable: true }) expiresAt!: Date | null;
  serviceAccountId!: string;
}

@ObjectType('ServiceAccountCredentialWithSecret', { description: 'Returned only by the mutation that creates or rotates the secret' })
export class ServiceAccountCredentialWithSecret {
  @Field(() => ServiceAccountCredential)
  credential!: ServiceAccountCredential;

  @Field(() => String, { description: 'Shown this once; only its hash is kept' })
  clientSecret!: string;
}
