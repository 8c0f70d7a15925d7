import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { apiError, badInput } from '../../../../lib/errors.js';
import { audit } from '../../../common/audit/writer.js';
import type { SubgraphContext } from '../../../common/context.js';
import { sql } from '../../../common/db/orm.js';
import { newId } from '../../../common/ids.js';
import { parseEmail } from '../../../common/validation.js';
import { enqueueMailIf } from '../mail/outbox.js';
import { sessionActor, signInServices, startSession } from '../session/session.service.js';
import type { SignIn } from '../session/session.type.js';
import { ATTEMPTS_PER_CODE, type LoginCodeOptions } from './login-code.config.js';

export const CODE_DIGITS = 8;

/**
 * One answer for a wrong, expired, used or superseded code and for an address nobody has, so
 * trying codes tells nothing about which addresses exist.
 */
export const invalidCode = () => apiError('UNAUTHENTICATED', 'This code is wrong, expired or already used: request a new one');

const limited = (what: string, retryAfter: number) => apiError('RATE_LIMITED', `Too many ${what} for this address; retry after ${retryAfter} s`, { retryAfter });

export function loginCodeOptions(ctx: SubgraphContext): LoginCodeOptions {
  const options = ctx.services.loginCodes as LoginCodeOptions | undefined;
  if (!options) throw new Error('identities started without its login code settings');
  return options;
}

/**
 * Codes are stored as scrypt hashes with a salt of their own: 10^8 codes are few enough that a
 * plain or salted fast hash from a database dump gives a live code back in seconds, while at
 * scrypt's cost (tens of ms each) it takes weeks, long after the code has expired.
 */
function hashCode(code: string, salt: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(code, salt, 32, { N: 16384, r: 8, p: 1 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** A salt for an address without any code: the same work is done, and it never matches. */
const NO_SALT = '0'.repeat(32);

/** What a person types: the digits of the mail, maybe with spaces or dashes copied along. */
function parseCode(value: unknown): string {
  const code = typeof value === 'string' ? value.replace(/[\s-]/g, '') : '';
  if (!new RegExp(`^[0-9]{${CODE_DIGITS}}$`).test(code)) throw badInput('code', `code must be the ${CODE_DIGITS} digits from the mail`);
  return code;
}

/**
 * Requests and verifications for one address take turns (a transaction-scoped advisory lock on
 * it), so the limits count exactly across every identities process and two right codes at
 * once sign in once.
 */
async function lockAddress(tx: EntityManager, address: string): Promise<void> {
  await sql(tx, `select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`login_code:${address}`]);
}

/**
 * requestLoginCode: mails a fresh code when a user has the address, and answers true either
 * way. Both cases run the same statements with the same shapes: the code row is written for
 * an unknown address too (without a user, so it can never verify, and it counts against the
 * same limit), and the mail insert runs with a condition that writes nothing for it.
 */
export async function requestLoginCode(ctx: SubgraphContext, emailInput: unknown): Promise<boolean> {
  const email = parseEmail(emailInput);
  const address = email.toLowerCase();
  const options = loginCodeOptions(ctx);
  const code = randomInt(0, 10 ** CODE_DIGITS).toString().padStart(CODE_DIGITS, '0');
  const salt = randomBytes(16).toString('hex');
  // Before the transaction: no connection waits on the hash.
  const codeHash = (await hashCode(code, salt)).toString('hex');
  const retryAfter = await ctx.em.transactional(async (tx): Promise<number | null> => {
    await lockAddress(tx, address);
    const [state] = await sql<{ user_id: string | null; user_email: string | null; recent: number; retry_after: number | null }>(
      tx,
      `select u.id as user_id, u.email as user_email, c.recent, c.retry_after
         from (select count(*)::int as recent,
                      ceil(extract(epoch from min(created_at) + make_interval(secs => ?) - clock_timestamp()))::int as retry_after
                 from identities.login_code where email = ? and created_at > clock_timestamp() - make_interval(secs => ?)) c
         left join identities.user_account u on lower(u.email) = ?`,
      [options.windowSeconds, address, options.windowSeconds, address],
    );
    if (state!.recent >= options.requestsPerWindow) return Math.max(1, state!.retry_after ?? options.windowSeconds);
    // Old codes, anyone's, go as new ones come: a few at a time, long after every window and life they count in.
    await sql(tx, `delete from identities.login_code where id in (select id from identities.login_code where created_at < now() - make_interval(secs => ?) limit 100)`, [
      Math.max(options.windowSeconds, options.ttlSeconds) + 24 * 3600,
    ]);
    await sql(tx, `insert into identities.login_code (id, email, user_id, code_hash, salt, expires_at) values (?, ?, ?, ?, ?, clock_timestamp() + make_interval(secs => ?))`, [
      newId(),
      address,
      state!.user_id,
      codeHash,
      salt,
      options.ttlSeconds,
    ]);
    const minutes = Math.max(1, Math.round(options.ttlSeconds / 60));
    await enqueueMailIf(tx, state!.user_id !== null, {
      kind: 'login_code',
      to: state!.user_email ?? email,
      // The subject stays in the outbox after delivery: the code goes in the body only.
      subject: 'Your sign-in code',
      text: `Your sign-in code is:\n\n    ${code}\n\nIt works once, for ${minutes} minute${minutes === 1 ? '' : 's'}. A code requested later replaces it.\nIf you did not ask to sign in, ignore this mail: nobody can sign in without the code.\n`,
    });
    await audit(tx, ctx, { action: 'login_code.request', targetType: 'User', targetId: state!.user_id, organizationId: null, changes: { email } });
    return null;
  });
  if (retryAfter !== null) throw limited('sign-in codes requested', retryAfter);
  return true;
}

interface NewestCode {
  id: string;
  user_id: string | null;
  code_hash: string;
  salt: string;
  live: boolean;
  failed_attempts: number;
}

const NEWEST_CODE = `select id, user_id, code_hash, salt, failed_attempts, used_at is null and expires_at > clock_timestamp() as live
   from identities.login_code where email = ? order by created_at desc, id desc limit 1`;

type Verification = { kind: 'signed-in'; signIn: SignIn } | { kind: 'refused' } | { kind: 'limited'; retryAfter: number };

/**
 * verifyLoginCode: signs the user in with the newest code mailed to the address. Every wrong
 * try counts on that code (ATTEMPTS_PER_CODE of them kill it, the right code included) and
 * on the address (failuresPerWindow, past which it answers RATE_LIMITED); the right code works
 * once, and proves the address: emailVerified becomes true.
 */
export async function verifyLoginCode(ctx: SubgraphContext, emailInput: unknown, codeInput: unknown): Promise<SignIn> {
  const email = parseEmail(emailInput);
  const code = parseCode(codeInput);
  const address = email.toLowerCase();
  const options = loginCodeOptions(ctx);
  const { tokens, options: sessionOptions } = signInServices(ctx);

  // Hashed before the transaction, with the salt of the code that is newest now; should a new
  // code arrive meanwhile, it is hashed again for that one inside.
  const [before] = await sql<NewestCode>(ctx.em, NEWEST_CODE, [address]);
  let presented = { salt: before?.salt ?? NO_SALT, hash: await hashCode(code, before?.salt ?? NO_SALT) };

  const outcome = await ctx.em.transactional(async (tx): Promise<Verification> => {
    await lockAddress(tx, address);
    const [failures] = await sql<{ failures: number; retry_after: number | null }>(
      tx,
      `select coalesce(sum(failed_attempts), 0)::int as failures,
              ceil(extract(epoch from min(greatest(created_at + make_interval(secs => ?), expires_at)) - clock_timestamp()))::int as retry_after
         from identities.login_code
        where email = ? and failed_attempts > 0 and (created_at > clock_timestamp() - make_interval(secs => ?) or expires_at > clock_timestamp())`,
      [options.windowSeconds, address, options.windowSeconds],
    );
    if (failures!.failures >= options.failuresPerWindow) return { kind: 'limited', retryAfter: Math.max(1, failures!.retry_after ?? options.windowSeconds) };
    const [newest] = await sql<NewestCode>(tx, NEWEST_CODE, [address]);
    if (!newest) return { kind: 'refused' };
    if (newest.salt !== presented.salt) presented = { salt: newest.salt, hash: await hashCode(code, newest.salt) };
    const stored = Buffer.from(newest.code_hash, 'hex');
    const matches = stored.length === presented.hash.length && timingSafeEqual(stored, presented.hash);
    if (!matches || !newest.live || newest.user_id === null || newest.failed_attempts >= ATTEMPTS_PER_CODE) {
      // Committed although the answer is a refusal: the try counts.
      if (!matches) await sql(tx, `update identities.login_code set failed_attempts = failed_attempts + 1 where id = ?`, [newest.id]);
      return { kind: 'refused' };
    }
    const userId = newest.user_id;
    await sql(tx, `update identities.login_code set used_at = clock_timestamp() where id = ?`, [newest.id]);
    await sql(tx, `update identities.user_account set email_verified = true, updated_at = now() where id = ? and not email_verified`, [userId]);
    const { sessionId, ...signIn } = await startSession(tx, tokens, sessionOptions, userId, 'login_code');
    // The person signing in is the actor; the event names the session, never the code or a token.
    await audit(tx, sessionActor(userId, sessionId, ctx.requestId), { action: 'session.create', targetType: 'User', targetId: userId, organizationId: null, changes: { sessionId, method: 'login_code' } });
    return { kind: 'signed-in', signIn };
  });
  if (outcome.kind === 'limited') throw limited('wrong sign-in codes', outcome.retryAfter);
  if (outcome.kind === 'refused') throw invalidCode();
  return outcome.signIn;
}
