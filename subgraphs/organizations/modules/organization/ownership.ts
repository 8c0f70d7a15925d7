import type { SubgraphContext } from '../../../common/context.js';
import { accessClient, assignmentRefused } from '../../../common/access-client.js';
import { SubgraphClient } from '../../../common/internal-client.js';
import { badInput } from '../../../../lib/errors.js';

const ADD_OWNER = `mutation($organizationId: ID!, $userId: ID!) { addMember(organizationId: $organizationId, userId: $userId, roleKey: "org_owner") { id } }`;

/**
 * The owner named in createOrganization is made org_owner, on the caller's behalf and under
 * the caller's permissions (nobody hands out ownership they could not grant themselves). A
 * user holds roles in an organization only as a member, so one who is not yet a member there
 * (or above) becomes one through identities, which asks access for the role itself.
 */
export async function grantOwner(ctx: SubgraphContext, organizationId: string, ownerId: string): Promise<void> {
  const owner = await ctx.authz.visiblePrincipal(ownerId, organizationId);
  if (!owner) throw badInput('ownerId', 'ownerId names no user or service account');
  const error =
    owner.type === 'user' && !(await ctx.authz.activeIn(owner, organizationId))
      ? ((await identities(ctx).call(ctx, ADD_OWNER, { organizationId, userId: ownerId })).errors?.[0] ?? null)
      : await accessClient(ctx).assignRole(ctx, { principalId: ownerId, roleKey: 'org_owner', organizationId });
  if (!error) return;
  if (error.extensions?.code === 'NOT_FOUND') throw badInput('ownerId', 'ownerId names no user or service account');
  if (error.extensions?.code === 'BAD_USER_INPUT' && error.extensions.field === 'principalId') throw badInput('ownerId', error.message);
  throw assignmentRefused(error, 'make someone org_owner here');
}

function identities(ctx: SubgraphContext): SubgraphClient {
  const client = ctx.services.identities;
  if (!(client instanceof SubgraphClient)) throw new Error('organizations started without an identities URL');
  return client;
}
