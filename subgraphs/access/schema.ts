import { isUuid } from '../common/ids.js';
import type { SubgraphContext } from '../common/context.js';
import { buildSubgraph, type SubgraphSchema } from '../common/federation.js';
import { OrganizationPermissionsResolver, RoleAssignmentPermissionsResolver } from './modules/permission/permission.resolver.js';
import { CanResolver } from './modules/permission/can.resolver.js';
import { OrganizationRoleAssignmentsResolver, RoleAssignmentListResolver, TenantRoleAssignmentsResolver } from './modules/role-assignment/role-assignment.connections.js';
import { AuditEventResolver } from './modules/audit/audit.resolver.js';
import { ViewerResolver } from './modules/viewer/viewer.resolver.js';
import { RoleAssignmentResolver } from './modules/role-assignment/role-assignment.resolver.js';
import { RoleResolver } from './modules/role/role.resolver.js';
import { accessRules } from './rules.js';

async function resolveOrganizationReference(reference: { id: string }, ctx: SubgraphContext) {
  if (!isUuid(reference.id)) return null;
  return (await ctx.authz.can('organization:read', reference.id)) ? { id: reference.id } : null;
}

async function resolveTenantReference(reference: { id: string }, ctx: SubgraphContext) {
  if (!isUuid(reference.id)) return null;
  return (await ctx.authz.canOnTenant('tenant:read', reference.id)) ? { id: reference.id } : null;
}

export function buildAccessSchema(): Promise<SubgraphSchema> {
  return buildSubgraph({
    resolvers: [RoleAssignmentListResolver, OrganizationRoleAssignmentsResolver, TenantRoleAssignmentsResolver, AuditEventResolver, ViewerResolver, CanResolver, RoleResolver, RoleAssignmentResolver, OrganizationPermissionsResolver, RoleAssignmentPermissionsResolver],
    references: {
      Organization: { __resolveReference: resolveOrganizationReference },
      Tenant: { __resolveReference: resolveTenantReference },
    },
    rules: accessRules,
  });
}
