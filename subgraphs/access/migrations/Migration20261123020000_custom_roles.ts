import { Migration } from '@mikro-orm/migrations';

export class Migration20261123020000_custom_roles extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table access.role (
        id uuid primary key,
        organization_id uuid not null,
        key varchar(64) not null,
        name varchar(200) not null,
        description varchar(1000),
        scope varchar(16) not null,
        permissions text[] not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint role_key_format check (key ~ '^[a-z][a-z0-9_]{1,63}$'),
        constraint role_scope check (scope in ('ORGANIZATION', 'TENANT')),
        constraint role_key_unique unique (organization_id, key)
      )`);
    // An assignment of a custom role names the definition it uses; the role cannot vanish under it.
    this.addSql(`alter table access.role_assignment add column role_id uuid references access.role (id) on delete restrict`);
    this.addSql(`create index role_assignment_role_idx on access.role_assignment (role_id)`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table access.role_assignment drop column role_id`);
    this.addSql(`drop table access.role`);
  }
}
