import { accessClient, assignmentRefused } from '../../../common/access-client.js';
import { Place } from '../../../common/authz/decision.js';
import { audit, retractAudit } from '../../../common/audit/writer.js';
import type { SubgraphContext } from '../../../common/context.js';
import { uniqueViolation } from '../../../common/db/errors.js';
import { isLastOwner } from '../../../common/authz/directory.js';
import { sql } from '../../../common/db/orm.js';
import { parseId } from '../../../common/ids.js';
import type { ConnectionArgs } from '../../../common/pagination.js';
import { badInput, conflict, notFound } from '../../../../lib/errors.js';
import { Membership, MembershipStatus } from './membership.entity.js';
import type { UpdateMemberInput } from './membership.input.js';
import { membershipsOf } from './membership.loaders.js';

/** The role a member gets when addMember names none. */
export const DEFAULT_MEMBER_ROLE = 'org_member';

/**
 * Makes a user a member of an organization holding `roleKey` there. The membership is ours,
 * the assignment access's (under the caller's permissions: nobody grants what they do not
 * hold); a refused role takes the membership back.
 */
export async function addMember(ctx: SubgraphContext, organizationIdArg: string, userIdArg: string, roleKeyArg: string | null | undefined): Promise<Membership> {
  const organizationId = parseId(organizationIdArg, 'organizationId');
  const userId = parseId(userIdArg, 'userId');
  const roleKey = roleKeyArg ?? DEFAULT_MEMBER_ROLE;
  const principal = await ctx.authz.visiblePrincipal(userId, organizationId);
  if (!principal || principal.type !== 'user') throw notFound('User');
  let membership: Membership;
  try {
    membership = await ctx.em.transactional(async (tx) => {
      const created = tx.create(Membership, { organizationId, userId });
      await tx.flush();
      await audit(tx, ctx, { action: 'membership.create', targetType: 'Membership', targetId: created.id, organizationId, changes: { userId, roleKey } });
      return created;
    });
  } catch (error) {
    if (uniqueViolation(error)) throw conflict('The user is a member of this organization already');
    throw error;
  }
  const refused = await accessClient(ctx).assignRoleOrUndo(ctx, { principalId: userId, roleKey, organizationId }, () =>
    ctx.em.fork().transactional(async (tx) => {
      await sql(tx, `delete from identities.membership where id = ?`, [membership.id]);
      await retractAudit(tx, ctx, membership.id);
    }),
  );
  if (refused) throw refused.extensions?.field === 'roleKey' ? badInput('roleKey', refused.message) : assignmentRefused(refused, `give ${roleKey} here`);
  return membership;
}

function membershipIds(organizationIdArg: string, userIdArg: string): { organizationId: string; userId: string } {
  return { organizationId: parseId(organizationIdArg, 'organizationId'), userId: parseId(userIdArg, 'userId') };
}

/** ACTIVE or DISABLED: a disabled member's roles in the organization stop counting on the next request, and come back with it. */
export async function updateMember(ctx: SubgraphContext, organizationIdArg: string, userIdArg: string, input: UpdateMemberInput): Promise<Membership> {
  const { organizationId, userId } = membershipIds(organizationIdArg, userIdArg);
  if (input.status != null && !Object.values(MembershipStatus).includes(input.status)) throw badInput('status', 'status must be ACTIVE or DISABLED');
  if (input.status === MembershipStatus.DISABLED) {
    await ctx.authz.assertOutranks({ id: userId, type: 'user' }, Place.organization(organizationId), 'disable this member');
    if (await isLastOwner(ctx.em, userId, organizationId)) {
      throw conflict('An organization keeps at least one active org_owner; assign another owner first', { reason: 'LAST_OWNER' });
    }
  }
  return ctx.em.transactional(async (tx) => {
    const membership = await tx.findOne(Membership, { organizationId, userId }, { refresh: true });
    if (!membership) throw notFound('Membership');
    const changes: Partial<Pick<Membership, 'status'>> = {};
    if (input.status != null && input.status !== membership.status) changes.status = input.status;
    tx.assign(membership, changes);
    await tx.flush();
    await audit(tx, ctx, { action: 'membership.update', targetType: 'Membership', targetId: membership.id, organizationId, changes: { userId, ...changes } });
    return membership;
  });
}

/**
 * Ends a membership; the user's assignments on the organization and its tenants go with it
 * (first, so that removing the last org_owner is refused before anything changes).
 */
export async function removeMember(ctx: SubgraphContext, organizationIdArg: string, userIdArg: string): Promise<string> {
  const { organizationId, userId } = membershipIds(organizationIdArg, userIdArg);
  const existing = await ctx.em.findOne(Membership, { organizationId, userId });
  if (!existing) throw notFound('Membership');
  await ctx.authz.assertOutranks({ id: userId, type: 'user' }, Place.organization(organizationId), 'remove this member');
  const removed = await accessClient(ctx).forgetPrincipal(ctx, userId, organizationId);
  return ctx.em.transactional(async (tx) => {
    const [row] = await sql<{ id: string }>(tx, `delete from identities.membership where organization_id = ? and user_id = ? returning id`, [organizationId, userId]);
    if (!row) throw notFound('Membership');
    await audit(tx, ctx, { action: 'membership.delete', targetType: 'Membership', targetId: row.id, organizationId, changes: { userId, assignmentsRemoved: removed } });
    return row.id;
  });
}

/**
 * A user's memberships the caller may see: all of them for the user itself and for holders of
 * user:read on the platform, otherwise those in organizations the caller can read.
 */
export async function userMemberships(ctx: SubgraphContext, userId: string, args: ConnectionArgs) {
  let visible: string[] | null = null;
  if (userId !== ctx.principal?.id && !(await ctx.authz.can('user:read', Place.platform))) {
    const rows = await sql<{ organization_id: string }>(ctx.em, `select organization_id from identities.membership where user_id = ?`, [userId]);
    const readable = await Promise.all(rows.map(async (r) => ((await ctx.authz.can('organization:read', Place.organization(r.organization_id))) ? r.organization_id : null)));
    visible = readable.filter((id): id is string => id !== null);
  }
  return membershipsOf(ctx, args, visible).load(userId);
}
