import { Entity, Property } from '@mikro-orm/core';
import type { PrincipalType } from '../../../../lib/auth/tokens.js';
import { BaseEntity } from '../../../common/db/base-entity.js';

/** An API key row. Its GraphQL type is separate (api-key.type.ts) because the row holds a secret's hash. */
@Entity({ schema: 'identities', tableName: 'api_key' })
export class ApiKey extends BaseEntity<'serviceAccountId' | 'userId' | 'expiresAt' | 'lastUsedAt' | 'revokedAt'> {
  /** Public (`igk_...`): names the key; the secret embeds it (lib/auth/api-keys.ts). */
  @Property({ type: 'string', length: 64 })
  keyId!: string;

  /** SHA-256 of the secret; the secret itself is returned once and never stored. */
  @Property({ type: 'string', length: 64, hidden: true, lazy: true })
  secretHash!: string;

  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property({ type: 'string', length: 32 })
  principalType!: PrincipalType;

  @Property({ type: 'uuid' })
  principalId!: string;

  /** Set for a service account's key (principalId again, with a cascading foreign key). */
  @Property({ type: 'uuid', nullable: true })
  serviceAccountId: string | null = null;

  /** Set for a user's key (principalId again). */
  @Property({ type: 'uuid', nullable: true })
  userId: string | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  expiresAt: Date | null = null;

  /** Written at most about once a minute per key (see api-key.exchange.ts). */
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  lastUsedAt: Date | null = null;

  /** A revoked key stays for the record but is never listed, found or accepted again. */
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;
}
