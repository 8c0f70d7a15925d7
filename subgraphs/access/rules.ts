import { allow, rule } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { Place } from '../common/authz/decision.js';
import { can, isAuthenticated } from '../common/authz/rules.js';
import type { SubgraphContext } from '../common/context.js';
import { notFound, unauthenticated } from '../../lib/errors.js';
import { parseId } from '../common/ids.js';
import { byIdLoader } from '../common/loaders.js';
import { CustomRole } from './modules/role/role.entity.js';
import { placeOfRole } from './modules/role/role.service.js';

const organizationArg = (_parent: unknown, args: { organizationId: unknown }) => Place.organization(parseId(args.organizationId, 'organizationId'));
/** An organization named by the arguments, or the platform when none is. */
const organizationOrPlatform = (_parent: unknown, args: { organizationId?: unknown }) =>
  args.organizationId == null ? Place.platform : Place.organization(parseId(args.organizationId, 'organizationId'));
const roleArg = async (_parent: unknown, args: { id: unknown }, ctx: SubgraphContext) => {
  const role = await byIdLoader(ctx, CustomRole).load(parseId(args.id, 'id'));
  return role ? placeOfRole(role) : null;
};
const self = (organization: { id: string }) => Place.organization(organization.id);

/** An assignment is visible to whoever holds it, and where it applies: on its tenant, its organization, or the platform. */
const assignmentReadable = rule({ cache: 'no_cache' })(
  async (assignment: { principalId: string; tenantId: string | null; organizationId: string | null }, _args: unknown, ctx: SubgraphContext) => {
    if (!ctx.principal) return unauthenticated();
    if (assignment.principalId === ctx.principal.id) return true;
    return (await ctx.authz.can('role_assignment:read', Place.of(assignment))) || notFound('RoleAssignment');
  },
);

export const accessRules: IRules = {
  Query: {
    roles: isAuthenticated,
    // Visibility of the organization or tenant asked about is checked in the resolver (NOT_FOUND).
    can: isAuthenticated,
    me: isAuthenticated,
    // Place and permission come from the arguments; checked in the service.
    roleAssignments: isAuthenticated,
    auditEvents: can('audit:read', organizationArg),
  },
  Mutation: {
    createRole: can('role:manage', organizationOrPlatform),
    updateRole: can('role:manage', roleArg, 'Role'),
    deleteRole: can('role:manage', roleArg, 'Role'),
    // Their place is inside the input; the service asks the decision point (role-assignment.service.ts).
    assignRole: isAuthenticated,
    unassignRole: isAuthenticated,
  },
  Organization: {
    id: can('organization:read', self),
    permissions: can('organization:read', self),
    roleAssignments: can('role_assignment:read', self),
  },
  Tenant: {
    id: can('tenant:read', (tenant: { id: string }) => Place.tenant(tenant.id)),
    roleAssignments: can('role_assignment:read', (tenant: { id: string }) => Place.tenant(tenant.id)),
  },
  // Reached from a membership identities has shown the caller; each assignment is filtered in the resolver.
  Membership: isAuthenticated,
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
  User: allow,
};
