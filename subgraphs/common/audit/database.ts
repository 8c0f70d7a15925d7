import { migrate, openDatabase, type Database } from '../db/orm.js';
import { Migration20261123010000_audit } from './migrations/Migration20261123010000_audit.js';

export const AUDIT_SCHEMA = 'audit';

/**
 * Applies the audit schema's migrations (their own history table in that schema) over an
 * open database's connection: the audit log belongs to the writer every subgraph shares,
 * not to any one subgraph.
 */
export async function migrateAudit(connectionOf: Database): Promise<void> {
  const audit = await openDatabase({
    databaseUrl: connectionOf.orm.config.getClientUrl(),
    poolMax: 1,
    schema: AUDIT_SCHEMA,
    entities: [],
    migrations: [{ name: 'Migration20261123010000_audit', class: Migration20261123010000_audit }],
    shareConnectionOf: connectionOf,
  });
  try {
    await migrate(audit);
  } finally {
    await audit.close();
  }
}
