import type { EntityManager } from '@mikro-orm/postgresql';
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
