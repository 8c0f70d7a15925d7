import { Entity, Property } from '@mikro-orm/core';
import { Directive, Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../../common/db/base-entity.js';

@Entity({ schema: 'organizations', tableName: 'tenant' })
@ObjectType('Tenant', { description: 'An isolated environment inside an organization (a workspace, a project, a deployment)' })
@Directive('@key(fields: "id")')
export class Tenant extends BaseEntity {
  @Property({ type: 'uuid' })
  organizationId!: string;

  @Property({ type: 'string', length: 200 })
  @Field(() => String)
  name!: string;

  @Property({ type: 'string', length: 63 })
  @Field(() => String, { description: 'A DNS label, unique inside the organization' })
  label!: string;
}
