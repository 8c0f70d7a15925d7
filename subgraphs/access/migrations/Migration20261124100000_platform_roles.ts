import { Migration } from '@mikro-orm/migrations';

/** Custom roles for the whole platform: no organization defines them, and they apply at PLATFORM scope only. */
export class Migration20261124100000_platform_roles extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table access.role alter column organization_id drop not null`);
    this.addSql(`alter table access.role drop constraint role_scope`);
    this.addSql(`
      alter table access.role add constraint role_scope check (
        scope in ('PLATFORM', 'ORGANIZATION', 'TENANT') and (scope = 'PLATFORM') = (organization_id is null))`);
    // (organization_id, key) is unique only where organization_id is set: NULLs never collide.
    this.addSql(`create unique index role_platform_key_unique on access.role (key) where organization_id is null`);
  }

  override async down(): Promise<void> {
    this.addSql(`delete from access.role_assignment where role_id in (select id from access.role where organization_id is null)`);
    this.addSql(`delete from access.role where organization_id is null`);
    this.addSql(`drop index access.role_platform_key_unique`);
    this.addSql(`alter table access.role drop constraint role_scope`);
    this.addSql(`alter table access.role add constraint role_scope check (scope in ('ORGANIZATION', 'TENANT'))`);
    this.addSql(`alter table access.role alter column organization_id set not null`);
  }
}
