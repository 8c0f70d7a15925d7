/**
 * Every read a subgraph makes of another subgraph's schema, in one place a reader can list.
 * Each subgraph writes only its own schema; to decide and to explain, the decision point
 * needs a few facts owned elsewhere: where an organization sits in the tree (organizations),
 * which organization a tenant belongs to (organizations), whether a principal exists and
 * where it lives (identities), and the caller's role assignments (access). Nothing else
 * crosses a schema boundary; test/architecture.test.ts keeps it that way.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Caller, PrincipalType } from '../../../lib/auth/tokens.js';
import { sql } from '../db/orm.js';
import type { Permission, Scope } from './catalog.js';

export interface AssignmentRow {
  id: string;
  role_key: string;
  scope: Scope;
  organization_id: string | null;
  tenant_id: string | null;
  /** Set for custom roles: their permissions are read live, so a role's change applies on the next request. */
  custom_permissions: Permission[] | null;
}

export interface CallerRecord {
  /** False once the principal behind a still-unexpired token has been deleted. */
  exists: boolean;
  /** False when the token belongs to a sign-in that has ended (signed out, or its refresh token replayed). */
  sessionValid: boolean;
  /** False when the token was exchanged for an API key that has since been revoked or has expired (true without one). */
  apiKeyValid: boolean;
  assignments: AssignmentRow[];
}

/**
 * The caller's existence and assignments in one statement: a deleted principal's token is
 * refused on the next request, and its assignments (which nothing deletes across schemas)
 * never count. A user's organization and tenant assignments count only while the user is an
 * ACTIVE member of that organization or of one above it, so disabling or removing a
 * membership ends them on the next request too. A token of a user's sign-in (`sid`) is good
 * only while that session is (signing out, or a replayed refresh token, ends it at once), and
 * one exchanged for an API key (`akid`) only while that key of that principal is neither
 * revoked nor expired, whatever the gateway has cached.
 */
export async function readCaller(em: EntityManager, caller: Caller): Promise<CallerRecord> {
  const text = callerStatement(caller.type, caller.sessionId !== null, caller.apiKeyId !== null);
  if (!text) return { exists: false, sessionValid: false, apiKeyValid: false, assignments: [] };
  const params: unknown[] = [caller.id];
  if (caller.sessionId !== null) params.push(caller.sessionId);
  if (caller.apiKeyId !== null) params.push(caller.apiKeyId);
  const rows = await sql<AssignmentRow & { present: boolean; session_valid: boolean; key_valid: boolean }>(em, text, params, { prepared: true });
  const [first] = rows;
  const exists = first?.present === true;
  const sessionValid = first?.session_valid === true;
  const apiKeyValid = first?.key_valid === true;
  return { exists, sessionValid, apiKeyValid, assignments: exists && sessionValid && apiKeyValid ? rows.filter((row) => row.id !== null) : [] };
}

const callerStatements = new Map<string, string>();

/**
 * The statement of readCaller for one kind of caller, naming only the tables that kind needs
 * (`?` 1 is the principal, then the session and the API key when the token names them): each
 * is short to plan, and prepared once per connection (PostgreSQL then reuses its plan).
 */
function callerStatement(type: PrincipalType, session: boolean, apiKey: boolean): string | undefined {
  if (type !== 'service_account' && type !== 'user') return undefined;
  const key = `${type}:${session}:${apiKey}`;
  let text = callerStatements.get(key);
  if (!text) {
    const table = type === 'service_account' ? 'identities.service_account' : 'identities.user_account';
    const sessionValid = session
      ? `exists (select 1 from identities.session s where s.id = ?::uuid and s.user_id = c.id and s.revoked_at is null)`
      : 'true';
    const keyValid = apiKey
      ? `exists (select 1 from identities.api_key k
                  where k.id = ?::uuid and k.principal_id = c.id and k.revoked_at is null and (k.expires_at is null or k.expires_at > now()))`
      : 'true';
    const counts = `(ra.principal_type <> 'user' or ra.scope = 'PLATFORM' or exists (
                   select 1 from organizations.organization o
                     join identities.membership m on m.organization_id = o.id or m.organization_id = any(o.path)
                    where o.id = ra.organization_id and m.user_id = ra.principal_id and m.status = 'ACTIVE'))`;
    text = `select p.present, p.session_valid, p.key_valid, ra.id, ra.role_key, ra.scope, ra.organization_id, ra.tenant_id, r.permissions as custom_permissions
       from (select ?::uuid as id) c
       cross join lateral (select exists (select 1 from ${table} t where t.id = c.id) as present,
                                  ${sessionValid} as session_valid,
                                  ${keyValid} as key_valid) p
       left join access.role_assignment ra on p.present and p.session_valid and p.key_valid and ra.principal_id = c.id and ${counts}
       left join access.role r on r.id = ra.role_id`;
    callerStatements.set(key, text);
  }
  return text;
}

/** Ancestor ids (root first, without the organization itself) of organizations; absent ids are missing. */
export async function readAncestry(em: EntityManager, ids: readonly string[]): Promise<Map<string, string[]>> {
  const rows = await sql<{ id: string; path: string[] }>(em, `select id, path from organizations.organization where id = any(?::uuid[])`, [ids], { prepared: true });
  return new Map(rows.map((r) => [r.id, r.path]));
}

/** The organization of each tenant; absent ids are missing. */
export async function readTenantOwners(em: EntityManager, ids: readonly string[]): Promise<Map<string, string>> {
  const rows = await sql<{ id: string; organization_id: string }>(em, `select id, organization_id from organizations.tenant where id = any(?::uuid[])`, [ids], { prepared: true });
  return new Map(rows.map((r) => [r.id, r.organization_id]));
}

export interface PrincipalRecord {
  id: string;
  type: PrincipalType;
  /** Where the principal belongs: a service account's organization, the organizations a user is a member of. */
  organizationIds: string[];
  /** Of those, where its roles count: a user's ACTIVE memberships; a service account's organization. */
  activeOrganizationIds: string[];
}

/** Users and service accounts by id; absent ids do not exist. */
export async function readPrincipals(em: EntityManager, ids: readonly string[]): Promise<Map<string, PrincipalRecord>> {
  const rows = await sql<{ id: string; type: PrincipalType; organization_ids: string[]; active_organization_ids: string[] }>(
    em,
    `select id, 'service_account' as type, array[organization_id] as organization_ids, array[organization_id] as active_organization_ids
       from identities.service_account where id = any(?::uuid[])
     union all
     select u.id, 'user',
            coalesce(array_agg(m.organization_id) filter (where m.id is not null), '{}'),
            coalesce(array_agg(m.organization_id) filter (where m.status = 'ACTIVE'), '{}')
       from identities.user_account u left join identities.membership m on m.user_id = u.id
      where u.id = any(?::uuid[])
      group by u.id`,
    [ids, ids],
  );
  return new Map(rows.map((r) => [r.id, { id: r.id, type: r.type, organizationIds: r.organization_ids, activeOrganizationIds: r.active_organization_ids }]));
}

/** Names of organizations and one tenant, for explanations in words ("Acme/EU/Berlin"). */
export async function readNames(em: EntityManager, organizationIds: readonly string[], tenantId: string | null): Promise<{ organizations: Map<string, string>; tenant: string | null }> {
  const rows = await sql<{ kind: 'o' | 't'; id: string; name: string }>(
    em,
    `select 'o' as kind, id, name from organizations.organization where id = any(?::uuid[])
     union all
     select 't' as kind, id, name from organizations.tenant where id = ?::uuid`,
    [organizationIds, tenantId],
  );
  return {
    organizations: new Map(rows.filter((r) => r.kind === 'o').map((r) => [r.id, r.name])),
    tenant: rows.find((r) => r.kind === 't')?.name ?? null,
  };
}

/** `organization_path` of an audit event: the organization and its ancestors, root first. */
export async function readLineage(em: EntityManager, organizationId: string | null): Promise<string[]> {
  if (!organizationId) return [];
  const [row] = await sql<{ lineage: string[] }>(em, `select path || id as lineage from organizations.organization where id = ?::uuid`, [organizationId]);
  return row?.lineage ?? [];
}

export interface ReachableRow {
  id: string;
  depth: number;
  path: string[];
  /** Tenants only. */
  organization_id?: string;
}

export interface ReachablePage {
  /** Keyset condition and order over (depth, id), with its parameters. */
  where: string;
  orderBy: string;
  params: unknown[];
  limit: number;
}

/**
 * Organizations (or tenants) the caller reaches: those under `roots` (null: all of them), and
 * for tenants also the ones assigned directly. One page and the total, for `me`.
 */
export async function readReachable(
  em: EntityManager,
  kind: 'organization' | 'tenant',
  roots: string[] | null,
  tenantIds: string[],
  page: ReachablePage,
): Promise<{ rows: ReachableRow[]; total: number }> {
  const source =
    kind === 'organization'
      ? `select o.id, o.depth, o.path from organizations.organization o
          where ?::uuid[] is null or o.id = any(?::uuid[]) or o.path && ?::uuid[]`
      : `select t.id, o.depth, o.path, t.organization_id from organizations.tenant t
           join organizations.organization o on o.id = t.organization_id
          where ?::uuid[] is null or o.id = any(?::uuid[]) or o.path && ?::uuid[] or t.id = any(?::uuid[])`;
  const params = kind === 'organization' ? [roots, roots, roots] : [roots, roots, roots, tenantIds];
  const [rows, [count]] = await Promise.all([
    sql<ReachableRow>(em, `select * from (${source}) s where ${page.where} order by ${page.orderBy} limit ?`, [...params, ...page.params, page.limit]),
    sql<{ n: number }>(em, `select count(*)::int as n from (${source}) s`, params),
  ]);
  return { rows, total: count!.n };
}

/** Who belongs where, for memberships another subgraph names by id; absent ids do not exist. */
export async function readMemberships(em: EntityManager, ids: readonly string[]): Promise<Map<string, { userId: string; organizationId: string }>> {
  const rows = await sql<{ id: string; user_id: string; organization_id: string }>(
    em,
    `select id, user_id, organization_id from identities.membership where id = any(?::uuid[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, { userId: r.user_id, organizationId: r.organization_id }]));
}

/**
 * A custom role as an organization sees it: defined there or on an ancestor, the nearest
 * definition winning (as access resolves it when assigning); null when there is none. For
 * identities, which invites into roles that access owns.
 */
export async function readCustomRole(em: EntityManager, key: string, organizationId: string): Promise<{ scope: Scope; permissions: Permission[] } | null> {
  const [row] = await sql<{ scope: Scope; permissions: Permission[] }>(
    em,
    `select r.scope, r.permissions from access.role r join organizations.organization o on o.id = ?::uuid
      where r.key = ? and (r.organization_id = o.id or r.organization_id = any(o.path))
      order by coalesce(array_position(o.path, r.organization_id), cardinality(o.path) + 1) desc
      limit 1`,
    [organizationId, key],
  );
  return row ?? null;
}

/**
 * Whether a user is the only org_owner of an organization whose ownership counts: other
 * owners are service accounts, or users with an ACTIVE membership there or above.
 */
export async function isLastOwner(em: EntityManager, userId: string, organizationId: string): Promise<boolean> {
  const [row] = await sql<{ owner: boolean; others: number }>(
    em,
    `select bool_or(ra.principal_id = ?::uuid) as owner,
            count(*) filter (where ra.principal_id <> ?::uuid and (ra.principal_type <> 'user' or exists (
              select 1 from organizations.organization o
                join identities.membership m on m.organization_id = o.id or m.organization_id = any(o.path)
               where o.id = ra.organization_id and m.user_id = ra.principal_id and m.status = 'ACTIVE')))::int as others
       from access.role_assignment ra
      where ra.organization_id = ?::uuid and ra.role_key = 'org_owner' and ra.tenant_id is null`,
    [userId, userId, organizationId],
  );
  return row?.owner === true && row.others === 0;
}

/**
 * The user's assignments that end with its membership of an organization: on the organization,
 * its tenants and everything below it, except where another membership (there or above,
 * other than this one) still backs them.
 */
export async function assignmentsEndingWithMembership(em: EntityManager, userId: string, organizationId: string): Promise<string[]> {
  const rows = await sql<{ id: string }>(
    em,
    `select ra.id from access.role_assignment ra
       join organizations.organization o on o.id = ra.organization_id
      where ra.principal_id = ?::uuid and (o.id = ?::uuid or ?::uuid = any(o.path))
        and not exists (
          select 1 from identities.membership m
           where m.user_id = ra.principal_id and m.organization_id <> ?::uuid
             and (m.organization_id = o.id or m.organization_id = any(o.path)))`,
    [userId, organizationId, organizationId, organizationId],
  );
  return rows.map((r) => r.id);
}
