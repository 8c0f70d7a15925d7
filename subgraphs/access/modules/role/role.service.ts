import type { EntityManager } from '@mikro-orm/postgresql';
import { audit, type Actor } from '../../../common/audit/writer.js';
import { builtinRole, isPermission, PERMISSIONS, type Permission, type Scope } from '../../../common/authz/catalog.js';
import { Place, type DecisionPoint } from '../../../common/authz/decision.js';
import { uniqueViolation } from '../../../common/db/errors.js';
import { sql } from '../../../common/db/orm.js';
import { badInput, conflict, notFound } from '../../../../lib/errors.js';
import type { SubgraphContext } from '../../../common/context.js';
import { parseId, parseOptionalId } from '../../../common/ids.js';
import { parseName, parseOptionalText } from '../../../common/validation.js';
import { CustomRole } from './role.entity.js';
import type { CreateRoleInput, DeleteRoleInput, UpdateRoleInput } from './role.input.js';
import { builtinRoles, customRole, type Role } from './role.type.js';

/** A role as assignments use it: built-in, or the custom definition nearest above the place. */
export interface ResolvedRole {
  key: string;
  scope: Scope;
  permissions: readonly Permission[];
  customRoleId: string | null;
}

/** Custom roles visible at an organization: defined there or on an ancestor; nearer definitions win. */
async function customRolesAt(em: EntityManager, authz: DecisionPoint, organizationId: string): Promise<CustomRole[]> {
  const path = await authz.ancestry(organizationId);
  if (!path) return [];
  const chain = [...path, organizationId];
  const rows = await em.find(CustomRole, { organizationId: { $in: chain } }, { orderBy: { key: 'asc' } });
  const nearest = new Map<string, CustomRole>();
  for (const role of rows.sort((a, b) => chain.indexOf(a.organizationId!) - chain.indexOf(b.organizationId!))) nearest.set(role.key, role);
  return [...nearest.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/** Custom roles of the whole platform (PLATFORM scope, defined by no organization). */
function platformRoles(em: EntityManager): Promise<CustomRole[]> {
  return em.find(CustomRole, { organizationId: null }, { orderBy: { key: 'asc' } });
}

/** Where a custom role is defined: its organization, or the platform. */
export function placeOfRole(role: CustomRole): Place {
  return role.organizationId ? Place.organization(role.organizationId) : Place.platform;
}

/**
 * Roles assignable in an organization (built-in ones and custom ones defined there or above),
 * or, without one, on the platform (built-in roles and the platform's custom roles).
 */
export async function listRoles(ctx: SubgraphContext, organizationIdArg: string | null, scope: Scope | null): Promise<Role[]> {
  const organizationId = parseOptionalId(organizationIdArg, 'organizationId');
  if (organizationId) await ctx.authz.resolvePlace(organizationId, null);
  const custom = (organizationId ? await customRolesAt(ctx.em, ctx.authz, organizationId) : await platformRoles(ctx.em)).map(customRole);
  return [...builtinRoles(), ...custom].filter((r) => (!scope || r.scope === scope) && (!organizationId || r.scope !== 'PLATFORM'));
}

export async function resolveRole(em: EntityManager, authz: DecisionPoint, key: unknown, organizationId: string | null): Promise<ResolvedRole | null> {
  if (typeof key !== 'string') return null;
  const builtin = builtinRole(key);
  if (builtin) return { key, scope: builtin.scope, permissions: builtin.permissions, customRoleId: null };
  const custom = (organizationId ? await customRolesAt(em, authz, organizationId) : await platformRoles(em)).find((r) => r.key === key);
  return custom ? { key, scope: custom.scope, permissions: custom.permissions as Permission[], customRoleId: custom.id } : null;
}

function parsePermissions(values: unknown, scope: Scope): Permission[] {
  if (!Array.isArray(values) || values.length === 0) throw badInput('permissions', 'A role needs at least one permission');
  const permissions = [...new Set(values as string[])];
  for (const permission of permissions) {
    if (typeof permission !== 'string' || !isPermission(permission)) throw badInput('permissions', `Unknown permission "${String(permission)}"`);
    if (!(PERMISSIONS[permission].scopes as readonly Scope[]).includes(scope)) {
      throw badInput('permissions', `${permission} does not apply at ${scope.toLowerCase()} scope`);
    }
  }
  return permissions as Permission[];
}

/** A custom role for an organization and everything below it, or (no organization) a PLATFORM role. */
export async function createRole(em: EntityManager, authz: DecisionPoint, actor: Actor, organizationId: string | null, input: CreateRoleInput): Promise<CustomRole> {
  const orgId = parseOptionalId(organizationId, 'organizationId');
  if (typeof input.key !== 'string' || !/^[a-z][a-z0-9_]{1,63}$/.test(input.key)) {
    throw badInput('key', 'key must be 2-64 characters of a-z, 0-9 and _, starting with a letter');
  }
  if (builtinRole(input.key)) throw conflict(`${input.key} is a built-in role`, { field: 'key' });
  const scope = input.scope;
  if (orgId && scope !== 'ORGANIZATION' && scope !== 'TENANT') throw badInput('scope', "An organization's roles apply at ORGANIZATION or TENANT scope; PLATFORM roles are defined without an organizationId");
  if (!orgId && scope !== 'PLATFORM') throw badInput('scope', 'Without an organizationId a role is a PLATFORM role');
  const name = parseName(input.name);
  const description = parseOptionalText(input.description, 'description', 1000);
  const permissions = parsePermissions(input.permissions, scope);
  const place = orgId ? Place.organization(orgId) : Place.platform;
  await authz.assertGrantable(place, permissions, `a role "${input.key}"`);
  try {
    return await em.transactional(async (tx) => {
      const role = tx.create(CustomRole, { organizationId: orgId, key: input.key, name, description, scope, permissions });
      await tx.flush();
      await audit(tx, actor, { action: 'role.create', targetType: 'Role', targetId: role.id, organizationId: orgId, changes: { key: input.key, name, scope, permissions } });
      return role;
    });
  } catch (error) {
    if (uniqueViolation(error)) throw conflict(`${orgId ? 'This organization' : 'The platform'} already defines a role "${input.key}"`, { field: 'key' });
    throw error;
  }
}

export async function updateRole(em: EntityManager, authz: DecisionPoint, actor: Actor, id: string, input: UpdateRoleInput): Promise<CustomRole> {
  const roleId = parseId(id, 'id');
  return em.transactional(async (tx) => {
    const role = await tx.findOne(CustomRole, roleId, { refresh: true });
    if (!role) throw notFound('Role');
    const changes: Partial<Pick<CustomRole, 'name' | 'description' | 'permissions'>> = {};
    if (input.name != null) changes.name = parseName(input.name);
    if (input.description !== undefined) changes.description = parseOptionalText(input.description, 'description', 1000);
    if (input.permissions != null) {
      changes.permissions = parsePermissions(input.permissions, role.scope);
      await authz.assertGrantable(placeOfRole(role), changes.permissions as Permission[], `role "${role.key}"`);
    }
    tx.assign(role, changes);
    await tx.flush();
    await audit(tx, actor, { action: 'role.update', targetType: 'Role', targetId: role.id, organizationId: role.organizationId, changes });
    return role;
  });
}

export async function deleteRole(em: EntityManager, authz: DecisionPoint, actor: Actor, id: string, input: DeleteRoleInput): Promise<string> {
  const roleId = parseId(id, 'id');
  if (input.removeAssignments && input.reassignTo) throw badInput('reassignTo', 'Either remove the assignments or reassign them, not both');
  const role = await em.findOne(CustomRole, roleId);
  if (!role) throw notFound('Role');
  const target = input.reassignTo ? await resolveRole(em, authz, input.reassignTo, role.organizationId) : null;
  if (input.reassignTo && (!target || target.customRoleId === role.id)) throw badInput('reassignTo', `No other role "${input.reassignTo}" here`);
  if (target && target.scope !== role.scope) throw badInput('reassignTo', `${input.reassignTo} is not a ${role.scope.toLowerCase()} role`);
  if (target) await authz.assertGrantable(placeOfRole(role), target.permissions, target.key);
  return em.transactional(async (tx) => {
    const [usage] = await sql<{ n: number }>(tx, `select count(*)::int as n from access.role_assignment where role_id = ?`, [roleId]);
    const inUse = usage!.n;
    if (inUse > 0 && !input.removeAssignments && !target) {
      throw conflict(`The role has ${inUse} assignment(s); say whether to remove them (removeAssignments) or move them (reassignTo)`, { reason: 'ROLE_IN_USE', assignments: inUse });
    }
    if (target) {
      // An assignment that already holds the target role is simply dropped.
      await sql(
        tx,
        `delete from access.role_assignment ra where ra.role_id = ? and exists (
           select 1 from access.role_assignment other
            where other.principal_id = ra.principal_id and other.role_key = ?
              and other.organization_id is not distinct from ra.organization_id and other.tenant_id is not distinct from ra.tenant_id)`,
        [roleId, target.key],
      );
      await sql(tx, `update access.role_assignment set role_key = ?, role_id = ? where role_id = ?`, [target.key, target.customRoleId, roleId]);
    } else {
      await sql(tx, `delete from access.role_assignment where role_id = ?`, [roleId]);
    }
    await sql(tx, `delete from access.role where id = ?`, [roleId]);
    await audit(tx, actor, {
      action: 'role.delete',
      targetType: 'Role',
      targetId: roleId,
      organizationId: role.organizationId,
      changes: { key: role.key, assignments: inUse, ...(target ? { reassignedTo: target.key } : inUse ? { assignmentsRemoved: true } : {}) },
    });
    return roleId;
  });
}
