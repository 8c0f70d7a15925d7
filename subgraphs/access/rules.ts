import { allow } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { can, isAuthenticated, PLATFORM } from '../common/authz/rules.js';

const self = (organization: { id: string }) => organization.id;

export const accessRules: IRules = {
  Query: {
    roles: isAuthenticated,
  },
  Mutation: {
    // Their scope is inside the input; the resolver asks the decision point (see role-assignment.resolver.ts).
    assignRole: isAuthenticated,
    unassignRole: isAuthenticated,
  },
  Organization: { id: can('organization:read', self), permissions: can('organization:read', self) },
  RoleAssignment: can('role_assignment:read', (a: { organizationId: string | null }) => a.organizationId ?? PLATFORM),
  Role: allow,
  Permission: allow,
  Tenant: allow,
  ServiceAccount: allow,
};
