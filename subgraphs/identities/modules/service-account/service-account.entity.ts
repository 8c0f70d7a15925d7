import { Entity, Property } from '@mikro-orm/core';
import { Directive, Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../../common/db/base-entity.js';

@Entity({ schema: 'identities', tableName: 'service_account' })
@ObjectType('ServiceAccount', { description: 'A non-human principal of an organization; it authenticates with client credentials' })
@Directive('@key(fields: "id")')
export class ServiceAccount extends BaseEntity<'description' | 'bootstrap'> {
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
}
