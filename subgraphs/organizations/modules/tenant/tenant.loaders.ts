import type DataLoader from 'dataloader';
import { connectionLoader } from '../../../common/batching.js';
import type { SubgraphContext } from '../../../common/context.js';
import { byIdLoader } from '../../../common/loaders.js';
import type { ConnectionArgs } from '../../../common/pagination.js';
import { Tenant } from './tenant.entity.js';

export const TENANT_ORDER = ['label collate "C"', 'id'];

export function tenantById(ctx: SubgraphContext): DataLoader<string, Tenant | null> {
  return byIdLoader(ctx, Tenant);
}

export function tenantsOf(ctx: SubgraphContext, args: ConnectionArgs) {
  return connectionLoader(ctx, Tenant, 'tenant.byOrganization', args, TENANT_ORDER, (t) => [t.label, t.id], (keys) => ({
    sql: `select t.*, t.organization_id as partition_key from organizations.tenant t where t.organization_id = any(?::uuid[])`,
    params: [keys],
  }));
}

/** The organization that owns a tenant id, for permission rules; null when the tenant does not exist. */
export async function organizationOfTenant(ctx: SubgraphContext, id: string): Promise<string | null> {
  return (await tenantById(ctx).load(id))?.organizationId ?? null;
}
