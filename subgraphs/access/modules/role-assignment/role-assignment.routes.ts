import { randomUUID } from 'node:crypto';
import { audit } from '../../../common/audit/writer.js';
import { DecisionPoint } from '../../../common/authz/decision.js';
import { readPrincipals, readTenantOwners } from '../../../common/authz/directory.js';
import type { Database } from '../../../common/db/orm.js';
import { assignmentsEndingWithMembership } from '../../../common/authz/directory.js';
import { sql } from '../../../common/db/orm.js';
import { isUuid, newId } from '../../../common/ids.js';
import { FORGET_PRINCIPAL_PATH, GRANT_INVITED_ROLE_PATH, internalRoutes, type InternalAnswer } from '../../../common/internal-routes.js';
import { currentRequestIds } from '../../../../lib/http.js';
import { resolveRole } from '../role/role.service.js';

/**
 * Identities tells access when a principal leaves: a deleted user's assignments go everywhere,
 * a removed member's go from that organization, its tenants and everything below it, unless
 * another membership still backs them. Refused (409 LAST_OWNER)
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
    const removed = organizationId
      ? await sql<{ id: string }>(tx, `delete from access.role_assignment where id = any(?::uuid[]) returning id`, [
          await assignmentsEndingWithMembership(tx, principalId, organizationId),
        ])
      : await sql<{ id: string }>(tx, `delete from access.role_assignment where principal_id = ? returning id`, [principalId]);
    return { status: 200, body: { removed: removed.length } };
  });
}

/**
 * Identities grants the role of an accepted invitation here: the invitee holds no permission
 * to grant anything, the inviter was checked (member:invite, and every permission of the role)
 * when inviting. Access still checks what is true now: the organization (and tenant) exist,
 * the role exists there with the right scope, and the user is an active member there or above.
 * The assignment is the inviter's (createdBy); the event's actor is the invitee, who acts.
 * A role held already is no error: the invitation asked for nothing more.
 */
async function grantInvitedRole(database: Database, body: Record<string, unknown>): Promise<InternalAnswer> {
  const { principalId, roleKey, organizationId, tenantId, createdBy, invitationId } = body;
  if (
    !isUuid(principalId) ||
    !isUuid(organizationId) ||
    (tenantId != null && !isUuid(tenantId)) ||
    (createdBy != null && !isUuid(createdBy)) ||
    !isUuid(invitationId) ||
    typeof roleKey !== 'string'
  ) {
    return { status: 400, body: { error: 'bad_request' } };
  }
  return database.orm.em.fork().transactional(async (tx) => {
    const places = new DecisionPoint(tx, null);
    if (!(await places.ancestry(organizationId))) return { status: 404, body: { error: 'no_such_place' } };
    if (tenantId && (await readTenantOwners(tx, [tenantId])).get(tenantId) !== organizationId) return { status: 404, body: { error: 'no_such_place' } };
    const role = await resolveRole(tx, places, roleKey, organizationId);
    if (!role) return { status: 400, body: { error: 'unknown_role' } };
    if (role.scope !== (tenantId ? 'TENANT' : 'ORGANIZATION')) return { status: 400, body: { error: 'wrong_scope' } };
    const principal = (await readPrincipals(tx, [principalId])).get(principalId);
    if (!principal || principal.type !== 'user' || !(await places.activeIn(principal, organizationId))) return { status: 400, body: { error: 'not_member' } };
    const [inserted] = await sql<{ id: string }>(
      tx,
      `insert into access.role_assignment (id, principal_id, principal_type, role_key, role_id, scope, organization_id, tenant_id, created_by)
       values (?, ?, 'user', ?, ?, ?, ?, ?, ?)
       on conflict on constraint role_assignment_unique do nothing returning id`,
      [newId(), principalId, role.key, role.customRoleId, role.scope, organizationId, tenantId ?? null, createdBy ?? null],
    );
    if (!inserted) return { status: 200, body: { created: false } };
    const actor = { principal: { id: principalId, type: 'user' as const, organizationId: null, tokenId: '', sessionId: null, apiKeyId: null }, requestId: currentRequestIds()?.requestId ?? randomUUID() };
    await audit(tx, actor, {
      action: 'role_assignment.create',
      targetType: 'RoleAssignment',
      targetId: inserted.id,
      organizationId,
      changes: { principalId, roleKey: role.key, scope: role.scope, tenantId: tenantId ?? null, invitationId, createdBy: createdBy ?? null },
    });
    return { status: 200, body: { created: true, assignmentId: inserted.id } };
  });
}

export function roleAssignmentRoutes(database: Database, internalSecret: string) {
  return internalRoutes(internalSecret, {
    [FORGET_PRINCIPAL_PATH]: (body) => forgetPrincipal(database, body),
    [GRANT_INVITED_ROLE_PATH]: (body) => grantInvitedRole(database, body),
  });
}
