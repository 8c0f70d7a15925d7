import { Migration } from '@mikro-orm/migrations';

export class Migration20261123000000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create schema if not exists identities`);
    this.addSql(`
      create table identities.service_account (
        id uuid primary key,
        organization_id uuid not null,
        name varchar(200) not null,
        description varchar(1000),
        bootstrap boolean not null default false,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint service_account_name_present check (length(btrim(name)) > 0)
      )`);
    this.addSql(`create index service_account_organization_idx on identities.service_account (organization_id)`);
    // At most one bootstrap account: the start-up that creates it is idempotent even when racing.
    this.addSql(`create unique index service_account_one_bootstrap on identities.service_account (bootstrap) where bootstrap`);
    this.addSql(`
      create table identities.service_account_credential (
        id uuid primary key,
        service_account_id uuid not null references identities.service_account (id) on delete cascade,
        client_id varchar(64) not null,
        secret_hash char(64) not null,
        name varchar(200),
        description varchar(1000),
        last_used_at timestamptz,
        expires_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint service_account_credential_client_id_unique unique (client_id)
      )`);
    this.addSql(`create index service_account_credential_account_idx on identities.service_account_credential (service_account_id)`);
    this.addSql(`
      create table identities.signing_key (
        kid varchar(64) primary key,
        alg varchar(16) not null,
        public_jwk jsonb not null,
        private_jwk jsonb not null,
        created_at timestamptz not null default now(),
        retired_at timestamptz
      )`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table identities.signing_key`);
    this.addSql(`drop table identities.service_account_credential`);
    this.addSql(`drop table identities.service_account`);
  }
}
