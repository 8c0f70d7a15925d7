import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import type { JWK } from 'jose';

@Entity({ schema: 'identities', tableName: 'signing_key' })
export class SigningKey {
  [OptionalProps]?: 'createdAt' | 'retiredAt';

  /** RFC 7638 thumbprint of the public key. */
  @PrimaryKey({ type: 'string', length: 64 })
  kid!: string;

  @Property({ type: 'string', length: 16 })
  alg!: string;

  @Property({ type: 'json' })
  publicJwk!: JWK;

  @Property({ type: 'json', hidden: true, lazy: true })
  privateJwk!: JWK;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  /** Stops signing from then on; stays published until tokens it signed have expired. */
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  retiredAt: Date | null = null;
}
