import { Field, ObjectType } from 'type-graphql';
import { connectionType } from '../../../common/pagination.js';
import { ApiKey } from '../api-key/api-key.type.js';
import { User } from './user.entity.js';

/* User itself is its entity class: every column it shows is public. */
export const UserConnection = connectionType(User, 'User');

@ObjectType('CreateUserPayload', { description: 'The new user; with an API key pair (shown this once) unless the user was notified by mail' })
export class CreateUserPayload {
  @Field(() => User)
  user!: User;

  @Field(() => ApiKey, { nullable: true, description: 'The API key made with the user; null when the user was notified by mail instead' })
  apiKey!: ApiKey | null;

  @Field(() => String, { nullable: true, description: "The API key's secret, shown this once; null when the user was notified by mail" })
  secret!: string | null;
}
