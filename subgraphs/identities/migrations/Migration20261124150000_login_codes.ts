import { Migration } from '@mikro-orm/migrations';

/**
 * One-time sign-in codes. Every request leaves a row, also for an address nobody has (user_id
 * null, a code that can never verify): the per-address limits then count the same whether or
 * not the address belongs to someone, so neither the answers nor the limits tell them apart.
 */
export class Migration20261124150000_login_codes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table identities.login_code (
        id uuid primary key,
        email varchar(254) not null,
        user_id uuid references identities.user_account (id) on delete cascade,
        code_hash char(64) not null,
        salt char(32) not null,
        expires_at timestamptz not null,
        failed_attempts integer not null default 0,
        used_at timestamptz,
        created_at timestamptz not null default clock_timestamp(),
        constraint login_code_email_lower check (email = lower(email))
      )`);
    this.addSql(`create index login_code_email_idx on identities.login_code (email, created_at desc)`);
    this.addSql(`create index login_code_created_idx on identities.login_code (created_at)`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table identities.login_code`);
  }
}
