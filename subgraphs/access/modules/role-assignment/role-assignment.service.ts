import { LockMode } from '@mikro-orm/core';
import { Place } from '../../../common/authz/decision.js';
import type { Permission, Scope } from '../../../common/authz/catalog.js';
import type { PrincipalRecord } from '../../../common/authz/directory.js';
import { audit } from '../../../common/audit/writer.js';
import type { SubgraphContext } from '../../../common/context.js';
import { uniqueViolation } from '../../../common/db/errors.js';
import { sql } from '../../../common/db/orm.js';
import { badInput, conflict, forbidden, notFound } from '../../../../lib/errors.js';
import { parseId, parseOptionalId } from '../../../common/ids.js';
import { BY_ID, keysetSql, pageRequest, toConnection, type Connection, type ConnectionArgs } from '../../../common/pagination.js';
import { resolveRole } from '../role/role.service.js';
import { RoleAssignment } from './role-assignment.entity.js';
import type { AssignRoleInput } from './role-assignment.input.js';
import { assignmentsOfMemberships } from './role-assignment.loaders.js';

export interface AssignmentTarget {
  principal: PrincipalRecord;
  roleKey: string;
  /** The custom role's definition; null for built-in roles. */
  roleId: string | null;
  rolePermissions: readonly Permission[];
  place: Place;
  scope: Scope;
  organizationId: string | null;
  tenantId: string | null;
}

/**
 * Reads an assign/unassign input: a principal and a place the caller can see (NOT_FOUND
 * otherwise, as for ids that do not exist), a role that exists there with the place's scope,
 * and the caller's role_assignment:manage at that place.
 */
async function authorizedTarget(ctx: SubgraphContext, input: AssignRoleInput): Promise<AssignmentTarget> {
  const principalId = parseId(input.principalId, 'principalId');
  const { place, organizationId, tenantId } = await ctx.authz.resolvePlace(
    parseOptionalId(input.organizationId, 'organizationId'),
    parseOptionalId(input.tenantId, 'tenantId'),
  );
  const principal = await ctx.authz.visiblePrincipal(principalId, organizationId);
  if (!principal) throw notFound('Principal');
  const scope = Place.scope(place);
  // Custom roles are found from where they are assigned: defined there or above.
  const role = await resolveRole(ctx.em, ctx.authz, input.roleKey, organizationId);
  if (!role) throw badInput('roleKey', `Unknown role "${String(input.roleKey)}"`);
  if (role.scope !== scope) {
    throw badInput('roleKey', `${input.roleKey} is a ${role.scope.toLowerCase()} role and cannot be assigned at ${scope.toLowerCase()} scope`);
  }
  if (!(await ctx.authz.can('role_assignment:manage', place))) throw forbidden('Missing permission role_assignment:manage');
  return { principal, roleKey: role.key, roleId: role.customRoleId, rolePermissions: role.permissions, place, scope, organizationId, tenantId };
}

/** CONFLICT when held already; nobody grants a role with permissions they do not hold at that place. */
export async function assignRole(ctx: SubgraphContext, input: AssignRoleInput): Promise<RoleAssignment> {
  const target = await authorizedTarget(ctx, input);
  if (target.principal.type === 'user' && target.organizationId && !(await ctx.authz.activeIn(target.principal, target.organizationId))) {
    throw badInput('principalId', 'A user holds roles in an organization only as an active member of it or of an organization above it: add the user first');
  }
  await ctx.authz.assertGrantable(target.place, target.rolePermissions, target.roleKey);
  try {
    return await ctx.em.transactional(async (tx) => {
      const assignment = tx.create(RoleAssignment, {
        principalId: target.principal.id,
        principalType: target.principal.type,
        roleKey: target.roleKey,
        roleId: target.roleId,
        scope: target.scope,
        organizationId: target.organizationId,
        tenantId: target.tenantId,
        createdBy: ctx.principal?.id ?? null,
      });
      await tx.flush();
      await audit(tx, ctx, {
        action: 'role_assignment.create',
        targetType: 'RoleAssignment',
        targetId: assignment.id,
        organizationId: target.organizationId,
        changes: { principalId: target.principal.id, roleKey: target.roleKey, scope: target.scope, tenantId: target.tenantId },
      });
      return assignment;
    });
  } catch (error) {
    if (uniqueViolation(error)) throw conflict(`The principal already holds ${target.roleKey} here`);
    throw error;
  }
}

/** The removed assignment's id; CONFLICT when not held, and for the last org_owner of an organization. */
export async function unassignRole(ctx: SubgraphContext, input: AssignRoleInput): Promise<string> {
  const target = await authorizedTarget(ctx, input);
  // Nobody takes away a role they could not give: a user_admin does not unassign platform_admin.
  await ctx.authz.assertGrantable(target.place, target.rolePermissions, target.roleKey);
  return ctx.em.transactional(async (tx) => {
    const where = { principalId: target.principal.id, roleKey: target.roleKey, organizationId: target.organizationId, tenantId: target.tenantId };
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
    await audit(tx, ctx, {
      action: 'role_assignment.delete',
      targetType: 'RoleAssignment',
      targetId: assignment.id,
      organizationId: target.organizationId,
      changes: { principalId: target.principal.id, roleKey: target.roleKey, scope: target.scope, tenantId: target.tenantId },
    });
    return assignment.id;
  });
}

/**
 * Assignments made on a tenant, on an organization, or (neither named) on the platform;
 * `principalId` narrows to one principal the caller can see. Without a place, a caller may
 * always list its own.
 */
export async function listAssignments(
  ctx: SubgraphContext,
  args: ConnectionArgs & { organizationId: string | null; tenantId: string | null; principalId: string | null },
): Promise<Connection<RoleAssignment>> {
  const { authz } = ctx;
  const { place, organizationId, tenantId } = await authz.resolvePlace(parseOptionalId(args.organizationId, 'organizationId'), parseOptionalId(args.tenantId, 'tenantId'));
  const principalId = parseOptionalId(args.principalId, 'principalId');
  if (principalId && !(await authz.visiblePrincipal(principalId, organizationId))) throw notFound('Principal');
  const own = principalId !== null && principalId === ctx.principal?.id;
  if (!(await authz.can('role_assignment:read', place))) {
    if (place.kind !== 'platform') throw forbidden('Missing permission role_assignment:read');
    if (!own) throw badInput('organizationId', 'Name an organization or tenant, or ask for your own assignments (principalId)');
  }
  const page = pageRequest(args, BY_ID);
  const keyset = keysetSql(page);
  const filter = tenantId ? `tenant_id = ?::uuid` : organizationId ? `organization_id = ?::uuid and tenant_id is null` : own ? `true` : `scope = 'PLATFORM'`;
  const placeParams = tenantId ? [tenantId] : organizationId ? [organizationId] : [];
  const where = `${filter} and (?::uuid is null or principal_id = ?::uuid)`;
  const params = [...placeParams, principalId, principalId];
  const [rows, [count]] = await Promise.all([
    sql(ctx.em, `select * from access.role_assignment where ${where} and ${keyset.where} order by ${keyset.orderBy} limit ?`, [...params, ...keyset.params, page.limit + 1]),
    sql<{ n: number }>(ctx.em, `select count(*)::int as n from access.role_assignment where ${where}`, params),
  ]);
  return toConnection(rows.map((r) => ctx.em.map(RoleAssignment, r)), page, count!.n, (a) => [a.id]);
}

/** A membership's assignments the caller may see: all of them for the member, otherwise where it holds role_assignment:read. */
export async function membershipAssignments(ctx: SubgraphContext, membershipId: string): Promise<RoleAssignment[]> {
  const assignments = await assignmentsOfMemberships(ctx).load(membershipId);
  const readable = await Promise.all(assignments.map(async (a) => a.principalId === ctx.principal?.id || (await ctx.authz.can('role_assignment:read', Place.of(a)))));
  return assignments.filter((_, i) => readable[i]);
}
