import { Field, Int, ObjectType } from 'type-graphql';

/** What a person gets on signing in (a login code, an accepted invitation): RFC 6749 §5.1 in GraphQL. */
@ObjectType('SignIn', { description: 'An access token and the refresh token that renews it (POST /oauth/token, grant_type=refresh_token); shown this once' })
export class SignIn {
  @Field(() => String)
  accessToken!: string;

  @Field(() => String, { description: 'Single use: each refresh returns a new one, and presenting a used one ends the whole sign-in' })
  refreshToken!: string;

  @Field(() => String)
  tokenType!: 'Bearer';

  @Field(() => Int, { description: 'Seconds until the access token expires' })
  expiresIn!: number;
}
