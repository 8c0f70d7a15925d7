import { Place, type Grant } from '../../../common/authz/decision.js';
import { readReachable } from '../../../common/authz/directory.js';
import type { SubgraphContext } from '../../../common/context.js';
import { unauthenticated } from '../../../../lib/errors.js';
import { keysetSql, pageRequest, toConnection, type ConnectionArgs, type SortOrder } from '../../../common/pagination.js';
import { principalRef } from '../principal/principal.type.js';
import { RoleAssignment } from '../role-assignment/role-assignment.entity.js';
import type { Viewer, ViewerOrganizationConnection, ViewerTenantConnection } from './viewer.type.js';

const BY_DEPTH: SortOrder = [{ sql: 'depth', type: 'int' }, { sql: 'id', type: 'uuid' }];

export async function viewer(ctx: SubgraphContext): Promise<Viewer> {
  if (!ctx.principal) throw unauthenticated();
  return {
    principal: principalRef(ctx.principal),
    platformPermissions: [...(await ctx.authz.permissions(Place.platform))],
  };
}

/** The caller's own assignments, oldest first. */
export async function ownAssignments(ctx: SubgraphContext): Promise<RoleAssignment[]> {
  const ids = (await ctx.authz.grants()).map((g) => g.assignmentId);
  return ids.length ? ctx.em.find(RoleAssignment, { id: { $in: ids } }, { orderBy: { id: 'asc' } }) : [];
}

/** Keys of the caller's roles that reach an organization (or one of its tenants), inherited ones included. */
function rolesReaching(grants: Grant[], organizationId: string, path: string[], tenantId?: string): string[] {
  const reaching = grants.filter(
    (g) =>
      g.scope === 'PLATFORM' ||
      (g.scope === 'ORGANIZATION' && (g.organizationId === organizationId || path.includes(g.organizationId!))) ||
      (g.scope === 'TENANT' && tenantId !== undefined && g.tenantId === tenantId),
  );
  return [...new Set(reaching.map((g) => g.roleKey))];
}

async function reachable(ctx: SubgraphContext, kind: 'organization' | 'tenant', args: ConnectionArgs) {
  const page = pageRequest(args, BY_DEPTH);
  const keyset = keysetSql(page);
  const [roots, grants] = await Promise.all([ctx.authz.readableRoots(), ctx.authz.grants()]);
  const tenantIds = grants.filter((g) => g.scope === 'TENANT').map((g) => g.tenantId!);
  const { rows, total } = await readReachable(ctx.em, kind, roots, tenantIds, { ...keyset, limit: page.limit + 1 });
  return { connection: toConnection(rows, page, total, (r) => [r.depth, r.id]), grants };
}

/** Every organization the caller can see, by depth, each with the roles that reach it. */
export async function reachableOrganizations(ctx: SubgraphContext, args: ConnectionArgs): Promise<ViewerOrganizationConnection> {
  const { connection, grants } = await reachable(ctx, 'organization', args);
  return {
    ...connection,
    edges: connection.edges.map(({ cursor, node }) => ({ cursor, node: { id: node.id }, roles: rolesReaching(grants, node.id, node.path) })),
  };
}

/** Every tenant the caller reaches, through its organization or directly, each with the roles that reach it. */
export async function reachableTenants(ctx: SubgraphContext, args: ConnectionArgs): Promise<ViewerTenantConnection> {
  const { connection, grants } = await reachable(ctx, 'tenant', args);
  return {
    ...connection,
    edges: connection.edges.map(({ cursor, node }) => ({ cursor, node: { id: node.id }, roles: rolesReaching(grants, node.organization_id!, node.path, node.id) })),
  };
}
