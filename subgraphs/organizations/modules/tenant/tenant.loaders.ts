import type DataLoader from 'dataloader';
import { connectionLoader } from '../../../common/batching.js';
import type { SubgraphContext } from '../../../common/context.js';
import { byIdLoader } from '../../../common/loaders.js';
import type { ConnectionArgs, SortOrder } from '../../../common/pagination.js';
import { Tenant } from './tenant.entity.js';

/** Loaded tenants tell the decision point their organization, so checks on them cost no query. */
function primeTenants(ctx: SubgraphContext, tenants: Tenant[]): void {
  for (const tenant of tenants) ctx.authz.primeTenant(tenant.id, tenant.organizationId);
}

export const TENANT_ORDER: SortOrder = [{ sql: 'label collate "C"', type: 'text' }, { sql: 'id', type: 'uuid' }];

export function tenantById(ctx: SubgraphContext): DataLoader<string, Tenant | null> {
  return byIdLoader(ctx, Tenant, (found) => primeTenants(ctx, found));
}

export function tenantsOf(ctx: SubgraphContext, args: ConnectionArgs) {
  return connectionLoader(ctx, Tenant, 'tenant.byOrganization', args, TENANT_ORDER, (t) => [t.label, t.id], (keys) => ({
    sql: `select t.*, t.organization_id as partition_key from organizations.tenant t where t.organization_id = any(?::uuid[])`,
    params: [keys],
  }), (nodes) => primeTenants(ctx, nodes));
}

