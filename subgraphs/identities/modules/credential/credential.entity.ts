import { Entity, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../../common/db/base-entity.js';

@Entity({ schema: 'identities', tableName: 'service_account_credential' })
@ObjectType('ServiceAccountCredential', { description: 'A client id and secret of a service account, for the client_credentials grant' })
export class ServiceAccountCredential extends BaseEntity<'name' | 'description' | 'lastUsedAt' | 'expiresAt'> {
  @Property({ type: 'uuid' })
  serviceAccountId!: string;

  @Property({ type: 'string', length: 64 })
  @Field(() => String)
  clientId!: string;

  /** SHA-256 of the secret; the secret itself is returned once and never stored. Hidden from serialization. */
  @Property({ type: 'string', length: 64, hidden: true, lazy: true })
  secretHash!: string;

  @Property({ type: 'string', length: 200, nullable: true })
  @Field(() => String, { nullable: true })
  name: string | null = null;

  @Property({ type: 'string', length: 1000, nullable: true })
  @Field(() => String, { nullable: true })
  description: string | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When a token was last issued with it' })
  lastUsedAt: Date | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true })
  expiresAt: Date | null = null;
}

@ObjectType('ServiceAccountCredentialWithSecret', { description: 'Returned only by the mutation that creates or rotates the secret' })
export class ServiceAccountCredentialWithSecret {
  @Field(() => ServiceAccountCredential)
  credential!: ServiceAccountCredential;

  @Field(() => String, { description: 'Shown this once; only its hash is kept' })
  clientSecret!: string;
}
