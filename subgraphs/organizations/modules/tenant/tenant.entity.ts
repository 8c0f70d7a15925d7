import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { newId } from '../../../common/ids.js';

@Entity({ schema: 'organizations', tableName: 'tenant' })
@ObjectType('Tenant', { description: 'An isolated environment inside an organization (a workspace, a project, a deployment)' })
@Directive('@key(fields: "id")')
export class Tenant {
  [OptionalProps]?: 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = newId();

  @Property({ type: 'uuid' })
  organizationId!: string;

  @Property({ type: 'string', length: 200 })
  @Field(() => String)
  name!: string;

  @Property({ type: 'string', length: 63 })
  @Field(() => String, { description: 'A DNS label, unique inside the organization' })
  label!: string;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  @Field(() => Date)
  createdAt: Date = new Date();

  @Property({ type: 'Date', columnType: 'timestamptz', onUpdate: () => new Date() })
  @Field(() => Date)
  updatedAt: Date = new Date();
}
