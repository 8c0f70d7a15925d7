import { Migration } from '@mikro-orm/migrations';

const LABEL = `'^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'`;

export class Migration20261123000000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create schema if not exists organizations`);
    this.addSql(`
      create table organizations.organization (
        id uuid primary key,
        parent_id uuid references organizations.organization (id) on delete restrict,
        path uuid[] not null default '{}',
        depth integer not null default 0,
        name varchar(200) not null,
        label varchar(63) not null,
        vat varchar(32),
        delete_protection boolean not null default false,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint organization_label_format check (label ~ ${LABEL}),
        constraint organization_name_present check (length(btrim(name)) > 0),
        constraint organization_depth_is_path check (depth = cardinality(path)),
        constraint organization_root_has_no_path check ((parent_id is null) = (depth = 0)),
        constraint organization_parent_is_last check (parent_id is null or path[cardinality(path)] = parent_id),
        constraint organization_label_unique unique nulls not distinct (parent_id, label)
      )`);
    this.addSql(`create index organization_path_idx on organizations.organization using gin (path)`);
    this.addSql(`
      create table organizations.tenant (
        id uuid primary key,
        organization_id uuid not null references organizations.organization (id) on delete cascade,
        name varchar(200) not null,
        label varchar(63) not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint tenant_label_format check (label ~ ${LABEL}),
        constraint tenant_name_present check (length(btrim(name)) > 0),
        constraint tenant_label_unique unique (organization_id, label)
      )`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table organizations.tenant`);
    this.addSql(`drop table organizations.organization`);
  }
}
