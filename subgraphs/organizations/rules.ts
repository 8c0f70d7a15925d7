import { allow, and } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { can, canOnTenant, isAuthenticated, PLATFORM } from '../common/authz/rules.js';
import { parseId, parseOptionalId } from '../common/ids.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const organizationArg = (name: string) => (_parent: unknown, args: any) => parseId(args[name], name);
const tenantArg = (_parent: unknown, args: any) => parseId(args.id, 'id');
/** Root organizations are created (and moved to) on the platform, everything else under a parent. */
const parentOrPlatform = (read: (args: any) => unknown, name: string) => (_parent: unknown, args: any) =>
  parseOptionalId(read(args), name) ?? PLATFORM;

export const organizationRules: IRules = {
  Query: {
    organization: can('organization:read', organizationArg('id')),
    organizations: isAuthenticated,
    tenant: canOnTenant('tenant:read', tenantArg),
  },
  Mutation: {
    createOrganization: can('organization:create', parentOrPlatform((args) => args.input?.parentId, 'parentId')),
    updateOrganization: can('organization:update', organizationArg('id')),
    moveOrganization: and(
      can('organization:update', organizationArg('id')),
      can('organization:create', parentOrPlatform((args) => args.parentId, 'parentId')),
    ),
    setDeleteProtection: can('organization:delete', organizationArg('id')),
    deleteOrganization: can('organization:delete', organizationArg('id')),
    createTenant: can('tenant:create', organizationArg('organizationId')),
    updateTenant: canOnTenant('tenant:update', tenantArg),
    deleteTenant: canOnTenant('tenant:delete', tenantArg),
  },
  // Type rules also guard objects reached through `_entities`.
  Organization: can('organization:read', (organization: { id: string }) => organization.id),
  Tenant: canOnTenant('tenant:read', (tenant: { id: string }) => tenant.id),
  OrganizationConnection: allow,
  OrganizationEdge: allow,
  TenantConnection: allow,
  TenantEdge: allow,
  PageInfo: allow,
  Permission: allow,
};
