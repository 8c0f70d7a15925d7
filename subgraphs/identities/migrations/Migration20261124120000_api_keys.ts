import { Migration } from '@mikro-orm/migrations';

export class Migration20261124120000_api_keys extends Migration {
  override async up(): Promise<void> {
    // The holder is named twice: principal_type/principal_id for the one lookup every request
    // makes (readCaller), and a column per kind so each can carry its own foreign key. The
    // check keeps the two in agreement.
    this.addSql(`
      create table identities.api_key (
        id uuid primary key,
        key_id varchar(64) not null,
        secret_hash char(64) not null,
        name varchar(200) not null,
        principal_type varchar(32) not null,
        principal_id uuid not null,
        service_account_id uuid references identities.service_account (id) on delete cascade,
        user_id uuid references identities.user_account (id) on delete cascade,
        expires_at timestamptz,
        last_used_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint api_key_key_id_unique unique (key_id),
        constraint api_key_name_present check (length(btrim(name)) > 0),
        constraint api_key_one_holder check (
          (principal_type = 'service_account' and service_account_id = principal_id and user_id is null)
          or (principal_type = 'user' and user_id = principal_id and service_account_id is null)
        )
      )`);
    // Listings (a holder's keys that are not revoked, in creation order) and the per-request check by id.
    this.addSql(`create index api_key_principal_idx on identities.api_key (principal_id, id) where revoked_at is null`);
    this.addSql(`create index api_key_service_account_idx on identities.api_key (service_account_id)`);
    this.addSql(`create index api_key_user_idx on identities.api_key (user_id)`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table identities.api_key`);
  }
}
