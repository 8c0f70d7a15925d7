import type { EntityManager } from '@mikro-orm/postgresql';
import { accessClient, assignmentRefused } from '../../../common/access-client.js';
import { audit, retractAudit } from '../../../common/audit/writer.js';
import { Place } from '../../../common/authz/decision.js';
import type { SubgraphContext } from '../../../common/context.js';
import { uniqueViolation } from '../../../common/db/errors.js';
import { sql } from '../../../common/db/orm.js';
import { parseId } from '../../../common/ids.js';
import { keysetSql, pageRequest, toConnection, type Connection } from '../../../common/pagination.js';
import { containsPattern, parseEmail, parseOptionalText, parseUsername } from '../../../common/validation.js';
import { badInput, conflict, notFound } from '../../../../lib/errors.js';
import { logError } from '../../../../lib/http.js';
import { User } from './user.entity.js';
import type { CreateUserInput, UsersArgs } from './user.input.js';
import type { CreateUserPayload } from './user.type.js';
import { createApiKey } from '../api-key/api-key.service.js';
import { links } from '../../links.js';
import { enqueueWelcome } from './welcome.js';
import { USER_ORDER, userSortKey } from './user.loaders.js';

function parseRoleKeys(value: unknown): string[] {
  if (value == null) return [];
  if (!Array.isArray(value) || value.some((key) => typeof key !== 'string' || key.length === 0 || key.length > 64)) {
    throw badInput('roleKeys', 'roleKeys must be role keys such as "user_admin"');
  }
  return [...new Set(value as string[])];
}

/** A unique index named in a violation, as the field the person typed. */
function duplicate(error: unknown): never {
  const constraint = uniqueViolation(error);
  if (constraint?.includes('username')) throw conflict('A user with this username exists', { field: 'username' });
  throw conflict('A user with this email exists', { field: 'email' });
}

/**
 * Creates a user, and grants the platform roles named in `roleKeys` through access under the
 * caller's permissions. Assignments are access's to write, so they follow the user's own
 * transaction; a refused role takes the user back (and this request's audit events with it).
 */
export async function createUser(ctx: SubgraphContext, input: CreateUserInput): Promise<CreateUserPayload> {
  const email = parseEmail(input.email);
  const username = parseUsername(input.username);
  const displayName = parseOptionalText(input.displayName, 'displayName', 200);
  const roleKeys = parseRoleKeys(input.roleKeys);
  const notify = input.notify === true;
  let payload: CreateUserPayload;
  try {
    payload = await ctx.em.transactional(async (tx) => {
      const user = tx.create(User, { email, username, displayName });
      await tx.flush();
      await audit(tx, ctx, { action: 'user.create', targetType: 'User', targetId: user.id, organizationId: null, changes: { email, username, displayName, roleKeys, notify } });
      if (notify) return { user, apiKey: null, secret: null };
      // Without a mail, the administrator hands the person (or a script) a key pair, shown this once.
      const { apiKey, secret } = await createApiKey(tx, ctx, { principalType: 'user', principalId: user.id }, { name: 'Created with the user' });
      return { user, apiKey, secret };
    });
  } catch (error) {
    if (uniqueViolation(error)) duplicate(error);
    throw error;
  }
  for (const roleKey of roleKeys) {
    const refused = await accessClient(ctx).assignRoleOrUndo(ctx, { principalId: payload.user.id, roleKey }, () => undoCreateUser(ctx, payload));
    if (refused) throw refused.extensions?.field === 'roleKey' ? badInput('roleKeys', refused.message) : assignmentRefused(refused, `grant ${roleKey}`);
  }
  // The welcome goes out only for a user that stays: after its roles, never for one taken back.
  if (notify) await ctx.em.transactional((tx) => enqueueWelcome(tx, links(ctx), payload.user));
  return payload;
}

async function undoCreateUser(ctx: SubgraphContext, created: CreateUserPayload): Promise<void> {
  const userId = created.user.id;
  await accessClient(ctx).forgetPrincipal(ctx, userId).catch((error: unknown) => logError(`could not remove the assignments of user ${userId}`, error));
  await ctx.em.fork().transactional(async (tx) => {
    // The API key goes with the user (foreign key); this request's events about both are retracted.
    await sql(tx, `delete from identities.user_account where id = ?`, [userId]);
    await retractAudit(tx, ctx, userId);
    if (created.apiKey) await retractAudit(tx, ctx, created.apiKey.id);
  });
}

/**
 * Deletes a user: memberships, API keys, invitations and sign-ins go with the row; tokens
 * stop on the next request (every subgraph reads the principal's existence per request), and
 * the role assignments are removed in access.
 */
export async function deleteUser(ctx: SubgraphContext, id: string): Promise<string> {
  const userId = parseId(id, 'id');
  await ctx.authz.assertOutranks({ id: userId, type: 'user' }, Place.platform, 'delete this user');
  await ctx.em.transactional(async (tx) => {
    const [user] = await sql<{ email: string }>(tx, `delete from identities.user_account where id = ? returning email`, [userId]);
    if (!user) throw notFound('User');
    await audit(tx, ctx, { action: 'user.delete', targetType: 'User', targetId: userId, organizationId: null, changes: { email: user.email } });
  });
  // Once the user is gone its assignments never count (readCaller); removing them keeps listings true.
  await accessClient(ctx).forgetPrincipal(ctx, userId).catch((error: unknown) => logError(`could not remove the assignments of deleted user ${userId}`, error));
  return userId;
}

/** Every user of the installation, by email; `search` matches email, username or display name. */
export async function listUsers(em: EntityManager, args: UsersArgs): Promise<Connection<User>> {
  const page = pageRequest(args, USER_ORDER);
  const keyset = keysetSql(page);
  const pattern = containsPattern(parseOptionalText(args.search, 'search', 200));
  const where = `(?::text is null or email ilike ? or username ilike ? or display_name ilike ?)`;
  const params = [pattern, pattern, pattern, pattern];
  const [rows, [count]] = await Promise.all([
    sql(em, `select * from identities.user_account where ${where} and ${keyset.where} order by ${keyset.orderBy} limit ?`, [...params, ...keyset.params, page.limit + 1]),
    sql<{ n: number }>(em, `select count(*)::int as n from identities.user_account where ${where}`, params),
  ]);
  return toConnection(rows.map((r) => em.map(User, r)), page, count!.n, userSortKey);
}
