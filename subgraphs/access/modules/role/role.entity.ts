import { ArrayType, Entity, Property } from '@mikro-orm/core';
import { BaseEntity } from '../../../common/db/base-entity.js';

/** A role an organization defines for itself and everything below it. */
@Entity({ schema: 'access', tableName: 'role' })
export class CustomRole extends BaseEntity<'description'> {
  @Property({ type: 'uuid' })
  organizationId!: string;

  @Property({ type: 'string', length: 64 })
  key!: string;

  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property({ type: 'string', length: 1000, nullable: true })
  description: string | null = null;

  @Property({ type: 'string', length: 16 })
  scope!: 'ORGANIZATION' | 'TENANT';

  @Property({ type: ArrayType, columnType: 'text[]' })
  permissions!: string[];
}
