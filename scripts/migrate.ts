/** `npm run migrate`: applies every subgraph's migrations and the bootstrap to DATABASE_URL, then exits. */
import { env } from '../lib/config.js';
import { bootstrapInstallation, closeDatabases, migrateAll, openDatabases } from '../all-in-one/stack.js';

const databases = await openDatabases(env('DATABASE_URL'), 2);
try {
  await migrateAll(databases);
  const account = await bootstrapInstallation(databases, {
    rootName: env('BOOTSTRAP_ORGANIZATION_NAME', 'Root'),
    clientId: process.env.BOOTSTRAP_CLIENT_ID || undefined,
    clientSecret: process.env.BOOTSTRAP_CLIENT_SECRET || undefined,
  });
  console.log(`Migrated. Bootstrap admin client_id: ${account.clientId}`);
  if (account.clientSecret) console.log(`client_secret (shown once): ${account.clientSecret}`);
} finally {
  await closeDatabases(databases);
}
