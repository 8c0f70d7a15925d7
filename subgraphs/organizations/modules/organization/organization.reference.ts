import { Place } from '../../../common/authz/decision.js';
import type { SubgraphContext } from '../../../common/context.js';
import { isUuid } from '../../../common/ids.js';
import type { Organization } from './organization.entity.js';
import { organizationById } from './organization.loaders.js';

/** Federation: the gateway asks for organizations by id; the ones the caller may not see resolve to null. */
export async function resolveOrganizationReference(reference: { id: string }, ctx: SubgraphContext): Promise<Organization | null> {
  if (!isUuid(reference.id)) return null;
  const organization = await organizationById(ctx).load(reference.id);
  return organization && (await ctx.authz.can('organization:read', Place.organization(organization.id))) ? organization : null;
}
