/**
 * Signing in with an email and a one-time code, through the gateway: the code is read from the
 * mail a real SMTP server received; unknown addresses get the same answer and no mail; wrong,
 * expired and used codes are refused alike and counted; the refresh grant rotates its token
 * and a replayed one ends the sign-in; signOut ends it too; no audit event holds a secret.
 */
import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { describe, expect } from 'vitest';
import { sql } from '../../subgraphs/common/db/orm.js';
import { test, unique } from '../harness/fixtures.js';
import type { GraphQLResponse, TestStack, TokenResponse } from '../harness/stack.js';

const REQUEST = `mutation($email: String!) { requestLoginCode(email: $email) }`;
const VERIFY = `mutation($email: String!, $code: String!) { verifyLoginCode(email: $email, code: $code) { accessToken refreshToken tokenType expiresIn } }`;
const WHO = `{ me { principal { ... on User { id email emailVerified } } } }`;
const FIRST_QUERY = `{ me { principal { ... on User { email } } organizations { edges { roles node { name members { edges { node { user { email } status roleAssignments { role { key } } } } } } } } } }`;

interface SignIn {
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  expiresIn: number;
}

const code = (result: GraphQLResponse) => result.errors?.[0]?.extensions?.code;
const nobody = () => `${unique('nobody').replace(' ', '.')}@example.com`;

function identitiesDb(stack: TestStack) {
  return stack.stack.databases.identities.orm.em.fork();
}

/** A code of the right shape that is not `right`. */
const wrongCode = (right: string) => `${right.slice(0, -1)}${(Number(right.at(-1)) + 1) % 10}`;

const it = test
  /** `mailedCode(email, n)`: the code of the n-th mail to `email` (1-based), read from what the SMTP server received. */
  .extend('mailedCode', ({ stack }) => async (email: string, n = 1): Promise<string> => {
    const mails = await stack.mailbox.waitFor(email, { count: n });
    const mail = mails[n - 1]!;
    expect(mail.subject).not.toMatch(/\d{4}/);
    const found = /^\s*(\d{8})\s*$/m.exec(mail.text);
    if (!found) throw new Error(`no code in the mail: ${mail.text}`);
    return found[1]!;
  })
  /** `signIn(email)`: requests a code, reads it from the mail and verifies it. */
  .extend('signIn', ({ stack, mailedCode }) => async (email: string): Promise<SignIn> => {
    const before = (await stack.mailbox.list(email)).length;
    expect((await stack.anonymous.ok(REQUEST, { email })).requestLoginCode).toBe(true);
    const mailed = await mailedCode(email, before + 1);
    return (await stack.anonymous.ok(VERIFY, { email, code: mailed })).verifyLoginCode as SignIn;
  })
  /** `refresh(token)`: POST /oauth/token with grant_type=refresh_token. */
  .extend('refresh', ({ stack }) => (refreshToken: string): Promise<TokenResponse> => stack.requestToken({ grant_type: 'refresh_token', refresh_token: refreshToken }));

function expectInvalidGrant(response: TokenResponse): void {
  expect(response.status).toBe(400);
  expect(response.body).toMatchObject({ error: 'invalid_grant' });
  expect(response.body).not.toHaveProperty('access_token');
  expect(response.headers.get('cache-control')).toBe('no-store');
}

/** Whether the gateway takes an access token: 200 with data, or 401 once its sign-in has ended. */
async function status(stack: TestStack, accessToken: string): Promise<number> {
  return (await stack.anonymous.as(accessToken).gql(WHO)).status;
}

describe('login codes', () => {
  it('signs a user in with the code from the mail: tokens of a session, and the address verified', async ({ stack, user, mailedCode }) => {
    const person = await user();
    expect((await stack.anonymous.ok(REQUEST, { email: person.email.toUpperCase() })).requestLoginCode).toBe(true);
    const mailed = await mailedCode(person.email);
    const [mail] = await stack.mailbox.list(person.email);
    expect(mail!.subject).toBe('Your sign-in code');

    const signIn = (await stack.anonymous.ok(VERIFY, { email: person.email, code: `${mailed.slice(0, 4)} ${mailed.slice(4)}` })).verifyLoginCode as SignIn;
    expect(signIn).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    expect(signIn.refreshToken).toMatch(/^igr_[A-Za-z0-9_-]{43}$/);
    const claims = decodeJwt(signIn.accessToken);
    expect(claims).toMatchObject({ sub: person.id, principal_type: 'user' });
    expect(typeof claims.sid).toBe('string');
    const me = await stack.anonymous.as(signIn.accessToken).ok(WHO);
    expect(me.me.principal).toEqual({ id: person.id, email: person.email, emailVerified: true });
  });

  it('answers an address nobody has exactly as a known one, mails nothing there, and refuses its codes alike', async ({ stack, user, mailedCode }) => {
    const person = await user();
    const unknown = nobody();
    const request = (email: string) =>
      fetch(`${stack.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: REQUEST, variables: { email } }) });
    const [forUnknown, forKnown] = [await request(unknown), await request(person.email)];
    expect(forUnknown.status).toBe(forKnown.status);
    expect(await forUnknown.text()).toBe(await forKnown.text());

    const mailed = await mailedCode(person.email);
    const [outbox] = await sql<{ n: number }>(identitiesDb(stack), `select count(*)::int as n from identities.mail_outbox where lower(recipient) = ?`, [unknown]);
    expect(outbox!.n).toBe(0);
    expect(await stack.mailbox.list(unknown)).toEqual([]);

    // Whatever code is tried for the unknown address (even the one mailed to someone else), the answer is a wrong code's.
    const wrongForKnown = await stack.anonymous.gql(VERIFY, { email: person.email, code: wrongCode(mailed) });
    const forNobody = await stack.anonymous.gql(VERIFY, { email: unknown, code: mailed });
    expect(code(wrongForKnown)).toBe('UNAUTHENTICATED');
    expect(forNobody.errors).toEqual(wrongForKnown.errors!.map((error) => ({ ...error })));
    expect(forNobody.status).toBe(wrongForKnown.status);
  });

  it('counts wrong codes on the code: five kill it, the right one included; fewer do not', async ({ stack, user, mailedCode }) => {
    const person = await user();
    await stack.anonymous.ok(REQUEST, { email: person.email });
    const first = await mailedCode(person.email);
    for (let i = 0; i < 4; i++) expect(code(await stack.anonymous.gql(VERIFY, { email: person.email, code: wrongCode(first) }))).toBe('UNAUTHENTICATED');
    expect((await stack.anonymous.ok(VERIFY, { email: person.email, code: first })).verifyLoginCode.accessToken).toBeTypeOf('string');

    await stack.anonymous.ok(REQUEST, { email: person.email });
    const second = await mailedCode(person.email, 2);
    const refusals = [];
    for (let i = 0; i < 5; i++) refusals.push(await stack.anonymous.gql(VERIFY, { email: person.email, code: wrongCode(second) }));
    const dead = await stack.anonymous.gql(VERIFY, { email: person.email, code: second });
    expect(dead.errors).toEqual(refusals[0]!.errors);
    expect(refusals.map((refusal) => refusal.errors?.[0]?.message)).toEqual(Array(5).fill(dead.errors![0]!.message));
    const [row] = await sql<{ failed_attempts: number; used_at: string | null }>(
      identitiesDb(stack),
      `select failed_attempts, used_at from identities.login_code where email = ? order by created_at desc limit 1`,
      [person.email.toLowerCase()],
    );
    expect(row).toEqual({ failed_attempts: 5, used_at: null });
  });

  it('refuses an expired code, a used one and one that a newer code replaced', async ({ stack, user, mailedCode }) => {
    const person = await user();
    await stack.anonymous.ok(REQUEST, { email: person.email });
    const expiring = await mailedCode(person.email);
    await sql(identitiesDb(stack), `update identities.login_code set expires_at = now() - interval '1 second' where email = ?`, [person.email.toLowerCase()]);
    const expired = await stack.anonymous.gql(VERIFY, { email: person.email, code: expiring });
    expect(code(expired)).toBe('UNAUTHENTICATED');

    await stack.anonymous.ok(REQUEST, { email: person.email });
    const older = await mailedCode(person.email, 2);
    await stack.anonymous.ok(REQUEST, { email: person.email });
    const newer = await mailedCode(person.email, 3);
    expect((await stack.anonymous.gql(VERIFY, { email: person.email, code: older })).errors).toEqual(expired.errors);
    expect((await stack.anonymous.ok(VERIFY, { email: person.email, code: newer })).verifyLoginCode.accessToken).toBeTypeOf('string');
    expect((await stack.anonymous.gql(VERIFY, { email: person.email, code: newer })).errors).toEqual(expired.errors);
  });

  it('limits codes per address, known or not: RATE_LIMITED with retryAfter, and other addresses unaffected', async ({ stack, user }) => {
    const person = await user();
    for (const email of [person.email, nobody()]) {
      for (let i = 0; i < 5; i++) expect((await stack.anonymous.ok(REQUEST, { email })).requestLoginCode).toBe(true);
      const refused = await stack.anonymous.gql(REQUEST, { email: email.toUpperCase() });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
      expect(refused.errors![0]!.extensions!.retryAfter).toBeGreaterThan(0);
      expect(refused.errors![0]!.extensions!.retryAfter).toBeLessThanOrEqual(900);
    }
    expect((await stack.anonymous.ok(REQUEST, { email: nobody() })).requestLoginCode).toBe(true);
    const [rows] = await sql<{ n: number }>(identitiesDb(stack), `select count(*)::int as n from identities.login_code where email = ?`, [person.email.toLowerCase()]);
    expect(rows!.n).toBe(5);
  });

  it('limits wrong codes per address across codes: past ten, even the right code waits', async ({ stack, user, mailedCode }) => {
    const person = await user();
    for (let n = 1; n <= 2; n++) {
      await stack.anonymous.ok(REQUEST, { email: person.email });
      const mailed = await mailedCode(person.email, n);
      for (let i = 0; i < 5; i++) expect(code(await stack.anonymous.gql(VERIFY, { email: person.email, code: wrongCode(mailed) }))).toBe('UNAUTHENTICATED');
    }
    await stack.anonymous.ok(REQUEST, { email: person.email });
    const right = await mailedCode(person.email, 3);
    const waiting = await stack.anonymous.gql(VERIFY, { email: person.email, code: right });
    expect(waiting.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(waiting.errors![0]!.extensions!.retryAfter).toBeGreaterThan(0);
  });

  it('refuses malformed input with BAD_USER_INPUT on the field', async ({ stack }) => {
    expect((await stack.anonymous.gql(REQUEST, { email: 'not-an-email' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    expect((await stack.anonymous.gql(VERIFY, { email: nobody(), code: '12ab' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'code' });
  });
});

describe('refresh tokens', () => {
  it('rotate on every use; a replayed one ends the sign-in: its access tokens get 401, its newest refresh token invalid_grant', async ({ stack, user, signIn, refresh }) => {
    const person = await user();
    const first = await signIn(person.email);

    const second = await refresh(first.refreshToken);
    expect(second.status).toBe(200);
    expect(second.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(second.body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type']);
    expect(second.body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    expect(second.body.refresh_token).not.toBe(first.refreshToken);
    const secondAccess = second.body.access_token as string;
    expect(decodeJwt(secondAccess).sid).toBe(decodeJwt(first.accessToken).sid);
    expect(await status(stack, secondAccess)).toBe(200);

    const third = await refresh(second.body.refresh_token as string);
    expect(third.status).toBe(200);
    const thirdAccess = third.body.access_token as string;
    expect(await status(stack, thirdAccess)).toBe(200);

    // The first refresh token again: a replay. The whole sign-in ends.
    expectInvalidGrant(await refresh(first.refreshToken));
    for (const token of [first.accessToken, secondAccess, thirdAccess]) expect(await status(stack, token)).toBe(401);
    expectInvalidGrant(await refresh(third.body.refresh_token as string));
    const [session] = await sql<{ revoked_reason: string }>(identitiesDb(stack), `select revoked_reason from identities.session where id = ?`, [decodeJwt(first.accessToken).sid]);
    expect(session!.revoked_reason).toBe('refresh_token_reuse');
  });

  it('gives one of two simultaneous refreshes with one token the next pair; the other is a replay', async ({ stack, user, signIn, refresh }) => {
    const person = await user();
    const first = await signIn(person.email);
    const results = await Promise.all([refresh(first.refreshToken), refresh(first.refreshToken)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    expectInvalidGrant(results.find((r) => r.status === 400)!);
    // The server cannot tell which of the two was the legitimate client: neither keeps the sign-in.
    const winner = results.find((r) => r.status === 200)!;
    expect(await status(stack, winner.body.access_token as string)).toBe(401);
    expectInvalidGrant(await refresh(winner.body.refresh_token as string));
  });

  it('refuses unknown and expired tokens with invalid_grant, and requests it cannot take with RFC 6749 errors', async ({ stack, user, signIn, refresh }) => {
    const person = await user();
    const first = await signIn(person.email);
    expectInvalidGrant(await refresh(`igr_${randomBytes(32).toString('base64url')}`));
    expectInvalidGrant(await refresh('not a token'));
    expect((await stack.requestToken({ grant_type: 'refresh_token' })).body.error).toBe('invalid_request');
    expect((await stack.requestToken({ grant_type: 'refresh_token', refresh_token: first.refreshToken, scope: 'admin' })).body.error).toBe('invalid_scope');
    expect((await stack.requestToken({ grant_type: 'refresh_token', refresh_token: first.refreshToken }, { id: 'cid_x', secret: 'y' })).body.error).toBe('invalid_request');

    await sql(identitiesDb(stack), `update identities.refresh_token set expires_at = now() - interval '1 second' where session_id = ?`, [decodeJwt(first.accessToken).sid]);
    expectInvalidGrant(await refresh(first.refreshToken));

    const metadata = (await (await fetch(`${stack.url}/.well-known/oauth-authorization-server`)).json()) as { grant_types_supported: string[] };
    expect(metadata.grant_types_supported).toEqual(['client_credentials', 'refresh_token']);
  });
});

describe('signOut', () => {
  it('ends the sign-in of the token: its access tokens get 401 on the next request and its refresh token invalid_grant', async ({ stack, user, signIn, refresh }) => {
    const person = await user();
    const session = await signIn(person.email);
    const other = await signIn(person.email);
    const me = stack.anonymous.as(session.accessToken);
    expect((await me.ok(`mutation { signOut }`)).signOut).toBe(true);
    expect(await status(stack, session.accessToken)).toBe(401);
    expectInvalidGrant(await refresh(session.refreshToken));
    // Only that sign-in: the person's other one goes on.
    expect(await status(stack, other.accessToken)).toBe(200);
    expect((await refresh(other.refreshToken)).status).toBe(200);
  });

  it('deleteUser ends every sign-in of the user: access tokens get 401 on the next request, refresh tokens invalid_grant', async ({ stack, admin, user, signIn, refresh }) => {
    const person = await user();
    const session = await signIn(person.email);
    expect(await status(stack, session.accessToken)).toBe(200);
    await admin.ok(`mutation($id: ID!) { deleteUser(id: $id) }`, { id: person.id });
    expect(await status(stack, session.accessToken)).toBe(401);
    expectInvalidGrant(await refresh(session.refreshToken));
  });

  it('is refused for tokens of no sign-in (service accounts, API keys) and without a token', async ({ stack, admin, organization, principal }) => {
    const account = await principal(organization.id, 'org_viewer');
    const forAccount = await account.client.gql(`mutation { signOut }`);
    expect(code(forAccount)).toBe('FORBIDDEN');
    expect(forAccount.errors![0]!.message).toContain('no sign-in');
    const created = await admin.ok(`mutation($input: CreateUserInput!) { createUser(input: $input) { secret } }`, { input: { email: nobody() } });
    const withKey = await stack.anonymous.gql(`mutation { signOut }`, {}, { authorization: `Bearer ${created.createUser.secret}` });
    expect(code(withKey)).toBe('FORBIDDEN');
    expect(code(await stack.anonymous.gql(`mutation { signOut }`))).toBe('UNAUTHENTICATED');
  });
});

describe('after signing in', () => {
  it("answers a frontend's first query for an org_admin", async ({ stack, admin, organization, signIn }) => {
    const email = nobody();
    const created = await admin.ok(`mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }`, { input: { email } });
    const userId = created.createUser.user.id as string;
    await admin.ok(`mutation($o: ID!, $u: ID!) { addMember(organizationId: $o, userId: $u, roleKey: "org_admin") { id } }`, { o: organization.id, u: userId });
    const session = await signIn(email);
    const data = await stack.anonymous.as(session.accessToken).ok(FIRST_QUERY);
    expect(data.me.principal).toEqual({ email });
    expect(data.me.organizations.edges).toEqual([
      {
        roles: ['org_admin'],
        node: {
          name: organization.name,
          members: { edges: [{ node: { user: { email }, status: 'ACTIVE', roleAssignments: [{ role: { key: 'org_admin' } }] } }] },
        },
      },
    ]);
  });

  it('audits sign-in, replay and sign-out without a code or a token', async ({ stack, user, mailedCode, signIn, refresh }) => {
    const person = await user();
    await stack.anonymous.ok(REQUEST, { email: person.email });
    const mailed = await mailedCode(person.email);
    await stack.anonymous.gql(VERIFY, { email: person.email, code: wrongCode(mailed) });
    const first = (await stack.anonymous.ok(VERIFY, { email: person.email, code: mailed })).verifyLoginCode as SignIn;
    const rotated = await refresh(first.refreshToken);
    expectInvalidGrant(await refresh(first.refreshToken));
    const second = await signIn(person.email);
    await stack.anonymous.as(second.accessToken).ok(`mutation { signOut }`);
    const secrets = [mailed, wrongCode(mailed), first.accessToken, first.refreshToken, rotated.body.access_token, rotated.body.refresh_token, second.accessToken, second.refreshToken] as string[];

    const events = await sql<{ action: string; actor_id: string | null; changes: Record<string, unknown> }>(
      stack.stack.databases.access.orm.em.fork(),
      `select action, actor_id, changes from audit.event where target_id = ? order by occurred_at, id`,
      [person.id],
    );
    expect(events.map((event) => event.action)).toEqual(['user.create', 'login_code.request', 'session.create', 'session.revoke', 'login_code.request', 'session.create', 'session.revoke']);
    expect(events.filter((event) => event.action === 'session.create').map((event) => event.changes.method)).toEqual(['login_code', 'login_code']);
    expect(events.filter((event) => event.action === 'session.revoke').map((event) => event.changes.reason)).toEqual(['refresh_token_reuse', 'sign_out']);
    expect(events.filter((event) => event.action.startsWith('session.')).every((event) => event.actor_id === person.id)).toBe(true);
    const text = JSON.stringify(events);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});

