import { Place } from '../../../common/authz/decision.js';
import type { SubgraphContext } from '../../../common/context.js';
import { isUuid } from '../../../common/ids.js';
import type { TenantRef } from './tenant.type.js';

/** Access adds fields to tenants it does not own; it still answers only for visible ones. */
export async function resolveTenantReference(reference: { id: string }, ctx: SubgraphContext): Promise<TenantRef | null> {
  if (!isUuid(reference.id)) return null;
  return (await ctx.authz.can('tenant:read', Place.tenant(reference.id))) ? { id: reference.id } : null;
}
