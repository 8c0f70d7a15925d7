import { Entity, Property } from '@mikro-orm/core';
import { Directive, Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../../common/db/base-entity.js';

/** Where users come from when nobody federated them: created here (createUser, an invitation). */
export const LOCAL_SOURCE = 'local';

@Entity({ schema: 'identities', tableName: 'user_account' })
@ObjectType('User', { description: 'A person: signs in with an email and a code, through SSO, or with an API key' })
@Directive('@key(fields: "id")')
export class User extends BaseEntity<'username' | 'displayName' | 'emailVerified' | 'source'> {
  @Property({ type: 'string', length: 254 })
  @Field(() => String)
  email!: string;

  @Property({ type: 'string', length: 64, nullable: true })
  @Field(() => String, { nullable: true })
  username: string | null = null;

  @Property({ type: 'string', length: 200, nullable: true })
  @Field(() => String, { nullable: true })
  displayName: string | null = null;

  @Property({ type: 'boolean' })
  @Field(() => Boolean, { description: 'True once a mail sent to the address was answered (a code, an invitation)' })
  emailVerified = false;

  @Property({ type: 'string', length: 500 })
  @Field(() => String, { description: '"local", or the issuer URL of the identity provider the user came from' })
  source: string = LOCAL_SOURCE;
}
