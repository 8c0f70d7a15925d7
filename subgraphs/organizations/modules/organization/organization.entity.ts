import { ArrayType, Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { newId } from '../../../common/ids.js';

/** An organization: a node of the tree. The row is also the GraphQL type; `path` stays internal. */
@Entity({ schema: 'organizations', tableName: 'organization' })
@ObjectType('Organization', { description: 'An organization: a node in a tree of any depth, with tenants inside' })
@Directive('@key(fields: "id")')
export class Organization {
  [OptionalProps]?: 'parentId' | 'path' | 'depth' | 'vat' | 'deleteProtection' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = newId();

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

  @Property({ type: 'Date', columnType: 'timestamptz' })
  @Field(() => Date)
  createdAt: Date = new Date();

  @Property({ type: 'Date', columnType: 'timestamptz', onUpdate: () => new Date() })
  @Field(() => Date)
  updatedAt: Date = new Date();
}
