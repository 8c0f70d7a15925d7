import type { EntityManager } from '@mikro-orm/postgresql';
import type { Caller } from '../../../../lib/auth/tokens.js';
import { forbidden } from '../../../../lib/errors.js';
import { currentRequestIds } from '../../../../lib/http.js';
import { audit, type Actor } from '../../../common/audit/writer.js';
import { generateSecret, hashSecret } from '../../../common/auth/secrets.js';
import { sql } from '../../../common/db/orm.js';
import { newId } from '../../../common/ids.js';
import type { SubgraphContext } from '../../../common/context.js';
import type { TokenIssuer } from '../oauth/issuer.js';
import type { SignIn } from './session.type.js';

/** How a session began, for the audit log and for people reading their sign-ins. */
export type SignInMethod = 'login_code' | 'invitation';

export const REFRESH_TOKEN_PREFIX = 'igr';

export interface SessionOptions {
  /** How long a refresh token may wait to be used, in seconds (each use starts a new one). */
  refreshTokenTtlSeconds: number;
}

/** A refresh token for a session: random, stored as a hash, good once. */
export async function newRefreshToken(tx: EntityManager, sessionId: string, options: SessionOptions): Promise<string> {
  const token = generateSecret(REFRESH_TOKEN_PREFIX);
  await sql(tx, `insert into identities.refresh_token (id, session_id, token_hash, expires_at) values (?, ?, ?, now() + make_interval(secs => ?))`, [
    newId(),
    sessionId,
    hashSecret(token),
    options.refreshTokenTtlSeconds,
  ]);
  return token;
}

/** An access token of a session: `sid` ties it to the session, checked on every request. */
export async function sessionAccessToken(tokens: TokenIssuer, userId: string, sessionId: string): Promise<{ accessToken: string; expiresIn: number }> {
  const issued = await tokens.issue({ subject: userId, principalType: 'user', sessionId });
  return { accessToken: issued.accessToken, expiresIn: issued.expiresIn };
}

/** Signs a user in, inside the caller's transaction: a new session, its first refresh token and an access token. */
export async function startSession(tx: EntityManager, tokens: TokenIssuer, options: SessionOptions, userId: string, method: SignInMethod): Promise<SignIn & { sessionId: string }> {
  const sessionId = newId();
  await sql(tx, `insert into identities.session (id, user_id, method) values (?, ?, ?)`, [sessionId, userId, method]);
  const refreshToken = await newRefreshToken(tx, sessionId, options);
  const { accessToken, expiresIn } = await sessionAccessToken(tokens, userId, sessionId);
  return { sessionId, accessToken, refreshToken, tokenType: 'Bearer', expiresIn };
}

/** The token issuer and session settings identities was started with, for resolvers that sign people in. */
export function signInServices(ctx: SubgraphContext): { tokens: TokenIssuer; options: SessionOptions } {
  const { tokens, sessions } = ctx.services as { tokens?: TokenIssuer; sessions?: SessionOptions };
  if (!tokens || !sessions) throw new Error('identities started without a token issuer');
  return { tokens, options: sessions };
}

/** Why a session ended (identities.session.revoked_reason). */
export type RevokedReason = 'sign_out' | 'refresh_token_reuse';

/** The person a session belongs to, as the actor of what happens to it without a token (a refresh at /oauth/token). */
export function sessionActor(userId: string, sessionId: string, requestId: string): Actor {
  const principal: Caller = { id: userId, type: 'user', organizationId: null, tokenId: '', sessionId, apiKeyId: null };
  return { principal, requestId };
}

/** Ends a session, inside the caller's transaction: its refresh token is dead, its access tokens refused on the next request. */
async function revokeSession(tx: EntityManager, actor: Actor, userId: string, sessionId: string, reason: RevokedReason): Promise<boolean> {
  const ended = await sql(tx, `update identities.session set revoked_at = now(), revoked_reason = ?, updated_at = now() where id = ? and user_id = ? and revoked_at is null returning id`, [
    reason,
    sessionId,
    userId,
  ]);
  if (ended.length === 0) return false;
  await audit(tx, actor, { action: 'session.revoke', targetType: 'User', targetId: userId, organizationId: null, changes: { sessionId, reason } });
  return true;
}

/** signOut: the session of the caller's token ends. Tokens of no sign-in (service accounts, API keys) have none to end. */
export async function signOut(ctx: SubgraphContext): Promise<boolean> {
  const caller = ctx.principal;
  if (!caller?.sessionId) {
    throw forbidden("This token belongs to no sign-in (it is a service account's, or was obtained with an API key): there is nothing to sign out of");
  }
  const sessionId = caller.sessionId;
  await ctx.em.transactional((tx) => revokeSession(tx, ctx, caller.id, sessionId, 'sign_out'));
  return true;
}

export type RefreshOutcome = { kind: 'issued'; signIn: SignIn } | { kind: 'refused' };

/**
 * grant_type=refresh_token: rotation on every use. The presented token's row (and its
 * session's) is locked, so of two requests with one token exactly one gets the next pair; the
 * other, like anyone presenting a used token, ends the whole session (RFC 9700 §4.14.2: the
 * server cannot tell the legitimate client from a thief, so neither keeps the sign-in). An
 * unknown, expired or used token, or one of an ended session, is refused alike.
 */
export async function refreshSession(em: EntityManager, tokens: TokenIssuer, options: SessionOptions, presented: string): Promise<RefreshOutcome> {
  const requestId = currentRequestIds()?.requestId ?? newId();
  return em.transactional(async (tx): Promise<RefreshOutcome> => {
    const [row] = await sql<{ id: string; session_id: string; user_id: string; used: boolean; expired: boolean; revoked: boolean }>(
      tx,
      `select rt.id, rt.session_id, s.user_id, rt.used_at is not null as used, rt.expires_at <= now() as expired, s.revoked_at is not null as revoked
         from identities.refresh_token rt join identities.session s on s.id = rt.session_id
        where rt.token_hash = ?
          for update of rt, s`,
      [hashSecret(presented)],
    );
    if (!row || row.revoked) return { kind: 'refused' };
    if (row.used) {
      // Committed although the answer is a refusal: the session stays ended.
      await revokeSession(tx, sessionActor(row.user_id, row.session_id, requestId), row.user_id, row.session_id, 'refresh_token_reuse');
      return { kind: 'refused' };
    }
    if (row.expired) return { kind: 'refused' };
    await sql(tx, `update identities.refresh_token set used_at = now() where id = ?`, [row.id]);
    await sql(tx, `update identities.session set last_refreshed_at = now(), updated_at = now() where id = ?`, [row.session_id]);
    const refreshToken = await newRefreshToken(tx, row.session_id, options);
    const { accessToken, expiresIn } = await sessionAccessToken(tokens, row.user_id, row.session_id);
    return { kind: 'issued', signIn: { accessToken, refreshToken, tokenType: 'Bearer', expiresIn } };
  });
}
