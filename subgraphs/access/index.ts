import type { CommonConfig } from '../../lib/config.js';
import type { Database } from '../common/db/orm.js';
import { startSubgraphServer, type RunningSubgraph } from '../common/server.js';
import { openAccessDatabase } from './database.js';
import { roleAssignmentRoutes } from './modules/role-assignment/role-assignment.routes.js';
import { buildAccessSchema } from './schema.js';

export async function startAccess(options: { config: CommonConfig; port: number; host?: string; database?: Database }): Promise<RunningSubgraph> {
  const database = options.database ?? (await openAccessDatabase(options.config.databaseUrl, options.config.poolMax));
  const running = await startSubgraphServer({
    name: 'access',
    schema: await buildAccessSchema(),
    database,
    config: options.config,
    port: options.port,
    host: options.host,
    routes: roleAssignmentRoutes(database, options.config.internalSecret),
  });
  return {
    ...running,
    async stop() {
      await running.stop();
      if (!options.database) await database.close();
    },
  };
}
