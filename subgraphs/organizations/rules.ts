import { allow, and } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { Place } from '../common/authz/decision.js';
import { can, isAuthenticated } from '../common/authz/rules.js';
import { parseId, parseOptionalId } from '../common/ids.js';
import type { SubgraphContext } from '../common/context.js';
import { organizationById } from './modules/organization/organization.loaders.js';
import { tenantById } from './modules/tenant/tenant.loaders.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const organizationArg = (name: string) => (_parent: unknown, args: any) => Place.organization(parseId(args[name], name));
const tenantArg = (_parent: unknown, args: any) => Place.tenant(parseId(args.id, 'id'));
/**
 * The organization (tenant) a query asks for, read through the by-id loader the resolver uses:
 * the row carries its ancestry, so deciding and answering cost one statement, not two.
 */
const askedOrganization = async (_parent: unknown, args: any, ctx: SubgraphContext) => {
  const id = parseId(args.id, 'id');
  await organizationById(ctx).load(id);
  return Place.organization(id);
};
const askedTenant = async (_parent: unknown, args: any, ctx: SubgraphContext) => {
  const id = parseId(args.id, 'id');
  await tenantById(ctx).load(id);
  return Place.tenant(id);
};
/** Root organizations are created (and moved to) on the platform, everything else under a parent. */
const parentOrPlatform = (read: (args: any) => unknown, name: string) => (_parent: unknown, args: any) => {
  const parentId = parseOptionalId(read(args), name);
  return parentId ? Place.organization(parentId) : Place.platform;
};
const self = (organization: { id: string }) => Place.organization(organization.id);

export const organizationRules: IRules = {
  Query: {
    organization: can('organization:read', askedOrganization),
    organizations: isAuthenticated,
    tenant: can('tenant:read', askedTenant),
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
