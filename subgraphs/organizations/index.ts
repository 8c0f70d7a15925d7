import type { CommonConfig } from '../../lib/config.js';
import type { Database } from '../common/db/orm.js';
import { AccessClient } from '../common/access-client.js';
import { SubgraphClient } from '../common/internal-client.js';
import { startSubgraphServer, type RunningSubgraph } from '../common/server.js';
import { openOrganizationsDatabase } from './database.js';
import { buildOrganizationsSchema } from './schema.js';

export interface OrganizationsOptions {
  config: CommonConfig;
  port: number;
  host?: string;
  database?: Database;
  /** The access subgraph, where createOrganization's owner gets org_owner. */
  accessUrl: string;
  /** The identities subgraph, which makes a user named as owner a member first. */
  identitiesUrl: string;
}

export async function startOrganizations(options: OrganizationsOptions): Promise<RunningSubgraph> {
  const database = options.database ?? (await openOrganizationsDatabase(options.config.databaseUrl, options.config.poolMax));
  const running = await startSubgraphServer({
    name: 'organizations',
    schema: await buildOrganizationsSchema(),
    database,
    config: options.config,
    port: options.port,
    host: options.host,
    services: {
      access: new AccessClient(options.accessUrl, options.config.internalSecret),
      identities: new SubgraphClient(options.identitiesUrl, options.config.internalSecret),
    },
  });
  return {
    ...running,
    async stop() {
      await running.stop();
      if (!options.database) await database.close();
    },
  };
}
