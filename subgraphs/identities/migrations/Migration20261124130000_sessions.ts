import { Migration } from '@mikro-orm/migrations';

/**
 * A user's sign-ins: each session holds a chain of refresh tokens, one usable at a time;
 * access tokens name their session (`sid`), so ending it ends them on the next request.
 */
export class Migration20261124130000_sessions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table identities.session (
        id uuid primary key,
        user_id uuid not null references identities.user_account (id) on delete cascade,
        method varchar(32) not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        last_refreshed_at timestamptz,
        revoked_at timestamptz,
        revoked_reason varchar(32)
      )`);
    this.addSql(`create index session_user_idx on identities.session (user_id)`);
    this.addSql(`
      create table identities.refresh_token (
        id uuid primary key,
        session_id uuid not null references identities.session (id) on delete cascade,
        token_hash char(64) not null,
        expires_at timestamptz not null,
        used_at timestamptz,
        created_at timestamptz not null default now(),
        constraint refresh_token_hash_unique unique (token_hash)
      )`);
    this.addSql(`create index refresh_token_session_idx on identities.refresh_token (session_id)`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table identities.refresh_token`);
    this.addSql(`drop table identities.session`);
  }
}
