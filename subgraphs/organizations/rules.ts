import { allow, and } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { Place } from '../common/authz/decision.js';
import { can, isAuthenticated } from '../common/authz/rules.js';
import { parseId, parseOptionalId } from '../common/ids.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const organizationArg = (name: string) => (_parent: unknown, args: any) => Place.organization(parseId(args[name], name));
const tenantArg = (_parent: unknown, args: any) => Place.tenant(parseId(args.id, 'id'));
/** Root organizations are created (and moved to) on the platform, everything else under a parent. */
const parentOrPlatform = (read: (args: any) => unknown, name: string) => (_parent: unknown, args: any) => {
  const parentId = parseOptionalId(read(args), name);
  return parentId ? Place.organization(parentId) : Place.platform;
};
const self = (organization: { id: string }) => Place.organization(organization.id);

export const organizationRules: IRules = {
  Query: {
    organization: can('organization:read', organizationArg('id')),
    organizations: isAuthenticated,
    tenant: can('tenant:read', tenantArg),
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
    updateTenant: can('tenant:update', tenantArg),
    deleteTenant: can('tenant:delete', tenantArg),
  },
  // Type rules also guard objects reached through `_entities`.
  Organization: can('organization:read', self),
  Tenant: can('tenant:read', (tenant: { id: string }) => Place.tenant(tenant.id)),
  OrganizationConnection: allow,
  OrganizationEdge: allow,
  TenantConnection: allow,
  TenantEdge: allow,
  PageInfo: allow,
  Permission: allow,
};
