import { ArrayType, Entity, Property } from '@mikro-orm/core';
import type { Scope } from '../../../common/authz/catalog.js';
import { BaseEntity } from '../../../common/db/base-entity.js';

/** A role an organization defines for itself and everything below it, or (no organization) one for the whole platform. */
@Entity({ schema: 'access', tableName: 'role' })
export class CustomRole extends BaseEntity<'description'> {
  /** Null for PLATFORM roles, which platform administrators define. */
  @Property({ type: 'uuid', nullable: true })
  organizationId!: string | null;

  @Property({ type: 'string', length: 64 })
  key!: string;

  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property({ type: 'string', length: 1000, nullable: true })
  description: string | null = null;

  @Property({ type: 'string', length: 16 })
  scope!: Scope;

  @Property({ type: ArrayType, columnType: 'text[]' })
  permissions!: string[];
}
