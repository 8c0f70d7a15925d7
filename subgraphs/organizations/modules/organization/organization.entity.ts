import { ArrayType, Entity, Property } from '@mikro-orm/core';
import { Directive, Field, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../../common/db/base-entity.js';

/** An organization: a node of the tree. The row is also the GraphQL type; `path` stays internal. */
@Entity({ schema: 'organizations', tableName: 'organization' })
@ObjectType('Organization', { description: 'An organization: a node in a tree of any depth, with tenants inside' })
@Directive('@key(fields: "id")')
export class Organization extends BaseEntity<'parentId' | 'path' | 'depth' | 'vat' | 'deleteProtection'> {
  @Property({ type: 'uuid', nullable: true })
  parentId: string | null = null;

  /** Ancestor ids, root first, without this organization: ancestry is one indexed lookup. */
  @Property({ type: ArrayType, columnType: 'uuid[]' })
  path: string[] = [];

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Distance from the root; a root organization has depth 0' })
  depth = 0;

  @Property({ type: 'string', length: 200 })
  @Field(() => String)
  name!: string;

  @Property({ type: 'string', length: 63 })
  @Field(() => String, { description: 'A DNS label (a-z, 0-9, -), unique among siblings' })
  label!: string;

  @Property({ type: 'string', length: 32, nullable: true })
  @Field(() => String, { nullable: true, description: 'VAT identification number, normalized (e.g. DE123456789)' })
  vat: string | null = null;

  @Property({ type: 'boolean' })
  @Field(() => Boolean, { description: 'While true, deleteOrganization is refused' })
  deleteProtection = false;
}
