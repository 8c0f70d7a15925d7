import { Migration } from '@mikro-orm/migrations';

/**
 * Invitations to organizations (and their tenants). The token is stored only as its hash;
 * one PENDING invitation per organization and email (case-insensitively), so two inviters
 * racing each other cannot both mail the same person.
 */
export class Migration20261124140000_invitations extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table identities.invitation (
        id uuid primary key,
        organization_id uuid not null,
        tenant_id uuid,
        email varchar(254) not null,
        user_id uuid references identities.user_account (id) on delete cascade,
        role_key varchar(64) not null,
        status varchar(16) not null default 'PENDING',
        token_hash char(64) not null,
        expires_at timestamptz not null,
        created_by uuid,
        created_by_type varchar(32),
        accepted_by uuid,
        accepted_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint invitation_status check (status in ('PENDING', 'ACCEPTED', 'EXPIRED', 'REVOKED')),
        constraint invitation_token_hash_unique unique (token_hash)
      )`);
    this.addSql(`create unique index invitation_pending_unique on identities.invitation (organization_id, lower(email)) where status = 'PENDING'`);
    this.addSql(`create index invitation_organization_idx on identities.invitation (organization_id, id)`);
    this.addSql(`create index invitation_user_idx on identities.invitation (user_id) where user_id is not null`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table identities.invitation`);
  }
}
