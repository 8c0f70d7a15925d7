import { Migration } from '@mikro-orm/migrations';

/**
 * The audit log lives in its own schema: every subgraph appends to it through the common
 * writer (../writer.ts), inside its own transaction; the access subgraph reads it.
 * Idempotent: installations from before the audit log had migrations of its own created the
 * same table through the access subgraph's migrations.
 */
export class Migration20261123010000_audit extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create schema if not exists audit`);
    this.addSql(`
      create table if not exists audit.event (
        id uuid primary key,
        occurred_at timestamptz not null default now(),
        request_id varchar(128),
        actor_id uuid,
        actor_type varchar(32),
        action varchar(64) not null,
        target_type varchar(64) not null,
        target_id uuid,
        organization_id uuid,
        organization_path uuid[] not null default '{}',
        changes jsonb not null default '{}'
      )`);
    this.addSql(`create index if not exists event_organization_idx on audit.event (organization_id, id)`);
    this.addSql(`create index if not exists event_organization_path_idx on audit.event using gin (organization_path)`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table audit.event`);
  }
}
