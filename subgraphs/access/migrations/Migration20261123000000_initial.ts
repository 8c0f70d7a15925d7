import { Migration } from '@mikro-orm/migrations';

export class Migration20261123000000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create schema if not exists access`);
    this.addSql(`
      create table access.role_assignment (
        id uuid primary key,
        principal_id uuid not null,
        principal_type varchar(32) not null,
        role_key varchar(64) not null,
        scope varchar(16) not null,
        organization_id uuid,
        tenant_id uuid,
        created_by uuid,
        created_at timestamptz not null default now(),
        constraint role_assignment_principal_type check (principal_type in ('user', 'service_account')),
        constraint role_assignment_scope_shape check (
          (scope = 'PLATFORM' and organization_id is null and tenant_id is null)
          or (scope = 'ORGANIZATION' and organization_id is not null and tenant_id is null)
          or (scope = 'TENANT' and organization_id is not null and tenant_id is not null)),
        constraint role_assignment_unique unique nulls not distinct (principal_id, role_key, organization_id, tenant_id)
      )`);
    this.addSql(`create index role_assignment_principal_idx on access.role_assignment (principal_id, organization_id)`);
    this.addSql(`create index role_assignment_organization_idx on access.role_assignment (organization_id, role_key)`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table access.role_assignment`);
  }
}
