import type { CommonConfig } from '../common/config.js';
import type { Database } from '../common/db/orm.js';
import { startSubgraphServer, type RunningSubgraph } from '../common/server.js';
import { openOrganizationsDatabase } from './database.js';
import { buildOrganizationsSchema } from './schema.js';

export async function startOrganizations(options: { config: CommonConfig; port: number; host?: string; database?: Database }): Promise<RunningSubgraph> {
  const database = options.database ?? (await openOrganizationsDatabase(options.config.databaseUrl, options.config.poolMax));
  const running = await startSubgraphServer({
    name: 'organizations',
    schema: await buildOrganizationsSchema(),
    database,
    config: options.config,
    port: options.port,
    host: options.host,
  });
  return {
    ...running,
    async stop() {
      await running.stop();
      if (!options.database) await database.close();
    },
  };
}
