import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import type { Scope } from '../../../common/authz/catalog.js';
import { newId } from '../../../common/ids.js';

/** A principal holds a role at a scope: the platform, an organization (and all below it), or a tenant. */
@Entity({ schema: 'access', tableName: 'role_assignment' })
@ObjectType('RoleAssignment')
export class RoleAssignment {
  [OptionalProps]?: 'organizationId' | 'tenantId' | 'roleId' | 'createdBy' | 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = newId();

  @Property({ type: 'uuid' })
  principalId!: string;

  @Property({ type: 'string', length: 32 })
  principalType!: 'user' | 'service_account';

  @Property({ type: 'string', length: 64 })
  roleKey!: string;

  @Property({ type: 'string', length: 16 })
  scope!: Scope;

  /** The custom role's definition; null for built-in roles. */
  @Property({ type: 'uuid', nullable: true })
  roleId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  organizationId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  tenantId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  createdBy: string | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  @Field(() => Date)
  createdAt: Date = new Date();
}
