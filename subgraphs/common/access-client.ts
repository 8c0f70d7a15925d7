import { apiError, conflict, loggedInternalError } from '../../lib/errors.js';
import { logError } from '../../lib/http.js';
import type { SubgraphContext } from './context.js';
import { callInternal, FORGET_PRINCIPAL_PATH, GRANT_INVITED_ROLE_PATH } from './internal-routes.js';
import { SubgraphClient, type SubgraphError } from './internal-client.js';

const ASSIGN_ROLE = `mutation($input: AssignRoleInput!) { assignRole(input: $input) { id } }`;

export interface RoleGrant {
  principalId: string;
  roleKey: string;
  organizationId?: string | null;
  tenantId?: string | null;
}

export interface InvitedGrant {
  principalId: string;
  roleKey: string;
  organizationId: string;
  tenantId: string | null;
  /** The inviter, who answered for the role when inviting. */
  createdBy: string | null;
  invitationId: string;
}

/** Why access refused an invitation's role: the place is gone, the role is gone or changed scope, or the user is no active member there. */
export type InvitedGrantRefusal = 'no_such_place' | 'unknown_role' | 'wrong_scope' | 'not_member';

/**
 * What other subgraphs ask of access. Role assignments are access's to write, so a change
 * here that comes with one (an owner, a member's role, a user's platform roles) is two steps;
 * the caller undoes its own step when the second one is refused.
 */
export class AccessClient extends SubgraphClient {
  /** assignRole on the caller's behalf (its token, so its permissions): the error access answered, or null. */
  async assignRole(ctx: SubgraphContext, grant: RoleGrant): Promise<SubgraphError | null> {
    const result = await this.call(ctx, ASSIGN_ROLE, { input: grant });
    return result.errors?.[0] ?? null;
  }

  /**
   * Grants the role of an accepted invitation (internal route: the invitee may grant nothing
   * itself; the inviter's right to grant it was checked when inviting). Null when granted or
   * held already, otherwise why access refused.
   */
  async grantInvitedRole(ctx: SubgraphContext, grant: InvitedGrant): Promise<InvitedGrantRefusal | null> {
    const answer = await callInternal(this.url, this.internalSecret, GRANT_INVITED_ROLE_PATH, { ...grant }, ctx.requestId);
    if (answer.status === 200) return null;
    const reason = answer.body.error;
    if ((answer.status === 400 || answer.status === 404) && (reason === 'no_such_place' || reason === 'unknown_role' || reason === 'wrong_scope' || reason === 'not_member')) return reason;
    logError(`access refused an invitation's role: HTTP ${answer.status}`);
    throw loggedInternalError();
  }

  /**
   * assignRole as the second step of a change: `undo` takes the caller's first step back when
   * access refuses, and also when it cannot be reached or answers nonsense, so no half of the
   * change remains either way.
   */
  async assignRoleOrUndo(ctx: SubgraphContext, grant: RoleGrant, undo: () => Promise<void>): Promise<SubgraphError | null> {
    let refused: SubgraphError | null;
    try {
      refused = await this.assignRole(ctx, grant);
    } catch (error) {
      await undo();
      throw error;
    }
    if (refused) await undo();
    return refused;
  }

  /**
   * Removes a principal's assignments: everywhere (a deleted user), or on one organization and
   * its tenants (a removed member; CONFLICT when that would leave the organization ownerless).
   */
  async forgetPrincipal(ctx: SubgraphContext, principalId: string, organizationId: string | null = null): Promise<number> {
    const answer = await callInternal(this.url, this.internalSecret, FORGET_PRINCIPAL_PATH, { principalId, organizationId }, ctx.requestId);
    if (answer.status === 409) throw conflict('An organization keeps at least one org_owner; assign another owner first', { reason: 'LAST_OWNER' });
    if (answer.status !== 200) {
      logError(`access refused to forget principal ${principalId}: HTTP ${answer.status}`);
      throw loggedInternalError();
    }
    return Number(answer.body.removed ?? 0);
  }
}

/** An assignRole error from access, as the operation that asked for it reports it. */
export function assignmentRefused(error: SubgraphError, what: string) {
  const code = error.extensions?.code;
  if (code === 'FORBIDDEN') return apiError('FORBIDDEN', `You cannot ${what}: ${error.message}`);
  if (code === 'CONFLICT' || code === 'BAD_USER_INPUT' || code === 'NOT_FOUND') return apiError(code, error.message, error.extensions?.field ? { field: error.extensions.field } : {});
  return apiError('INTERNAL_SERVER_ERROR', error.message);
}

export function accessClient(ctx: SubgraphContext): AccessClient {
  const client = ctx.services.access;
  if (!(client instanceof AccessClient)) throw new Error('subgraph started without an access URL');
  return client;
}
