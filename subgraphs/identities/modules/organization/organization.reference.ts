import { Place } from '../../../common/authz/decision.js';
import type { SubgraphContext } from '../../../common/context.js';
import { isUuid } from '../../../common/ids.js';
import type { OrganizationRef } from './organization.type.js';

/** Identities adds fields to organizations it does not own; it still answers only for visible ones. */
export async function resolveOrganizationReference(reference: { id: string }, ctx: SubgraphContext): Promise<OrganizationRef | null> {
  if (!isUuid(reference.id)) return null;
  return (await ctx.authz.can('organization:read', Place.organization(reference.id))) ? { id: reference.id } : null;
}
