/**
 * API keys through the gateway: created for a service account or for the caller itself,
 * presented as `Authorization: Bearer <secret>` or as the `api-key` / `api-secret` pair,
 * exchanged at the gateway for one of our access tokens (the subgraphs never see a key),
 * refused on the next request once revoked or expired whatever the gateway has cached, and
 * throttled per address when wrong.
 */
import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { describe, expect } from 'vitest';
import { INTERNAL_HEADER } from '../../lib/auth/internal.js';
import { sql } from '../../subgraphs/common/db/orm.js';
import { newId } from '../../subgraphs/common/ids.js';
import { test, unique } from '../harness/fixtures.js';
import type { Client, GraphQLResponse, TestStack } from '../harness/stack.js';

const CREATE = `mutation($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { secret apiKey { id keyId name expiresAt lastUsedAt createdAt permissions { action allowed } } } }`;
const REVOKE = `mutation($id: ID!) { revokeApiKey(id: $id) }`;
const KEYS = `query($id: ID!) { serviceAccount(id: $id) { apiKeys(first: 100) { totalCount edges { node { id keyId name expiresAt lastUsedAt createdAt permissions { action allowed } } } } } }`;
const WHO = `query($org: ID!) { me { principal { ... on ServiceAccount { id } } roleAssignments { role { key } } } organization(id: $org) { id } }`;
const SECRET = /^igs_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$/;
const code = (result: GraphQLResponse) => result.errors?.[0]?.extensions?.code;

type Presentation = { authorization: string } | { 'api-key': string; 'api-secret': string };
const bearer = (secret: string): Presentation => ({ authorization: `Bearer ${secret}` });
const pair = (secret: string): Presentation => ({ 'api-key': `igk_${SECRET.exec(secret)?.[1] ?? 'x'}`, 'api-secret': secret });

/** A GraphQL request to `url` carrying only the given headers as credentials. */
async function call(url: string, headers: Record<string, string>, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse & { headers: Headers }> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  return { status: response.status, headers: response.headers, ...((await response.json()) as Omit<GraphQLResponse, 'status'>) };
}

/** A secret of the right shape that no key has. */
const madeUpSecret = () => `igs_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('base64url')}`;

function identitiesDb(stack: TestStack) {
  return stack.stack.databases.identities.orm.em.fork();
}

interface CreatedKey {
  secret: string;
  apiKey: { id: string; keyId: string; name: string; expiresAt: string | null; lastUsedAt: string | null; permissions: { action: string; allowed: boolean }[] };
}

const it = test
  /** `createKey(client, input)`: createApiKey as `client`, which must succeed. */
  .extend('createKey', () => async (client: Client, input: Record<string, unknown>): Promise<CreatedKey> => (await client.ok(CREATE, { input })).createApiKey)
  /** `exchange(secret)`: identities' internal exchange, called as the gateway calls it. */
  .extend('exchange', ({ stack }) => async (secret: string) => {
    const response = await fetch(`${stack.stack.subgraphs.identities.url}/internal/api-keys/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [INTERNAL_HEADER]: stack.stack.internalSecret },
      body: JSON.stringify({ secret }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  });

describe('API keys', () => {
  it('work as Bearer and as the api-key/api-secret pair: the caller is the service account and its roles apply', async ({ stack, organization: org, principal, createKey }) => {
    const admin = await principal(org.id, 'org_admin');
    const robot = await principal(org.id, 'org_viewer');
    const created = await createKey(admin.client, { name: '  deploy script ', serviceAccountId: robot.id });
    const body = SECRET.exec(created.secret)?.[1];
    expect(body).toBeDefined();
    expect(created.apiKey).toMatchObject({ keyId: `igk_${body}`, name: 'deploy script', expiresAt: null, lastUsedAt: null });

    for (const presented of [bearer(created.secret), pair(created.secret)]) {
      const result = await call(stack.url, presented, WHO, { org: org.id });
      expect(result.status, JSON.stringify(result.errors)).toBe(200);
      expect(result.data).toEqual({ me: { principal: { id: robot.id }, roleAssignments: [{ role: { key: 'org_viewer' } }] }, organization: { id: org.id } });
      // org_viewer may read, not change.
      const denied = await call(stack.url, presented, `mutation($o: ID!) { createTenant(organizationId: $o, input: { name: "T" }) { id } }`, { o: org.id });
      expect(code(denied)).toBe('FORBIDDEN');
    }
  });

  it('shows the secret once: never in a listing, the audit log or the database', async ({ stack, admin, organization: org, principal, createKey }) => {
    const robot = await principal(org.id, null);
    const created = await createKey(admin, { name: 'ci', serviceAccountId: robot.id, expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    await admin.ok(REVOKE, { id: (await createKey(admin, { name: 'gone', serviceAccountId: robot.id })).apiKey.id });

    const listed = (await admin.ok(KEYS, { id: robot.id })).serviceAccount.apiKeys;
    expect(listed.totalCount).toBe(1);
    expect(listed.edges[0].node).toMatchObject({ id: created.apiKey.id, keyId: created.apiKey.keyId, name: 'ci', expiresAt: created.apiKey.expiresAt });
    const events = await admin.ok(`query($o: ID!) { auditEvents(organizationId: $o, first: 100) { edges { node { action targetId changes } } } }`, { o: org.id });
    const keyEvents = events.auditEvents.edges.map((e: { node: { action: string } }) => e.node).filter((e: { action: string }) => e.action.startsWith('api_key.'));
    expect(keyEvents.map((e: { action: string }) => e.action)).toEqual(['api_key.revoke', 'api_key.create', 'api_key.create']);
    expect(keyEvents[2]).toMatchObject({ targetId: created.apiKey.id, changes: { keyId: created.apiKey.keyId, name: 'ci', principalType: 'service_account', principalId: robot.id } });
    const [row] = await sql<Record<string, unknown>>(identitiesDb(stack), `select * from identities.api_key where id = ?`, [created.apiKey.id]);
    expect(row!.secret_hash).toBe(createHash('sha256').update(created.secret).digest('hex'));

    const random = SECRET.exec(created.secret)![0].slice(-43);
    for (const seen of [listed, events, row]) {
      expect(JSON.stringify(seen)).not.toContain(random);
    }
  });

  it('lets a principal create, use and revoke a key for itself without any role, but not mint keys with a key', async ({ stack, organization: org, principal, createKey }) => {
    const robot = await principal(org.id, null);
    const own = await createKey(robot.client, { name: 'mine' });
    const me = `{ me { principal { ... on ServiceAccount { id apiKeys { totalCount edges { node { id permissions { action allowed } } } } } } } }`;
    const viaKey = await call(stack.url, bearer(own.secret), me);
    expect(viaKey.data?.me.principal).toMatchObject({ id: robot.id, apiKeys: { totalCount: 1, edges: [{ node: { id: own.apiKey.id } }] } });
    // Its own key, but no permission over its organization's service accounts.
    expect(viaKey.data?.me.principal.apiKeys.edges[0].node.permissions).toEqual([
      { action: 'service_account:read', allowed: false },
      { action: 'service_account:manage', allowed: false },
    ]);

    // A key made with a key would outlive the revocation of the key that made it.
    const minted = await call(stack.url, bearer(own.secret), CREATE, { input: { name: 'offspring' } });
    expect(code(minted)).toBe('FORBIDDEN');
    const named = await call(stack.url, bearer(own.secret), CREATE, { input: { name: 'offspring', serviceAccountId: robot.id } });
    expect(code(named)).toBe('FORBIDDEN');

    expect((await robot.client.ok(REVOKE, { id: own.apiKey.id })).revokeApiKey).toBe(own.apiKey.id);
    expect((await call(stack.url, bearer(own.secret), me)).status).toBe(401);
    expect((await robot.client.ok(me)).me.principal.apiKeys.totalCount).toBe(0);
  });

  it('refuses a revoked key on the next request, although the gateway cached its exchange', async ({ stack, admin, organization: org, principal, createKey }) => {
    const robot = await principal(org.id, 'org_viewer');
    const key = await createKey(admin, { name: 'soon revoked', serviceAccountId: robot.id });
    expect((await call(stack.url, bearer(key.secret), WHO, { org: org.id })).status).toBe(200);
    expect((await admin.ok(REVOKE, { id: key.apiKey.id })).revokeApiKey).toBe(key.apiKey.id);

    // The first refusal comes from a subgraph (the cached token's key is checked there), and drops the cache entry ...
    const cached = await call(stack.url, bearer(key.secret), WHO, { org: org.id });
    expect(cached.status).toBe(401);
    expect(cached.errors).toEqual([{ message: 'The API key of this token has been revoked or has expired', extensions: { code: 'UNAUTHENTICATED' } }]);
    expect(cached.data).toBeUndefined();
    // ... so the next one is a new exchange, which identities refuses.
    const exchanged = await call(stack.url, pair(key.secret), WHO, { org: org.id });
    expect(exchanged.status).toBe(401);
    expect(exchanged.errors?.[0]).toMatchObject({ message: 'API key revoked', extensions: { code: 'UNAUTHENTICATED' } });

    expect((await admin.ok(KEYS, { id: robot.id })).serviceAccount.apiKeys.totalCount).toBe(0);
    expect(code(await admin.gql(REVOKE, { id: key.apiKey.id }))).toBe('NOT_FOUND');
  });

  it('refuses a token minted for a key once the key is revoked, deleted with its account or expired, in every subgraph', async ({ stack, admin, organization: org, principal, createKey, exchange }) => {
    const robot = await principal(org.id, 'org_viewer');
    const tokenFor = async (secret: string) => {
      const response = await exchange(secret);
      expect(response.status).toBe(200);
      const token = response.body.access_token as string;
      expect(decodeJwt(token)).toMatchObject({ sub: robot.id, principal_type: 'service_account' });
      return token;
    };
    const revoked = await createKey(admin, { name: 'revoked', serviceAccountId: robot.id });
    const expired = await createKey(admin, { name: 'expired', serviceAccountId: robot.id });
    const kept = await createKey(admin, { name: 'kept', serviceAccountId: robot.id });
    const tokens = { revoked: await tokenFor(revoked.secret), expired: await tokenFor(expired.secret), kept: await tokenFor(kept.secret) };
    expect(decodeJwt(tokens.revoked).akid).toBe(revoked.apiKey.id);

    await admin.ok(REVOKE, { id: revoked.apiKey.id });
    await sql(identitiesDb(stack), `update identities.api_key set expires_at = now() - interval '1 second' where id = ?`, [expired.apiKey.id]);
    // One field from each subgraph: whichever answers first refuses the whole request.
    const everywhere = `query($org: ID!) { organization(id: $org) { id } me { principal { ... on ServiceAccount { id } } } serviceAccount(id: "${robot.id}") { id } }`;
    for (const token of [tokens.revoked, tokens.expired]) {
      const result = await admin.as(token).gql(everywhere, { org: org.id });
      expect(result.status).toBe(401);
      expect(code(result)).toBe('UNAUTHENTICATED');
      for (const subgraph of Object.values(stack.stack.subgraphs)) {
        const direct = await call(subgraph.url, { authorization: `Bearer ${token}` }, `{ __typename }`);
        expect(direct.status, subgraph.name).toBe(401);
      }
    }
    expect((await admin.as(tokens.kept).gql(WHO, { org: org.id })).status).toBe(200);

    const expiredAgain = await call(stack.url, bearer(expired.secret), WHO, { org: org.id });
    expect(expiredAgain.errors?.[0]).toMatchObject({ message: 'API key expired', extensions: { code: 'UNAUTHENTICATED' } });

    await admin.ok(`mutation($id: ID!) { deleteServiceAccount(id: $id) }`, { id: robot.id });
    expect((await admin.as(tokens.kept).gql(WHO, { org: org.id })).status).toBe(401);
    expect((await exchange(kept.secret)).status).toBe(401);
    const [left] = await sql<{ n: number }>(identitiesDb(stack), `select count(*)::int as n from identities.api_key where principal_id = ?`, [robot.id]);
    expect(left!.n).toBe(0);
  });

  it('answers a wrong secret, an unknown key and a malformed one alike, with 401', async ({ stack, admin, organization: org, principal, createKey }) => {
    const robot = await principal(org.id, 'org_viewer');
    const key = await createKey(admin, { name: 'real', serviceAccountId: robot.id });
    const [, body] = SECRET.exec(key.secret)!;
    const wrongSecret = `igs_${body}_${randomBytes(32).toString('base64url')}`;
    const unknown = madeUpSecret();
    const answers = [
      await call(stack.url, bearer(wrongSecret), WHO, { org: org.id }),
      await call(stack.url, pair(wrongSecret), WHO, { org: org.id }),
      await call(stack.url, bearer(unknown), WHO, { org: org.id }),
      await call(stack.url, bearer('igs_short'), WHO, { org: org.id }),
      // The halves of a pair name different keys.
      await call(stack.url, { 'api-key': `igk_${randomBytes(8).toString('hex')}`, 'api-secret': key.secret }, WHO, { org: org.id }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect({ errors: answer.errors, data: answer.data }).toEqual({ errors: [{ message: 'Invalid API key', extensions: { code: 'UNAUTHENTICATED' } }], data: undefined });
    }
    // One credential per request, and a pair comes whole.
    const both = await call(stack.url, { ...pair(key.secret), authorization: `Bearer ${admin.token}` }, WHO, { org: org.id });
    const half = await call(stack.url, { 'api-secret': key.secret }, WHO, { org: org.id });
    for (const answer of [both, half]) {
      expect(answer.status).toBe(401);
      expect(code(answer)).toBe('UNAUTHENTICATED');
    }
    expect((await call(stack.url, bearer(key.secret), WHO, { org: org.id })).status).toBe(200);
  });

  it('throttles wrong keys per source address, together with failed client authentications', async ({ stack, gateway, organization: org, principal, createKey }) => {
    const admin = await principal(org.id, 'org_admin');
    const key = await createKey(admin.client, { name: 'right', serviceAccountId: admin.id });
    const url = await gateway({ rateLimits: { tokenFailuresPerAddress: 5, tokenFailuresPerClient: 1_000, tokenWindowSeconds: 600 } });
    // Right keys cost nothing.
    for (let i = 0; i < 8; i++) expect((await call(url, bearer(key.secret), WHO, { org: org.id })).status).toBe(200);

    const guesses = await Promise.all(Array.from({ length: 20 }, () => call(url, bearer(madeUpSecret()), WHO, { org: org.id })));
    expect(guesses.filter((g) => g.status === 401)).toHaveLength(5);
    const throttled = guesses.filter((g) => g.status === 429);
    expect(throttled).toHaveLength(15);
    for (const answer of throttled) {
      expect(code(answer)).toBe('RATE_LIMITED');
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    // While the address is blocked the right key gets the same answer, cached or not, and so does the token endpoint.
    expect((await call(url, bearer(key.secret), WHO, { org: org.id })).status).toBe(429);
    expect((await call(url, pair(key.secret), WHO, { org: org.id })).status).toBe(429);
    const token = await fetch(`${url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: admin.clientId, client_secret: admin.clientSecret }),
    });
    expect(token.status).toBe(429);
    // Another gateway's counters are its own: the key itself was never at fault.
    expect((await call(stack.url, bearer(key.secret), WHO, { org: org.id })).status).toBe(200);
  });

  it('records lastUsedAt when a key is used, writing it at most once a minute', async ({ stack, admin, organization: org, principal, createKey, exchange }) => {
    const robot = await principal(org.id, 'org_viewer');
    const key = await createKey(admin, { name: 'busy', serviceAccountId: robot.id });
    const lastUsed = async () => {
      const [row] = await sql<{ last_used_at: string | null }>(identitiesDb(stack), `select last_used_at::text from identities.api_key where id = ?`, [key.apiKey.id]);
      return row!.last_used_at;
    };
    expect(await lastUsed()).toBeNull();
    expect((await call(stack.url, bearer(key.secret), WHO, { org: org.id })).status).toBe(200);
    const listed = (await admin.ok(KEYS, { id: robot.id })).serviceAccount.apiKeys.edges[0].node;
    expect(listed.lastUsedAt).not.toBeNull();
    const first = await lastUsed();
    expect(new Date(listed.lastUsedAt).getTime()).toBe(new Date(first!).getTime());

    // Within the minute another exchange leaves the row alone ...
    expect((await exchange(key.secret)).status).toBe(200);
    expect(await lastUsed()).toBe(first);
    // ... and once the last write is over a minute old, the next exchange writes again.
    await sql(identitiesDb(stack), `update identities.api_key set last_used_at = last_used_at - interval '2 minutes' where id = ?`, [key.apiKey.id]);
    const movedBack = await lastUsed();
    expect((await exchange(key.secret)).status).toBe(200);
    const rewritten = await lastUsed();
    expect(new Date(rewritten!).getTime()).toBeGreaterThan(new Date(movedBack!).getTime());
    expect(rewritten).not.toBe(first);
  });

  it('needs service_account:manage to create or revoke an account\'s keys; outsiders get NOT_FOUND', async ({ stack, admin, organization: org, principal, createKey }) => {
    const robot = await principal(org.id, null);
    const key = await createKey(admin, { name: 'guarded', serviceAccountId: robot.id });
    const member = await principal(org.id, 'org_member');
    const owner = await principal(org.id, 'org_owner');
    const other = await stack.createOrganization(unique('Keys elsewhere'));
    const outsider = await principal(other.id, 'org_owner');

    // A member sees the keys and what it may do with them, and may not change them.
    const seen = (await member.client.ok(KEYS, { id: robot.id })).serviceAccount.apiKeys.edges[0].node;
    expect(seen.permissions).toEqual([
      { action: 'service_account:read', allowed: true },
      { action: 'service_account:manage', allowed: false },
    ]);
    expect(code(await member.client.gql(CREATE, { input: { name: 'x', serviceAccountId: robot.id } }))).toBe('FORBIDDEN');
    expect(code(await member.client.gql(REVOKE, { id: key.apiKey.id }))).toBe('FORBIDDEN');

    for (const result of [
      await outsider.client.gql(CREATE, { input: { name: 'x', serviceAccountId: robot.id } }),
      await outsider.client.gql(CREATE, { input: { name: 'x', serviceAccountId: newId() } }),
      await outsider.client.gql(REVOKE, { id: key.apiKey.id }),
      await outsider.client.gql(REVOKE, { id: newId() }),
      await outsider.client.gql(KEYS, { id: robot.id }),
    ]) {
      expect(code(result)).toBe('NOT_FOUND');
    }
    expect((await admin.ok(KEYS, { id: robot.id })).serviceAccount.apiKeys.totalCount).toBe(1);
    expect((await call(stack.url, bearer(key.secret), `{ me { principal { ... on ServiceAccount { id } } } }`)).status).toBe(200);

    // The organization's owner may do both.
    const made = (await owner.client.ok(CREATE, { input: { name: 'by owner', serviceAccountId: robot.id } })).createApiKey;
    expect(made.apiKey.permissions.every((p: { allowed: boolean }) => p.allowed)).toBe(true);
    expect((await owner.client.ok(REVOKE, { id: key.apiKey.id })).revokeApiKey).toBe(key.apiKey.id);
    expect((await admin.ok(KEYS, { id: robot.id })).serviceAccount.apiKeys.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([made.apiKey.id]);
  });

  it('never reaches a subgraph: subgraphs refuse keys, and the exchange route is the gateway\'s alone', async ({ stack, admin, organization: org, principal, createKey }) => {
    const robot = await principal(org.id, 'org_viewer');
    const key = await createKey(admin, { name: 'edge only', serviceAccountId: robot.id });
    for (const subgraph of Object.values(stack.stack.subgraphs)) {
      const direct = await call(subgraph.url, bearer(key.secret), `{ __typename }`);
      expect(direct.status, subgraph.name).toBe(401);
      expect(code(direct)).toBe('UNAUTHENTICATED');
    }
    // The pair means nothing to a subgraph: the request is anonymous there.
    expect(code(await call(stack.stack.subgraphs.access.url, pair(key.secret), `{ me { principal { __typename } } }`))).toBe('UNAUTHENTICATED');

    const exchangeAt = (base: string, headers: Record<string, string> = {}) =>
      fetch(`${base}/internal/api-keys/token`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ secret: key.secret }) });
    // Not through the gateway, with or without a forged internal credential, and not at identities without the real one.
    expect((await exchangeAt(stack.url)).status).toBe(404);
    expect((await exchangeAt(stack.url, { [INTERNAL_HEADER]: 'guess' })).status).toBe(404);
    expect((await exchangeAt(stack.stack.subgraphs.identities.url)).status).toBe(404);
    expect((await exchangeAt(stack.stack.subgraphs.identities.url, { [INTERNAL_HEADER]: 'guess' })).status).toBe(404);
    expect((await exchangeAt(stack.stack.subgraphs.identities.url, { [INTERNAL_HEADER]: stack.stack.internalSecret })).status).toBe(200);
  });

  it('refuses bad input with BAD_USER_INPUT on the field, and writes nothing', async ({ stack, admin, organization: org, principal }) => {
    const robot = await principal(org.id, null);
    for (const [input, field] of [
      [{ name: '' }, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(201) }, 'name'],
      [{ name: 'ok', expiresAt: '2001-01-01T00:00:00Z' }, 'expiresAt'],
      [{ name: 'ok', expiresAt: new Date(Date.now() - 1000).toISOString() }, 'expiresAt'],
      [{ name: 'ok', serviceAccountId: 'not-an-id' }, 'serviceAccountId'],
    ] as const) {
      const result = await admin.gql(CREATE, { input: { serviceAccountId: robot.id, ...input } });
      expect(result.errors?.[0]?.extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    // A key for the caller itself is checked the same way.
    expect((await robot.client.gql(CREATE, { input: { name: ' ' } })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    expect((await admin.gql(REVOKE, { id: 'not-an-id' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });

    const [count] = await sql<{ n: number }>(identitiesDb(stack), `select count(*)::int as n from identities.api_key where principal_id = ?`, [robot.id]);
    expect(count!.n).toBe(0);
    const events = await admin.ok(`query($o: ID!) { auditEvents(organizationId: $o, first: 100) { edges { node { action } } } }`, { o: org.id });
    expect(events.auditEvents.edges.filter((e: { node: { action: string } }) => e.node.action.startsWith('api_key.'))).toEqual([]);
  });
});
