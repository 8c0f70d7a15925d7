import { buildSubgraph, type SubgraphSchema } from '../common/federation.js';
import { AuditEventResolver } from './modules/audit/audit.resolver.js';
import { resolveMembershipReference } from './modules/membership/membership.reference.js';
import { MembershipRoleAssignmentsResolver } from './modules/membership/membership.resolver.js';
import { MembershipRef } from './modules/membership/membership.type.js';
import { resolveOrganizationReference } from './modules/organization/organization.reference.js';
import { CanResolver } from './modules/permission/can.resolver.js';
import { OrganizationPermissionsResolver, RoleAssignmentPermissionsResolver } from './modules/permission/permission.resolver.js';
import { OrganizationRoleAssignmentsResolver, RoleAssignmentResolver, TenantRoleAssignmentsResolver } from './modules/role-assignment/role-assignment.resolver.js';
import { RoleResolver } from './modules/role/role.resolver.js';
import { resolveTenantReference } from './modules/tenant/tenant.reference.js';
import { ViewerResolver } from './modules/viewer/viewer.resolver.js';
import { accessRules } from './rules.js';

export function buildAccessSchema(): Promise<SubgraphSchema> {
  return buildSubgraph({
    resolvers: [
      RoleAssignmentResolver,
      OrganizationRoleAssignmentsResolver,
      TenantRoleAssignmentsResolver,
      AuditEventResolver,
      ViewerResolver,
      CanResolver,
      RoleResolver,
      OrganizationPermissionsResolver,
      RoleAssignmentPermissionsResolver,
      MembershipRoleAssignmentsResolver,
    ],
    // Reached only through the gateway's entity calls: no field of ours returns it.
    orphanedTypes: [MembershipRef],
    references: {
      Organization: { __resolveReference: resolveOrganizationReference },
      Tenant: { __resolveReference: resolveTenantReference },
      Membership: { __resolveReference: resolveMembershipReference },
    },
    rules: accessRules,
  });
}
