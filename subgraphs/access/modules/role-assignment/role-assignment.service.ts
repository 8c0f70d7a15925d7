import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { visiblePlace, type DecisionPoint } from '../../../common/authz/decision.js';
import type { Permission, Scope } from '../../../common/authz/catalog.js';
import { audit, type Actor } from '../../../common/audit.js';
import { uniqueViolation } from '../../../common/db/errors.js';
import { sql } from '../../../common/db/orm.js';
import { badInput, conflict, forbidden, notFound } from '../../../../lib/errors.js';
import { parseId, parseOptionalId } from '../../../common/ids.js';
import { resolveRole } from '../role/role.service.js';
import { RoleAssignment } from './role-assignment.entity.js';
import type { AssignRoleInput } from './role-assignment.input.js';

export interface AssignmentTarget {
  principalId: string;
  roleKey: string;
  /** The custom role's definition; null for built-in roles. */
  roleId: string | null;
  rolePermissions: readonly Permission[];
  scope: Scope;
  organizationId: string | null;
  tenantId: string | null;
}

/** Validates an assign/unassign input: the role exists and its scope matches what the input names. */
export async function resolveTarget(em: EntityManager, authz: DecisionPoint, input: AssignRoleInput): Promise<AssignmentTarget> {
  const principalId = parseId(input.principalId, 'principalId');
  const { organizationId, tenantId } = await visiblePlace(
    authz,
    parseOptionalId(input.organizationId, 'organizationId'),
    parseOptionalId(input.tenantId, 'tenantId'),
  );
  const scope: Scope = tenantId ? 'TENANT' : organizationId ? 'ORGANIZATION' : 'PLATFORM';
  // Custom roles are found from where they are assigned: defined there or above.
  const role = await resolveRole(em, authz, input.roleKey, organizationId);
  if (!role) throw badInput('roleKey', `Unknown role "${String(input.roleKey)}"`);
  if (role.scope !== scope) {
    throw badInput('roleKey', `${input.roleKey} is a ${role.scope.toLowerCase()} role and cannot be assigned at ${scope.toLowerCase()} scope`);
  }
  return { principalId, roleKey: role.key, roleId: role.customRoleId, rolePermissions: role.permissions, scope, organizationId, tenantId };
}

/** Where the permission to manage assignments is checked: the organization, or the platform. */
export async function mayManage(authz: DecisionPoint, target: AssignmentTarget): Promise<boolean> {
  return (await heldAt(authz, target)).has('role_assignment:manage');
}

/** The caller's permissions where the assignment applies: a tenant, an organization, or the platform. */
function heldAt(authz: DecisionPoint, target: AssignmentTarget) {
  if (target.tenantId) return authz.permissionsOnTenant(target.tenantId);
  if (target.organizationId) return authz.permissionsOn(target.organizationId);
  return authz.platformPermissions();
}

async function principalType(em: EntityManager, principalId: string): Promise<'service_account' | null> {
  const [row] = await sql(em, `select 1 from identities.service_account where id = ?`, [principalId]);
  return row ? 'service_account' : null;
}

/** Nobody grants what they do not hold: the role's permissions must all be the caller's at that scope. */
async function assertNoEscalation(authz: DecisionPoint, target: AssignmentTarget): Promise<void> {
  const held = await heldAt(authz, target);
  const missing = target.rolePermissions.filter((p) => !held.has(p));
  if (missing.length) throw forbidden(`You cannot grant ${target.roleKey}: you do not hold ${missing.join(', ')} here`);
}

export async function assignRole(em: EntityManager, authz: DecisionPoint, actor: Actor, target: AssignmentTarget): Promise<RoleAssignment> {
  await assertNoEscalation(authz, target);
  const type = await principalType(em, target.principalId);
  if (!type) throw notFound('Principal');
  try {
    return await em.transactional(async (tx) => {
      const assignment = tx.create(RoleAssignment, {
        principalId: target.principalId,
        principalType: type,
        roleKey: target.roleKey,
        roleId: target.roleId,
        scope: target.scope,
        organizationId: target.organizationId,
        tenantId: target.tenantId,
        createdBy: actor.principal?.id ?? null,
      });
      await tx.flush();
      await audit(tx, actor, {
        action: 'role_assignment.create',
        targetType: 'RoleAssignment',
        targetId: assignment.id,
        organizationId: target.organizationId,
        changes: { principalId: target.principalId, roleKey: target.roleKey, scope: target.scope, tenantId: target.tenantId },
      });
      return assignment;
    });
  } catch (error) {
    if (uniqueViolation(error)) throw conflict(`The principal already holds ${target.roleKey} here`);
    throw error;
  }
}

export async function unassignRole(em: EntityManager, actor: Actor, target: AssignmentTarget): Promise<string> {
  return em.transactional(async (tx) => {
    const where = { principalId: target.principalId, roleKey: target.roleKey, organizationId: target.organizationId, tenantId: target.tenantId };
    const assignment = await tx.findOne(RoleAssignment, where, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!assignment) throw conflict(`The principal does not hold ${target.roleKey} here`);
    if (target.roleKey === 'org_owner') {
      // Lock every owner row of the organization so two concurrent removals cannot both pass.
      const owners = await sql(tx, `select id from access.role_assignment where organization_id = ? and role_key = 'org_owner' and tenant_id is null for update`, [
        target.organizationId,
      ]);
      if (owners.length <= 1) throw conflict('An organization keeps at least one org_owner; assign another owner first', { reason: 'LAST_OWNER' });
    }
    await tx.remove(assignment).flush();
    await audit(tx, actor, {
      action: 'role_assignment.delete',
      targetType: 'RoleAssignment',
      targetId: assignment.id,
      organizationId: target.organizationId,
      changes: { principalId: target.principalId, roleKey: target.roleKey, scope: target.scope, tenantId: target.tenantId },
    });
    return assignment.id;
  });
}
