import type { SubgraphContext } from '../../../common/context.js';
import { accessClient, assignmentRefused } from '../../../common/access-client.js';
import { badInput } from '../../../../lib/errors.js';

/**
 * The owner named in createOrganization is made org_owner in the access subgraph, on the
 * caller's behalf and under the caller's permissions (nobody hands out ownership they could
 * not grant themselves).
 */
export async function grantOwner(ctx: SubgraphContext, organizationId: string, ownerId: string): Promise<void> {
  const error = await accessClient(ctx).assignRole(ctx, { principalId: ownerId, roleKey: 'org_owner', organizationId });
  if (!error) return;
  if (error.extensions?.code === 'NOT_FOUND') throw badInput('ownerId', 'ownerId names no user or service account');
  if (error.extensions?.code === 'BAD_USER_INPUT' && error.extensions.field === 'principalId') throw badInput('ownerId', error.message);
  throw assignmentRefused(error, 'make someone org_owner here');
}
