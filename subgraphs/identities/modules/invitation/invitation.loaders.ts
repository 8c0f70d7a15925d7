import DataLoader from 'dataloader';
import { connectionLoader } from '../../../common/batching.js';
import { loader, type SubgraphContext } from '../../../common/context.js';
import { Place } from '../../../common/authz/decision.js';
import { BY_ID, type ConnectionArgs } from '../../../common/pagination.js';
import { badInput } from '../../../../lib/errors.js';
import { EFFECTIVE_STATUS_SQL, Invitation, InvitationStatus } from './invitation.entity.js';

/** Every column but the token's hash. */
const COLUMNS = `i.id, i.organization_id, i.tenant_id, i.email, i.user_id, i.role_key, i.status, i.expires_at, i.created_by, i.created_by_type,
                 i.accepted_by, i.accepted_at, i.created_at, i.updated_at`;

export function invitationById(ctx: SubgraphContext): DataLoader<string, Invitation | null> {
  return loader(ctx, 'invitation.byId', () =>
    new DataLoader<string, Invitation | null>(async (ids) => {
      const found = await ctx.em.find(Invitation, { id: { $in: [...ids] } });
      const byId = new Map(found.map((invitation) => [invitation.id, invitation]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  );
}

/** Where an invitation lives, for permissions: its tenant, or its organization. */
export function placeOfInvitation(invitation: Pick<Invitation, 'organizationId' | 'tenantId'>): Place {
  return Place.of(invitation);
}

/** An organization's invitations (its tenants' included), oldest first (ids are UUIDv7), by status as shown. */
export function invitationsOf(ctx: SubgraphContext, args: ConnectionArgs & { status?: InvitationStatus | null }) {
  const status = args.status ?? null;
  if (status !== null && !Object.values(InvitationStatus).includes(status)) throw badInput('status', 'status must be PENDING, ACCEPTED, EXPIRED or REVOKED');
  return connectionLoader(ctx, Invitation, 'invitation.byOrganization', args, BY_ID, (i) => [i.id], (keys) => ({
    sql: `select ${COLUMNS}, i.organization_id as partition_key from identities.invitation i
           where i.organization_id = any(?::uuid[]) and (?::text is null or ${EFFECTIVE_STATUS_SQL} = ?)`,
    params: [keys, status, status],
  }));
}
