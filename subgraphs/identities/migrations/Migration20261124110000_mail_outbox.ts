import { Migration } from '@mikro-orm/migrations';

/**
 * The mail outbox. Created in the schema of the database that runs the migration (identities
 * in production), so a test can give its own workers an outbox no other test's workers see.
 */
export class Migration20261124110000_mail_outbox extends Migration {
  override async up(): Promise<void> {
    const schema = this.config.get('schema');
    this.addSql(`create schema if not exists "${schema}"`);
    this.addSql(`
      create table "${schema}".mail_outbox (
        id uuid primary key,
        kind varchar(32) not null,
        recipient varchar(320) not null,
        subject varchar(998) not null,
        text_body text,
        html_body text,
        status varchar(16) not null default 'pending',
        attempts integer not null default 0,
        next_attempt_at timestamptz not null default now(),
        locked_until timestamptz,
        last_error varchar(1000),
        sent_at timestamptz,
        created_at timestamptz not null default now(),
        constraint mail_outbox_status check (status in ('pending', 'sent', 'failed')),
        -- Bodies carry links with tokens and codes: kept only while the mail may still be sent.
        constraint mail_outbox_body_while_pending check ((status = 'pending') = (text_body is not null)),
        constraint mail_outbox_html_while_pending check (status = 'pending' or html_body is null)
      )`);
    this.addSql(`create index mail_outbox_due_idx on "${schema}".mail_outbox (next_attempt_at) where status = 'pending'`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table "${this.config.get('schema')}".mail_outbox`);
  }
}
