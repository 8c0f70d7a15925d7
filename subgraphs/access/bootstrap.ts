import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../common/db/orm.js';
import { newId } from '../common/ids.js';

/** Gives the bootstrap service account platform_admin, once. */
export async function ensurePlatformAdmin(em: EntityManager, serviceAccountId: string): Promise<void> {
  await sql(
    em,
    `insert into access.role_assignment (id, principal_id, principal_type, role_key, scope)
     values (?, ?, 'service_account', 'platform_admin', 'PLATFORM')
     on conflict on constraint role_assignment_unique do nothing`,
    [newId(), serviceAccountId],
  );
}
