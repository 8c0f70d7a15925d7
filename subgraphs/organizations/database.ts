import { openDatabase, type Database } from '../common/db/orm.js';
import { Migration20261123000000_initial } from './migrations/Migration20261123000000_initial.js';
import { Organization } from './modules/organization/organization.entity.js';
import { Tenant } from './modules/tenant/tenant.entity.js';

export const SCHEMA = 'organizations';

export function openOrganizationsDatabase(databaseUrl: string, poolMax: number): Promise<Database> {
  return openDatabase({
    databaseUrl,
    poolMax,
    schema: SCHEMA,
    entities: [Organization, Tenant],
    migrations: [{ name: 'Migration20261123000000_initial', class: Migration20261123000000_initial }],
  });
}
