import { allow, rule } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { can, canOnTenant, isAuthenticated } from '../common/authz/rules.js';
import type { SubgraphContext } from '../common/context.js';
import { notFound, unauthenticated } from '../../lib/errors.js';
import { parseId } from '../common/ids.js';
import { byIdLoader } from '../common/loaders.js';
import { CustomRole } from './modules/role/role.entity.js';

const self = (organization: { id: string }) => organization.id;
const roleArg = async (_parent: unknown, args: { id: unknown }, ctx: SubgraphContext) =>
  (await byIdLoader(ctx, CustomRole).load(parseId(args.id, 'id')))?.organizationId ?? null;

/** An assignment is visible to whoever holds it, and where it applies: on its tenant, its organization, or the platform. */
const assignmentReadable = rule({ cache: 'no_cache' })(
  async (assignment: { principalId: string; tenantId: string | null; organizationId: string | null }, _args: unknown, ctx: SubgraphContext) => {
    if (!ctx.principal) return unauthenticated();
    if (assignment.principalId === ctx.principal.id) return true;
    const { authz } = ctx;
    const allowed = assignment.tenantId
      ? await authz.canOnTenant('role_assignment:read', assignment.tenantId)
      : assignment.organizationId
        ? await authz.can('role_assignment:read', assignment.organizationId)
        : await authz.canOnPlatform('role_assignment:read');
    return allowed || notFound('RoleAssignment');
  },
);

export const accessRules: IRules = {
  Query: {
    roles: isAuthenticated,
    // Visibility of the organization or tenant asked about is checked in the resolver (NOT_FOUND).
    can: isAuthenticated,
    me: isAuthenticated,
    // Place and permission come from the arguments; checked in the resolver.
    roleAssignments: isAuthenticated,
    auditEvents: can('audit:read', (_parent: unknown, args: { organizationId: unknown }) => parseId(args.organizationId, 'organizationId')),
  },
  Mutation: {
    // Their scope is inside the input; the resolver asks the decision point (see role-assignment.resolver.ts).
    createRole: can('role:manage', (_parent: unknown, args: { organizationId: unknown }) => parseId(args.organizationId, 'organizationId')),
    updateRole: can('role:manage', roleArg, 'Role'),
    deleteRole: can('role:manage', roleArg, 'Role'),
    assignRole: isAuthenticated,
    unassignRole: isAuthenticated,
  },
  Organization: {
    id: can('organization:read', self),
    permissions: can('organization:read', self),
    roleAssignments: can('role_assignment:read', self),
  },
  Tenant: {
    id: canOnTenant('tenant:read', self),
    roleAssignments: canOnTenant('role_assignment:read', self),
  },
  RoleAssignmentConnection: allow,
  RoleAssignmentEdge: allow,
  RoleAssignment: assignmentReadable,
  Role: allow,
  AccessDecision: allow,
  // Reached only through auditEvents, which checks audit:read on the organization.
  AuditEvent: allow,
  AuditEventConnection: allow,
  AuditEventEdge: allow,
  // Built from the caller's own grants only.
  Viewer: allow,
  ViewerOrganizationConnection: allow,
  ViewerOrganizationEdge: allow,
  ViewerTenantConnection: allow,
  ViewerTenantEdge: allow,
  PageInfo: allow,
  Permission: allow,
  ServiceAccount: allow,
};
