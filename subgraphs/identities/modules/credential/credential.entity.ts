import { Entity, Property } from '@mikro-orm/core';
import { BaseEntity } from '../../../common/db/base-entity.js';

/** A credential row. Its GraphQL type is separate (credential.type.ts) because the row holds a secret's hash. */
@Entity({ schema: 'identities', tableName: 'service_account_credential' })
export class ServiceAccountCredential extends BaseEntity<'name' | 'description' | 'lastUsedAt' | 'expiresAt'> {
  @Property({ type: 'uuid' })
  serviceAccountId!: string;

  @Property({ type: 'string', length: 64 })
  clientId!: string;

  /** SHA-256 of the secret; the secret itself is returned once and never stored. Not a field of the GraphQL type (credential.type.ts). */
  @Property({ type: 'string', length: 64, hidden: true, lazy: true })
  secretHash!: string;

  @Property({ type: 'string', length: 200, nullable: true })
  name: string | null = null;

  @Property({ type: 'string', length: 1000, nullable: true })
  description: string | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  lastUsedAt: Date | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  expiresAt: Date | null = null;
}
