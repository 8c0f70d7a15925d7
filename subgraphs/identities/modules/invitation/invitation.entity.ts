import { Entity, Enum, Property } from '@mikro-orm/core';
import { registerEnumType } from 'type-graphql';
import type { PrincipalType } from '../../../../lib/auth/tokens.js';
import { BaseEntity } from '../../../common/db/base-entity.js';

export enum InvitationStatus {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  EXPIRED = 'EXPIRED',
  REVOKED = 'REVOKED',
}
registerEnumType(InvitationStatus, {
  name: 'InvitationStatus',
  description: 'PENDING until accepted or revoked; a pending invitation past its expiresAt shows EXPIRED (resendInvitation renews it)',
});

/** An invitation row. Its GraphQL type is separate (invitation.type.ts) because the row holds a token's hash. */
@Entity({ schema: 'identities', tableName: 'invitation' })
export class Invitation extends BaseEntity<'tenantId' | 'userId' | 'status' | 'createdBy' | 'createdByType' | 'acceptedBy' | 'acceptedAt'> {
  @Property({ type: 'uuid' })
  organizationId!: string;

  /** Set for an invitation to a tenant of the organization (a TENANT role). */
  @Property({ type: 'uuid', nullable: true })
  tenantId: string | null = null;

  @Property({ type: 'string', length: 254 })
  email!: string;

  /** The user the invitation is for, when one had this email (or was named) when it was made: deleting the user deletes it. */
  @Property({ type: 'uuid', nullable: true })
  userId: string | null = null;

  @Property({ type: 'string', length: 64 })
  roleKey!: string;

  /** As stored: PENDING rows past expiresAt are shown EXPIRED (see effectiveStatus). */
  @Enum({ items: () => InvitationStatus, type: 'string' })
  status: InvitationStatus = InvitationStatus.PENDING;

  /** SHA-256 of the token; the token itself is only ever in the mail. */
  @Property({ type: 'string', length: 64, hidden: true, lazy: true })
  tokenHash!: string;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'uuid', nullable: true })
  createdBy: string | null = null;

  @Property({ type: 'string', length: 32, nullable: true })
  createdByType: PrincipalType | null = null;

  /** The user who accepted it. */
  @Property({ type: 'uuid', nullable: true })
  acceptedBy: string | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  acceptedAt: Date | null = null;
}

/** What an invitation shows: a PENDING one whose time has passed is EXPIRED, whether or not anyone wrote that down. */
export function effectiveStatus(invitation: Pick<Invitation, 'status' | 'expiresAt'>, now = new Date()): InvitationStatus {
  return invitation.status === InvitationStatus.PENDING && invitation.expiresAt.getTime() <= now.getTime() ? InvitationStatus.EXPIRED : invitation.status;
}

/** The same in SQL, for filters over the table aliased `i`. */
export const EFFECTIVE_STATUS_SQL = `case when i.status = 'PENDING' and i.expires_at <= now() then 'EXPIRED' else i.status end`;
