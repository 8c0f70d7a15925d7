import type { SubgraphContext } from '../../../common/context.js';
import { apiError, badInput } from '../../../../lib/errors.js';
import { callSubgraph } from '../../../common/internal-client.js';

const ASSIGN_OWNER = `mutation($input: AssignRoleInput!) { assignRole(input: $input) { id } }`;

/**
 * Role assignments belong to the access subgraph, so the owner named in createOrganization is
 * made org_owner there, on the caller's behalf and under the caller's permissions (nobody
 * hands out ownership they could not grant themselves).
 */
export class Ownership {
  constructor(
    private readonly accessUrl: string,
    private readonly internalSecret: string,
  ) {}

  async grantOwner(ctx: SubgraphContext, organizationId: string, ownerId: string): Promise<void> {
    const result = await callSubgraph(this.accessUrl, this.internalSecret, ctx, ASSIGN_OWNER, {
      input: { principalId: ownerId, roleKey: 'org_owner', organizationId },
    });
    const error = result.errors?.[0];
    if (!error) return;
    const code = error.extensions?.code;
    if (code === 'NOT_FOUND') throw badInput('ownerId', 'ownerId names no user or service account');
    if (code === 'FORBIDDEN') throw apiError('FORBIDDEN', `You cannot make someone org_owner here: ${error.message}`);
    throw apiError(code === 'CONFLICT' || code === 'BAD_USER_INPUT' ? code : 'INTERNAL_SERVER_ERROR', error.message);
  }
}

export function ownership(ctx: SubgraphContext): Ownership {
  const service = ctx.services.ownership;
  if (!(service instanceof Ownership)) throw new Error('organizations subgraph started without an access URL');
  return service;
}
