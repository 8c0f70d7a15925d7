import type { Database } from '../../../common/db/orm.js';
import { sql } from '../../../common/db/orm.js';
import { isUuid } from '../../../common/ids.js';
import { FORGET_PRINCIPAL_PATH, internalRoutes, type InternalAnswer } from '../../../common/internal-routes.js';

/**
 * Identities tells access when a principal leaves: a deleted user's assignments go everywhere,
 * a removed member's go from that organization and its tenants. Refused (409 LAST_OWNER)
 * when it would leave the organization without an org_owner, before anything is removed.
 */
async function forgetPrincipal(database: Database, body: Record<string, unknown>): Promise<InternalAnswer> {
  const { principalId, organizationId } = body;
  if (!isUuid(principalId) || (organizationId != null && !isUuid(organizationId))) return { status: 400, body: { error: 'bad_request' } };
  return database.orm.em.fork().transactional(async (tx) => {
    if (organizationId) {
      const owners = await sql<{ principal_id: string }>(
        tx,
        `select principal_id from access.role_assignment where organization_id = ? and role_key = 'org_owner' and tenant_id is null for update`,
        [organizationId],
      );
      if (owners.some((o) => o.principal_id === principalId) && owners.length === 1) return { status: 409, body: { error: 'LAST_OWNER' } };
    }
    const removed = await sql<{ id: string }>(
      tx,
      `delete from access.role_assignment where principal_id = ? and (?::uuid is null or organization_id = ?::uuid) returning id`,
      [principalId, organizationId ?? null, organizationId ?? null],
    );
    return { status: 200, body: { removed: removed.length } };
  });
}

export function roleAssignmentRoutes(database: Database, internalSecret: string) {
  return internalRoutes(internalSecret, { [FORGET_PRINCIPAL_PATH]: (body) => forgetPrincipal(database, body) });
}
