import { Migration } from '@mikro-orm/migrations';

/**
 * Every change to a credential (rotated, expired, renamed, used: any update; deleted, also by
 * the cascade of its service account) is announced on the channel `identities_credential`,
 * with the client id, when its transaction commits. The token endpoint's in-memory credentials
 * (modules/oauth/credential-cache.ts) forget it on the spot, in every replica, whatever made
 * the change: the API, a migration, or SQL by hand. `last_used_at` is written at most once a
 * minute, so announcing that too costs a busy client one read a minute.
 */
export class Migration20261125000000_credential_notify extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create function identities.notify_credential_change() returns trigger language plpgsql as $$
      begin
        perform pg_notify('identities_credential', old.client_id);
        return null;
      end
      $$`);
    this.addSql(`
      create trigger service_account_credential_changed
        after update or delete
        on identities.service_account_credential
        for each row execute function identities.notify_credential_change()`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger service_account_credential_changed on identities.service_account_credential`);
    this.addSql(`drop function identities.notify_credential_change()`);
  }
}
