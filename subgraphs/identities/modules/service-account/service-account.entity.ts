import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { newId } from '../../../common/ids.js';

@Entity({ schema: 'identities', tableName: 'service_account' })
@ObjectType('ServiceAccount', { description: 'A non-human principal of an organization; it authenticates with client credentials' })
@Directive('@key(fields: "id")')
export class ServiceAccount {
  [OptionalProps]?: 'description' | 'bootstrap' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = newId();

  @Property({ type: 'uuid' })
  organizationId!: string;

  @Property({ type: 'string', length: 200 })
  @Field(() => String)
  name!: string;

  @Property({ type: 'string', length: 1000, nullable: true })
  @Field(() => String, { nullable: true })
  description: string | null = null;

  /** The installation's first administrator, created on an empty database. */
  @Property({ type: 'boolean' })
  bootstrap = false;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  @Field(() => Date)
  createdAt: Date = new Date();

  @Property({ type: 'Date', columnType: 'timestamptz', onUpdate: () => new Date() })
  @Field(() => Date)
  updatedAt: Date = new Date();
}
