import type { EntityManager } from '@mikro-orm/postgresql';
import { accessClient, type InvitedGrantRefusal } from '../../../common/access-client.js';
import { audit, retractAudit, type Actor } from '../../../common/audit/writer.js';
import { generateSecret, hashSecret } from '../../../common/auth/secrets.js';
import { builtinRole, type Permission, type Scope } from '../../../common/authz/catalog.js';
import { Place } from '../../../common/authz/decision.js';
import { readCustomRole, readNames } from '../../../common/authz/directory.js';
import type { SubgraphContext } from '../../../common/context.js';
import { uniqueViolation } from '../../../common/db/errors.js';
import { sql } from '../../../common/db/orm.js';
import { newId, parseId, parseOptionalId } from '../../../common/ids.js';
import { parseEmail } from '../../../common/validation.js';
import { apiError, badInput, conflict, forbidden, notFound } from '../../../../lib/errors.js';
import { logError } from '../../../../lib/http.js';
import { links } from '../../links.js';
import { DEFAULT_MEMBER_ROLE } from '../membership/membership.service.js';
import { signInServices, startSession } from '../session/session.service.js';
import { User } from '../user/user.entity.js';
import { userById, visibleUser } from '../user/user.loaders.js';
import { INVITATION_TOKEN_PREFIX, invitationOptions } from './invitation.config.js';
import { effectiveStatus, Invitation, InvitationStatus } from './invitation.entity.js';
import type { InviteUserInput } from './invitation.input.js';
import { enqueueInvitationMail, type InvitationPlace } from './invitation.mail.js';
import type { AcceptInvitationPayload, InvitationPreview } from './invitation.type.js';

/** Every column but the token's hash. */
const COLUMNS = `id, organization_id, tenant_id, email, user_id, role_key, status, expires_at, created_by, created_by_type, accepted_by, accepted_at, created_at, updated_at`;

/**
 * One answer for an unknown, malformed, used, revoked or replaced token: whoever holds a
 * link learns nothing about other links from it.
 */
const INVALID_LINK = 'This invitation link is not valid: it may have been used already, revoked, or replaced by a newer one';
const invalidLink = () => apiError('NOT_FOUND', INVALID_LINK);
const expiredLink = () => apiError('BAD_USER_INPUT', 'This invitation has expired: ask whoever invited you to send it again', { field: 'token', reason: 'EXPIRED' });

const TOKEN = new RegExp(`^${INVITATION_TOKEN_PREFIX}_[A-Za-z0-9_-]{43}$`);

function tokenHashOf(value: unknown): string {
  if (typeof value !== 'string' || !TOKEN.test(value)) throw invalidLink();
  return hashSecret(value);
}

function mapRow(em: EntityManager, row: Record<string, unknown>): Invitation {
  return em.map(Invitation, row);
}

async function invitationByToken(em: EntityManager, tokenHash: string): Promise<Invitation | null> {
  const [row] = await sql(em, `select ${COLUMNS} from identities.invitation where token_hash = ?`, [tokenHash]);
  return row ? mapRow(em, row) : null;
}

/** A token that can still be used, or the answer for one that cannot. */
function usable(invitation: Invitation | null): Invitation {
  if (!invitation || invitation.status === InvitationStatus.ACCEPTED || invitation.status === InvitationStatus.REVOKED) throw invalidLink();
  if (effectiveStatus(invitation) === InvitationStatus.EXPIRED) throw expiredLink();
  return invitation;
}

/** Names for the mail and the preview; null when the organization (or tenant) is gone. */
async function placeNames(em: EntityManager, invitation: Pick<Invitation, 'organizationId' | 'tenantId'>): Promise<InvitationPlace | null> {
  const names = await readNames(em, [invitation.organizationId], invitation.tenantId);
  const organizationName = names.organizations.get(invitation.organizationId);
  if (!organizationName || (invitation.tenantId && !names.tenant)) return null;
  return { organizationName, tenantName: names.tenant };
}

/** The role an invitation may name: built-in, or custom and defined at the organization or above (access's table, through the directory). */
async function roleFor(ctx: SubgraphContext, key: string, organizationId: string): Promise<{ scope: Scope; permissions: readonly Permission[] } | null> {
  return builtinRole(key) ?? (await readCustomRole(ctx.em, key, organizationId));
}

function parseRoleKey(value: unknown, tenantId: string | null): string {
  if (value == null) {
    if (tenantId) throw badInput('roleKey', 'An invitation to a tenant names a TENANT role, such as tenant_viewer');
    return DEFAULT_MEMBER_ROLE;
  }
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) throw badInput('roleKey', 'roleKey must be a role key such as "org_member"');
  return value;
}

/**
 * Invites a person, by email or as an existing user, into an organization (or one of its
 * tenants) with a role: the caller holds member:invite there (the rule) and every permission
 * of the role, as if granting it. The token is mailed in the same transaction and never shown.
 */
export async function inviteUser(ctx: SubgraphContext, organizationIdArg: string, input: InviteUserInput): Promise<Invitation> {
  const organizationId = parseId(organizationIdArg, 'organizationId');
  const tenantId = parseOptionalId(input.tenantId, 'tenantId');
  if (tenantId && (await ctx.authz.organizationOfTenant(tenantId)) !== organizationId) throw notFound('Tenant');
  const place = tenantId ? Place.tenant(tenantId) : Place.organization(organizationId);

  if ((input.email == null) === (input.userId == null)) throw badInput('email', 'Name the person to invite: an email, or the userId of an existing user (not both)');
  let email: string;
  let userId: string | null = null;
  if (input.userId != null) {
    const user = await visibleUser(ctx, parseId(input.userId, 'userId'));
    if (!user) throw notFound('User');
    email = user.email;
    userId = user.id;
  } else {
    email = parseEmail(input.email);
    const [existing] = await sql<{ id: string }>(ctx.em, `select id from identities.user_account where lower(email) = lower(?)`, [email]);
    userId = existing?.id ?? null;
  }

  const roleKey = parseRoleKey(input.roleKey, tenantId);
  const role = await roleFor(ctx, roleKey, organizationId);
  if (!role) throw badInput('roleKey', `Unknown role "${roleKey}"`);
  const scope = Place.scope(place);
  if (role.scope !== scope) throw badInput('roleKey', `${roleKey} is a ${role.scope.toLowerCase()} role; an invitation ${tenantId ? 'to a tenant names a TENANT' : 'to an organization names an ORGANIZATION'} role`);
  await ctx.authz.assertGrantable(place, role.permissions, roleKey);

  if (userId) {
    const [member] = await sql(ctx.em, `select 1 from identities.membership where organization_id = ? and user_id = ?`, [organizationId, userId]);
    if (member) throw conflict('This person is a member of the organization already', { field: input.userId != null ? 'userId' : 'email' });
  }
  const names = await placeNames(ctx.em, { organizationId, tenantId });
  if (!names) throw notFound(tenantId ? 'Tenant' : 'Organization');

  const token = generateSecret(INVITATION_TOKEN_PREFIX);
  const { ttlSeconds } = invitationOptions(ctx);
  try {
    return await ctx.em.transactional(async (tx) => {
      // A pending invitation whose time has passed no longer holds the place of the one being made.
      await sql(tx, `update identities.invitation set status = 'EXPIRED', updated_at = now()
                      where organization_id = ? and lower(email) = lower(?) and status = 'PENDING' and expires_at <= now()`, [organizationId, email]);
      const [row] = await sql(
        tx,
        `insert into identities.invitation (id, organization_id, tenant_id, email, user_id, role_key, token_hash, expires_at, created_by, created_by_type)
         values (?, ?, ?, ?, ?, ?, ?, now() + make_interval(secs => ?), ?, ?) returning ${COLUMNS}`,
        [newId(), organizationId, tenantId, email, userId, roleKey, hashSecret(token), ttlSeconds, ctx.principal?.id ?? null, ctx.principal?.type ?? null],
      );
      const invitation = mapRow(tx, row!);
      await audit(tx, ctx, {
        action: 'invitation.create',
        targetType: 'Invitation',
        targetId: invitation.id,
        organizationId,
        changes: { email, userId, roleKey, tenantId, expiresAt: invitation.expiresAt.toISOString() },
      });
      await enqueueInvitationMail(tx, links(ctx), invitation, token, names);
      return invitation;
    });
  } catch (error) {
    if (uniqueViolation(error)) throw conflict('An invitation for this email is pending in this organization: resend it, or revoke it first', { field: 'email' });
    throw error;
  }
}

/** Locks an invitation for a change; NOT_FOUND when there is none. */
async function lockInvitation(tx: EntityManager, id: string): Promise<Invitation> {
  const [row] = await sql(tx, `select ${COLUMNS} from identities.invitation where id = ? for update`, [id]);
  if (!row) throw notFound('Invitation');
  return mapRow(tx, row);
}

function assertOpen(invitation: Invitation): void {
  if (invitation.status === InvitationStatus.ACCEPTED || invitation.status === InvitationStatus.REVOKED) {
    throw conflict(`The invitation was ${invitation.status.toLowerCase()} already`, { reason: invitation.status });
  }
}

/** A new token (the old link stops working), the time restarted, mailed again: for PENDING and EXPIRED invitations. */
export async function resendInvitation(ctx: SubgraphContext, idArg: string): Promise<Invitation> {
  const id = parseId(idArg, 'id');
  const token = generateSecret(INVITATION_TOKEN_PREFIX);
  const { ttlSeconds } = invitationOptions(ctx);
  try {
    return await ctx.em.transactional(async (tx) => {
      const current = await lockInvitation(tx, id);
      assertOpen(current);
      const names = await placeNames(tx, current);
      if (!names) throw notFound('Invitation');
      const [row] = await sql(
        tx,
        `update identities.invitation set token_hash = ?, status = 'PENDING', expires_at = now() + make_interval(secs => ?), updated_at = now()
          where id = ? returning ${COLUMNS}`,
        [hashSecret(token), ttlSeconds, id],
      );
      const invitation = mapRow(tx, row!);
      await audit(tx, ctx, {
        action: 'invitation.resend',
        targetType: 'Invitation',
        targetId: id,
        organizationId: invitation.organizationId,
        changes: { email: invitation.email, expiresAt: invitation.expiresAt.toISOString() },
      });
      await enqueueInvitationMail(tx, links(ctx), invitation, token, names);
      return invitation;
    });
  } catch (error) {
    // An expired invitation renewed while a newer one for the same email is pending.
    if (uniqueViolation(error)) throw conflict('Another invitation for this email is pending in this organization', { field: 'id' });
    throw error;
  }
}

/** REVOKED: its link stops working at once. CONFLICT once accepted or revoked. */
export async function revokeInvitation(ctx: SubgraphContext, idArg: string): Promise<Invitation> {
  const id = parseId(idArg, 'id');
  return ctx.em.transactional(async (tx) => {
    assertOpen(await lockInvitation(tx, id));
    const [row] = await sql(tx, `update identities.invitation set status = 'REVOKED', updated_at = now() where id = ? returning ${COLUMNS}`, [id]);
    const invitation = mapRow(tx, row!);
    await audit(tx, ctx, { action: 'invitation.revoke', targetType: 'Invitation', targetId: id, organizationId: invitation.organizationId, changes: { email: invitation.email } });
    return invitation;
  });
}

/** An invitation the caller may read (member:read where it lives), or null, for an id that does not exist as for one it may not see. */
export async function visibleInvitation(ctx: SubgraphContext, invitation: Invitation | null): Promise<Invitation | null> {
  return invitation && (await ctx.authz.can('member:read', Place.of(invitation))) ? invitation : null;
}

/** What the holder of a link may see before accepting. The same answers as acceptInvitation for links that cannot be used. */
export async function previewInvitation(ctx: SubgraphContext, tokenArg: unknown): Promise<InvitationPreview> {
  const invitation = usable(await invitationByToken(ctx.em, tokenHashOf(tokenArg)));
  const names = await placeNames(ctx.em, invitation);
  if (!names) throw invalidLink();
  return { email: invitation.email, organizationName: names.organizationName, tenantName: names.tenantName, roleKey: invitation.roleKey, expiresAt: invitation.expiresAt };
}

/** Objects an acceptance in this request handed out: the invitee, who may not see them otherwise, sees them in the payload. */
export function acceptedInThisRequest(ctx: SubgraphContext): Set<string> {
  let ids = ctx.loaders.get('invitation.accepted') as Set<string> | undefined;
  if (!ids) ctx.loaders.set('invitation.accepted', (ids = new Set()));
  return ids;
}

/** The events of an acceptance are the invitee's: it acts, signed in or not (it may exist only from this request on). */
function invitee(ctx: SubgraphContext, userId: string): Actor {
  return { principal: { id: userId, type: 'user', organizationId: null, tokenId: '', sessionId: null, apiKeyId: null }, requestId: ctx.requestId };
}

interface Accepted {
  user: User;
  userCreated: boolean;
  /** Set when the user was unverified and this acceptance verified the address. */
  verifiedNow: boolean;
  /** The membership this acceptance made; null when the user was an active member already. */
  membershipId: string | null;
  sessionId: string;
  signIn: AcceptInvitationPayload['signIn'];
}

function grantRefused(reason: InvitedGrantRefusal) {
  if (reason === 'no_such_place') return invalidLink();
  if (reason === 'not_member') return conflict('Your membership of this organization changed while accepting; try again', { reason: 'MEMBERSHIP_CHANGED' });
  return conflict('The role of this invitation no longer exists here: ask whoever invited you for a new invitation', { reason: 'ROLE_CHANGED' });
}

/**
 * Accepts an invitation, signed in or not: the user (created, with its email verified, when
 * there is none), the membership, the role and a sign-in, all or nothing. Identities' part is
 * one transaction; the role is access's to write, after it, and a refusal there undoes
 * identities' part. Only the invited address may accept: a caller signed in as someone else
 * is refused and nothing changes.
 */
export async function acceptInvitation(ctx: SubgraphContext, tokenArg: unknown): Promise<AcceptInvitationPayload> {
  const tokenHash = tokenHashOf(tokenArg);
  const invitation = usable(await invitationByToken(ctx.em, tokenHash));
  const caller = ctx.principal;
  if (caller) {
    const me = caller.type === 'user' ? await userById(ctx).load(caller.id) : null;
    if (!me || me.email.toLowerCase() !== invitation.email.toLowerCase() || (invitation.userId && invitation.userId !== me.id)) {
      throw forbidden('This invitation is for another email address: sign out, or sign in as the person invited');
    }
  }
  if (!(await placeNames(ctx.em, invitation))) throw invalidLink();

  const { tokens, options } = signInServices(ctx);
  let accepted: Accepted;
  try {
    accepted = await ctx.em.transactional(async (tx) => {
      // Single use, also when the link is opened twice at once: only one acceptance flips PENDING.
      const [claimed] = await sql(
        tx,
        `update identities.invitation set status = 'ACCEPTED', accepted_at = now(), updated_at = now()
          where id = ? and token_hash = ? and status = 'PENDING' and expires_at > now() returning id`,
        [invitation.id, tokenHash],
      );
      if (!claimed) throw invalidLink();
      const [existing] = await sql(tx, `select * from identities.user_account where lower(email) = lower(?) for update`, [invitation.email]);
      let user: User;
      let userCreated = false;
      let verifiedNow = false;
      if (existing) {
        user = tx.map(User, existing);
        if (invitation.userId && invitation.userId !== user.id) throw invalidLink();
        if (!user.emailVerified) {
          // The mail reached them: the address is theirs.
          await sql(tx, `update identities.user_account set email_verified = true, updated_at = now() where id = ?`, [user.id]);
          user.emailVerified = verifiedNow = true;
        }
      } else {
        user = tx.create(User, { email: invitation.email, emailVerified: true });
        await tx.flush();
        userCreated = true;
        await audit(tx, invitee(ctx, user.id), { action: 'user.create', targetType: 'User', targetId: user.id, organizationId: null, changes: { email: user.email, invitationId: invitation.id } });
      }
      const actor = invitee(ctx, user.id);
      const [membership] = await sql<{ id: string; status: string }>(tx, `select id, status from identities.membership where organization_id = ? and user_id = ? for update`, [
        invitation.organizationId,
        user.id,
      ]);
      let membershipId: string | null = null;
      if (!membership) {
        membershipId = newId();
        await sql(tx, `insert into identities.membership (id, organization_id, user_id) values (?, ?, ?)`, [membershipId, invitation.organizationId, user.id]);
        await audit(tx, actor, { action: 'membership.create', targetType: 'Membership', targetId: membershipId, organizationId: invitation.organizationId, changes: { userId: user.id, invitationId: invitation.id } });
      } else if (membership.status !== 'ACTIVE') {
        // Whoever disabled the membership decides when it comes back, not an older invitation.
        throw forbidden('Your membership of this organization is disabled: an administrator of the organization must enable it');
      }
      await sql(tx, `update identities.invitation set accepted_by = ? where id = ?`, [user.id, invitation.id]);
      await audit(tx, actor, {
        action: 'invitation.accept',
        targetType: 'Invitation',
        targetId: invitation.id,
        organizationId: invitation.organizationId,
        changes: { email: invitation.email, userId: user.id, userCreated, roleKey: invitation.roleKey, tenantId: invitation.tenantId },
      });
      const { sessionId, ...signIn } = await startSession(tx, tokens, options, user.id, 'invitation');
      return { user, userCreated, verifiedNow, membershipId, sessionId, signIn };
    });
  } catch (error) {
    if (uniqueViolation(error)) throw conflict('Someone accepted for this address at the same moment; try again');
    throw error;
  }

  let refused: InvitedGrantRefusal | null;
  try {
    refused = await accessClient(ctx).grantInvitedRole(ctx, {
      principalId: accepted.user.id,
      roleKey: invitation.roleKey,
      organizationId: invitation.organizationId,
      tenantId: invitation.tenantId,
      createdBy: invitation.createdBy,
      invitationId: invitation.id,
    });
  } catch (error) {
    await undoAcceptance(ctx, invitation, accepted);
    throw error;
  }
  if (refused) {
    await undoAcceptance(ctx, invitation, accepted);
    throw grantRefused(refused);
  }

  const [row] = await sql(ctx.em, `select ${COLUMNS} from identities.invitation where id = ?`, [invitation.id]);
  const done = mapRow(ctx.em, row!);
  acceptedInThisRequest(ctx).add(done.id).add(accepted.user.id);
  return { invitation: done, user: accepted.user, signIn: accepted.signIn };
}

/** Takes back identities' part of an acceptance whose role access refused: the link works again, nothing else remains. */
async function undoAcceptance(ctx: SubgraphContext, invitation: Invitation, accepted: Accepted): Promise<void> {
  try {
    await ctx.em.fork().transactional(async (tx) => {
      await sql(tx, `delete from identities.session where id = ?`, [accepted.sessionId]);
      if (accepted.userCreated) {
        // The membership and the session go with the user.
        await sql(tx, `delete from identities.user_account where id = ?`, [accepted.user.id]);
        await retractAudit(tx, ctx, accepted.user.id);
      } else {
        if (accepted.membershipId) await sql(tx, `delete from identities.membership where id = ?`, [accepted.membershipId]);
        if (accepted.verifiedNow) await sql(tx, `update identities.user_account set email_verified = false where id = ?`, [accepted.user.id]);
      }
      if (accepted.membershipId) await retractAudit(tx, ctx, accepted.membershipId);
      await sql(tx, `update identities.invitation set status = 'PENDING', accepted_at = null, accepted_by = null, updated_at = now() where id = ?`, [invitation.id]);
      await retractAudit(tx, ctx, invitation.id);
    });
  } catch (error) {
    logError(`could not undo the acceptance of invitation ${invitation.id}`, error);
  }
}
