import { openDatabase, type Database } from '../common/db/orm.js';
import { Migration20261123000000_initial } from './migrations/Migration20261123000000_initial.js';
import { Migration20261123020000_custom_roles } from './migrations/Migration20261123020000_custom_roles.js';
import { Migration20261124100000_platform_roles } from './migrations/Migration20261124100000_platform_roles.js';
import { CustomRole } from './modules/role/role.entity.js';
import { RoleAssignment } from './modules/role-assignment/role-assignment.entity.js';

export const SCHEMA = 'access';

export function openAccessDatabase(databaseUrl: string, poolMax: number, shareConnectionOf?: Database): Promise<Database> {
  return openDatabase({
    databaseUrl,
    poolMax,
    shareConnectionOf,
    schema: SCHEMA,
    entities: [RoleAssignment, CustomRole],
    migrations: [
      { name: 'Migration20261123000000_initial', class: Migration20261123000000_initial },
      { name: 'Migration20261123020000_custom_roles', class: Migration20261123020000_custom_roles },
      { name: 'Migration20261124100000_platform_roles', class: Migration20261124100000_platform_roles },
    ],
  });
}
