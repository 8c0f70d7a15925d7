import { Migration } from '@mikro-orm/migrations';

/** Users and their memberships of organizations. */
export class Migration20261124100000_people extends Migration {
  override async up(): Promise<void> {
    // "user" is a reserved word in SQL; user_account keeps every statement free of quoting.
    this.addSql(`
      create table identities.user_account (
        id uuid primary key,
        email varchar(254) not null,
        username varchar(64),
        display_name varchar(200),
        email_verified boolean not null default false,
        source varchar(500) not null default 'local',
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint user_account_email_present check (position('@' in email) > 1)
      )`);
    // Unique case-insensitively, as people type them: Ann@Example.com is ann@example.com.
    this.addSql(`create unique index user_account_email_unique on identities.user_account (lower(email))`);
    this.addSql(`create unique index user_account_username_unique on identities.user_account (lower(username)) where username is not null`);
    this.addSql(`
      create table identities.membership (
        id uuid primary key,
        organization_id uuid not null,
        user_id uuid not null references identities.user_account (id) on delete cascade,
        status varchar(16) not null default 'ACTIVE',
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint membership_status check (status in ('ACTIVE', 'DISABLED')),
        constraint membership_unique unique (organization_id, user_id)
      )`);
    this.addSql(`create index membership_user_idx on identities.membership (user_id)`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table identities.membership`);
    this.addSql(`drop table identities.user_account`);
  }
}
