import { Place } from '../../../common/authz/decision.js';
import type { SubgraphContext } from '../../../common/context.js';
import { isUuid } from '../../../common/ids.js';
import type { ServiceAccount } from './service-account.entity.js';
import { serviceAccountById } from './service-account.loaders.js';

/** Federation: a service account by id, for itself and for whoever may read its organization's service accounts. */
export async function resolveServiceAccountReference(reference: { id: string }, ctx: SubgraphContext): Promise<ServiceAccount | null> {
  if (!isUuid(reference.id)) return null;
  const account = await serviceAccountById(ctx).load(reference.id);
  if (!account) return null;
  return account.id === ctx.principal?.id || (await ctx.authz.can('service_account:read', Place.organization(account.organizationId))) ? account : null;
}
