/**
 * Once per test run: a database (an in-memory PGlite, or a fresh database on DATABASE_URL's
 * server), migrated and bootstrapped with credentials made up for this run.
 */
import 'reflect-metadata';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../subgraphs/common/db/embedded.js';
import { randomSecret } from '../../lib/config.js';
import { bootstrapInstallation, closeDatabases, migrateAll, openDatabases } from '../../all-in-one/stack.js';
import { freshServerDatabase } from './databases.js';
import { SmtpSink } from './mail.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    embedded: boolean;
    bootstrapClientId: string;
    bootstrapClientSecret: string;
    /** The run's SMTP server: every test stack's mail worker delivers there. */
    smtpUrl: string;
    /** Where that server keeps what it receives (read with Mailbox). */
    mailDir: string;
  }
}

export default async function setup(project: TestProject) {
  const serverUrl = process.env.DATABASE_URL;
  const embedded = serverUrl ? undefined : await startEmbeddedPostgres();
  const fresh = serverUrl ? await freshServerDatabase(serverUrl) : undefined;
  const databaseUrl = fresh?.url ?? embedded!.url;

  const clientId = `cid_test_${randomSecret(8)}`;
  const clientSecret = `cs_${randomSecret(32)}`;
  const databases = await openDatabases(databaseUrl, 1, Boolean(embedded));
  try {
    await migrateAll(databases);
    await bootstrapInstallation(databases, { clientId, clientSecret });
  } finally {
    await closeDatabases(databases);
  }

  project.provide('databaseUrl', databaseUrl);
  project.provide('embedded', Boolean(embedded));
  project.provide('bootstrapClientId', clientId);
  project.provide('bootstrapClientSecret', clientSecret);

  const smtp = await SmtpSink.start();
  project.provide('smtpUrl', smtp.url);
  project.provide('mailDir', smtp.dir);

  return async () => {
    await smtp.dispose();
    await embedded?.stop();
    await fresh?.drop();
  };
}
