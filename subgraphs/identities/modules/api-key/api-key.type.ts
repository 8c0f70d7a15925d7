import { Field, ID, ObjectType } from 'type-graphql';
import type { PrincipalType } from '../../../../lib/auth/tokens.js';
import { connectionType } from '../../../common/pagination.js';

/** What a key shows: never its secret nor the secret's hash, which no field can reach. */
@ObjectType('ApiKey', { description: 'A key a user or service account calls the API with: Authorization: Bearer <secret>, or the api-key / api-secret headers' })
export class ApiKey {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'Public (igk_...); the secret starts with igs_ and the same characters' }) keyId!: string;
  @Field(() => String) name!: string;
  @Field(() => Date, { nullable: true, description: 'Never expires when null' }) expiresAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'When the key was last exchanged for a token; written at most about once a minute' }) lastUsedAt!: Date | null;
  @Field(() => Date) createdAt!: Date;
  principalType!: PrincipalType;
  principalId!: string;
  serviceAccountId!: string | null;
}

@ObjectType('CreateApiKeyPayload', { description: 'Returned only by createApiKey' })
export class CreateApiKeyPayload {
  @Field(() => ApiKey)
  apiKey!: ApiKey;

  @Field(() => String, { description: 'Shown this once; only its hash is kept' })
  secret!: string;
}

export const ApiKeyConnection = connectionType(ApiKey, 'ApiKey');
