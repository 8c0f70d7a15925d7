import { Place } from '../../../common/authz/decision.js';
import type { SubgraphContext } from '../../../common/context.js';
import { isUuid } from '../../../common/ids.js';
import type { Tenant } from './tenant.entity.js';
import { tenantById } from './tenant.loaders.js';

/** Federation: tenants by id; the ones the caller may not see resolve to null. */
export async function resolveTenantReference(reference: { id: string }, ctx: SubgraphContext): Promise<Tenant | null> {
  if (!isUuid(reference.id)) return null;
  const tenant = await tenantById(ctx).load(reference.id);
  return tenant && (await ctx.authz.can('tenant:read', Place.tenant(tenant.id))) ? tenant : null;
}
