import { createHash } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { describe, expect, inject } from 'vitest';
import { sql } from '../../subgraphs/common/db/orm.js';
import { test } from '../harness/fixtures.js';
import { audienceFor } from '../../lib/config.js';
import { startIdentities } from '../../subgraphs/identities/index.js';
import { openIdentitiesDatabase } from '../../subgraphs/identities/database.js';
import { Client, type TestStack } from '../harness/stack.js';

/** A fresh org_viewer service account of its own organization, with its credential. */
const it = test.extend('viewer', ({ organization, principal }) => principal(organization.id, 'org_viewer'));

describe('POST /oauth/token (client_credentials)', () => {
  it('answers RFC 6749 §5.1 with an ES256 at+jwt whose key is published', async ({ stack, viewer: principal }) => {
    const response = await stack.requestToken({ grant_type: 'client_credentials' }, { id: principal.clientId, secret: principal.clientSecret });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.body.token_type).toBe('Bearer');
    expect(typeof response.body.expires_in).toBe('number');
    expect(response.body.expires_in).toBeGreaterThan(800);
    expect(response.body).not.toHaveProperty('refresh_token');

    const token = response.body.access_token as string;
    const header = decodeProtectedHeader(token);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      iss: stack.stack.issuer,
      aud: `${stack.stack.issuer}/graphql`,
      sub: principal.id,
      principal_type: 'service_account',
      client_id: principal.clientId,
    });
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(typeof claims.jti).toBe('string');
    expect(claims).not.toHaveProperty('roles');

    const jwks = (await (await fetch(`${stack.url}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
    const key = jwks.keys.find((k) => k.kid === header.kid);
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(key).not.toHaveProperty('d');
  });

  it('accepts client_secret_post as well as HTTP Basic', async ({ stack, viewer: principal }) => {
    const response = await stack.requestToken({ grant_type: 'client_credentials', client_id: principal.clientId, client_secret: principal.clientSecret });
    expect(response.status).toBe(200);
    const me = new Client(stack.url, response.body.access_token as string);
    expect((await me.gql(`{ organizations { totalCount } }`)).data?.organizations.totalCount).toBe(1);
  });

  it('refuses a wrong secret and an unknown client alike, with invalid_client', async ({ stack, viewer: principal }) => {
    const wrong = await stack.requestToken({ grant_type: 'client_credentials' }, { id: principal.clientId, secret: `${principal.clientSecret}x` });
    const unknown = await stack.requestToken({ grant_type: 'client_credentials' }, { id: 'cid_nobody', secret: principal.clientSecret });
    for (const response of [wrong, unknown]) {
      expect(response.status).toBe(401);
      expect(response.body.error).toBe('invalid_client');
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic/);
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
    expect(wrong.body).toEqual(unknown.body);
  });

  it('answers malformed requests with RFC 6749 §5.2 errors', async ({ stack, viewer: principal }) => {
    const basic = { id: principal.clientId, secret: principal.clientSecret };
    expect((await stack.requestToken({ grant_type: 'password' }, basic)).body.error).toBe('unsupported_grant_type');
    expect((await stack.requestToken({}, basic)).body.error).toBe('invalid_request');
    const repeated = await fetch(`${stack.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&client_id=${principal.clientId}&client_id=other&client_secret=${principal.clientSecret}`,
    });
    expect(repeated.status).toBe(400);
    expect(((await repeated.json()) as { error: string }).error).toBe('invalid_request');
    const json = await fetch(`${stack.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"client_credentials"}' });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: string }).error).toBe('invalid_request');
    const get = await fetch(`${stack.url}/oauth/token`);
    expect(get.status).toBe(405);
  });

  it('stores only a SHA-256 hash of the secret, and a rotated secret replaces the old one at once', async ({ stack, admin, viewer: principal }) => {
    const em = stack.stack.databases.identities.orm.em.fork();
    const [row] = await sql<Record<string, unknown>>(em, `select * from identities.service_account_credential where client_id = ?`, [principal.clientId]);
    expect(row!.secret_hash).toBe(createHash('sha256').update(principal.clientSecret).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(principal.clientSecret);

    const [credential] = await sql<{ id: string }>(em, `select id from identities.service_account_credential where client_id = ?`, [principal.clientId]);
    const rotated = await admin.ok(`mutation($id: ID!) { rotateServiceAccountCredential(id: $id) { clientSecret credential { clientId lastUsedAt } } }`, { id: credential!.id });
    expect(rotated.rotateServiceAccountCredential.credential.clientId).toBe(principal.clientId);
    expect(rotated.rotateServiceAccountCredential.credential.lastUsedAt).not.toBeNull();
    const old = await stack.requestToken({ grant_type: 'client_credentials' }, { id: principal.clientId, secret: principal.clientSecret });
    expect(old.status).toBe(401);
    const fresh = await stack.requestToken({ grant_type: 'client_credentials' }, { id: principal.clientId, secret: rotated.rotateServiceAccountCredential.clientSecret });
    expect(fresh.status).toBe(200);
  });

  it('keeps the bootstrap admin\'s secret only as a hash too', async ({ stack }) => {
    const em = stack.stack.databases.identities.orm.em.fork();
    const clientId = inject('bootstrapClientId');
    const secret = inject('bootstrapClientSecret');
    const rows = await sql<Record<string, unknown>>(em, `select * from identities.service_account_credential where client_id = ?`, [clientId]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.secret_hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(secret);
  });

  it('records lastUsedAt on first use, then writes it at most once a minute', async ({ stack, admin, organization: org }) => {
    const em = () => stack.stack.databases.identities.orm.em.fork();
    const account = (await admin.ok(`mutation($org: ID!) { createServiceAccount(organizationId: $org, input: { name: "busy" }) { id } }`, { org: org.id })).createServiceAccount;
    const created = (await admin.ok(`mutation($id: ID!) { createServiceAccountCredential(serviceAccountId: $id, input: {}) { clientSecret credential { id clientId lastUsedAt } } }`, { id: account.id }))
      .createServiceAccountCredential;
    const basic = { id: created.credential.clientId as string, secret: created.clientSecret as string };
    const lastUsed = async () => {
      const [row] = await sql<{ last_used_at: string | null }>(em(), `select last_used_at::text from identities.service_account_credential where id = ?`, [created.credential.id]);
      return row!.last_used_at;
    };
    expect(created.credential.lastUsedAt).toBeNull();
    expect((await stack.requestToken({ grant_type: 'client_credentials' }, basic)).status).toBe(200);
    const first = await lastUsed();
    expect(first).not.toBeNull();
    const listed = await admin.ok(`query($id: ID!) { serviceAccount(id: $id) { credentials { lastUsedAt } } }`, { id: account.id });
    expect(new Date(listed.serviceAccount.credentials[0].lastUsedAt).getTime()).toBe(new Date(first!).getTime());

    // Within the minute further tokens leave the row alone (a busy client's requests are reads) ...
    for (let i = 0; i < 3; i++) expect((await stack.requestToken({ grant_type: 'client_credentials' }, basic)).status).toBe(200);
    expect(await lastUsed()).toBe(first);
    // ... and once the last write is over a minute old, the next token writes it again.
    await sql(em(), `update identities.service_account_credential set last_used_at = last_used_at - interval '2 minutes' where id = ?`, [created.credential.id]);
    const movedBack = await lastUsed();
    expect((await stack.requestToken({ grant_type: 'client_credentials' }, basic)).status).toBe(200);
    const rewritten = await lastUsed();
    expect(new Date(rewritten!).getTime()).toBeGreaterThan(new Date(movedBack!).getTime());
    // A wrong secret is no use of the credential.
    await sql(em(), `update identities.service_account_credential set last_used_at = null where id = ?`, [created.credential.id]);
    expect((await stack.requestToken({ grant_type: 'client_credentials' }, { ...basic, secret: `${basic.secret}x` })).status).toBe(401);
    expect(await lastUsed()).toBeNull();
  });

  it('refuses a deleted, rotated or expired credential, or a deleted account, on the very next request after a token', async ({ stack, admin, organization: org }) => {
    const em = () => stack.stack.databases.identities.orm.em.fork();
    const credentialOf = async (serviceAccountId: string) =>
      (await admin.ok(`mutation($id: ID!) { createServiceAccountCredential(serviceAccountId: $id, input: {}) { clientSecret credential { id clientId } } }`, { id: serviceAccountId }))
        .createServiceAccountCredential as { clientSecret: string; credential: { id: string; clientId: string } };
    const account = (await admin.ok(`mutation($org: ID!) { createServiceAccount(organizationId: $org, input: { name: "revoked" }) { id } }`, { org: org.id })).createServiceAccount;
    const token = (c: { clientSecret: string; credential: { clientId: string } }) =>
      stack.requestToken({ grant_type: 'client_credentials' }, { id: c.credential.clientId, secret: c.clientSecret });
    const refusedRightAfterSuccess = async (c: { clientSecret: string; credential: { clientId: string } }, revoke: () => Promise<unknown>) => {
      // Requests in flight, so any per-process state of the endpoint is warm when the revocation lands.
      expect((await Promise.all([token(c), token(c), token(c)])).map((r) => r.status)).toEqual([200, 200, 200]);
      await revoke();
      const next = await token(c);
      expect(next.status).toBe(401);
      expect(next.body.error).toBe('invalid_client');
    };

    const deleted = await credentialOf(account.id);
    await refusedRightAfterSuccess(deleted, () => admin.ok(`mutation($id: ID!) { deleteServiceAccountCredential(id: $id) }`, { id: deleted.credential.id }));
    const rotated = await credentialOf(account.id);
    await refusedRightAfterSuccess(rotated, () => admin.ok(`mutation($id: ID!) { rotateServiceAccountCredential(id: $id) { clientSecret } }`, { id: rotated.credential.id }));
    const expired = await credentialOf(account.id);
    await refusedRightAfterSuccess(expired, () =>
      sql(em(), `update identities.service_account_credential set expires_at = now() - interval '1 second' where id = ?`, [expired.credential.id]),
    );
    const last = await credentialOf(account.id);
    await refusedRightAfterSuccess(last, () => admin.ok(`mutation($id: ID!) { deleteServiceAccount(id: $id) }`, { id: account.id }));
  });

  it('answers a known client from memory, and every replica forgets a credential the moment it changes', async ({ stack, admin, organization: org, onTestFinished }) => {
    // A second identities replica on the same database, with a token endpoint (and memory) of its
    // own; over the stack's connection (PGlite takes one), counting its statements apart.
    const { databases, issuer, internalSecret, subgraphs } = stack.stack;
    const databaseUrl = inject('databaseUrl');
    const replicaDatabase = await openIdentitiesDatabase(databaseUrl, 1, databases.identities);
    const replica = await startIdentities({
      config: { databaseUrl, poolMax: 1, issuer, audience: audienceFor(issuer), jwksUrl: `${subgraphs.identities.url}/.well-known/jwks.json`, internalSecret },
      port: 0,
      database: replicaDatabase,
      tokenTtlSeconds: 300,
      accessUrl: subgraphs.access.url,
      // Its mail worker looks once, at start, and not again during the test.
      mail: { pollIntervalMs: 3_600_000 },
    });
    onTestFinished(async () => {
      await replica.stop();
      await replicaDatabase.close();
    });
    const account = (await admin.ok(`mutation($org: ID!) { createServiceAccount(organizationId: $org, input: { name: "replicated" }) { id } }`, { org: org.id })).createServiceAccount;
    const created = (await admin.ok(`mutation($id: ID!) { createServiceAccountCredential(serviceAccountId: $id, input: {}) { clientSecret credential { id clientId } } }`, { id: account.id }))
      .createServiceAccountCredential;
    const basic = { id: created.credential.clientId as string, secret: created.clientSecret as string };
    const atReplica = () => stack.requestToken({ grant_type: 'client_credentials' }, basic, `${replica.url}/oauth/token`);

    // Known after its first tokens (the first writes lastUsedAt, whose announcement has it read
    // once more): from then on a token costs the replica no statement.
    const statementsOfOne = async () => {
      const start = replicaDatabase.statements;
      expect((await atReplica()).status).toBe(200);
      return replicaDatabase.statements - start;
    };
    await expect.poll(statementsOfOne, { timeout: 2_000, interval: 20 }).toBe(0);
    const before = replicaDatabase.statements;
    for (let i = 0; i < 5; i++) expect((await atReplica()).status).toBe(200);
    expect(replicaDatabase.statements).toBe(before);

    // Rotated through the gateway (the other replica): the database announces it, and the replica refuses the old secret.
    const rotated = await admin.ok(`mutation($id: ID!) { rotateServiceAccountCredential(id: $id) { clientSecret } }`, { id: created.credential.id });
    await expect.poll(async () => (await atReplica()).status, { timeout: 2_000, interval: 20 }).toBe(401);
    expect((await stack.requestToken({ grant_type: 'client_credentials' }, { ...basic, secret: rotated.rotateServiceAccountCredential.clientSecret }, `${replica.url}/oauth/token`)).status).toBe(200);
    // Changed by hand in SQL: forgotten as well.
    await sql(databases.identities.orm.em.fork(), `update identities.service_account_credential set expires_at = now() - interval '1 second' where id = ?`, [created.credential.id]);
    await expect
      .poll(async () => (await stack.requestToken({ grant_type: 'client_credentials' }, { ...basic, secret: rotated.rotateServiceAccountCredential.clientSecret }, `${replica.url}/oauth/token`)).status, {
        timeout: 2_000,
        interval: 20,
      })
      .toBe(401);
  });

  it('refuses an expired credential', async ({ stack, viewer: principal }) => {
    const em = stack.stack.databases.identities.orm.em.fork();
    await sql(em, `update identities.service_account_credential set expires_at = now() - interval '1 second' where client_id = ?`, [principal.clientId]);
    const response = await stack.requestToken({ grant_type: 'client_credentials' }, { id: principal.clientId, secret: principal.clientSecret });
    expect(response.body.error).toBe('invalid_client');
  });

  it('publishes RFC 8414 metadata whose issuer is the gateway', async ({ stack }) => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const metadata = (await (await fetch(`${stack.url}${path}`)).json()) as Record<string, unknown>;
      expect(metadata.issuer).toBe(stack.stack.issuer);
      expect(metadata.token_endpoint).toBe(`${stack.stack.issuer}/oauth/token`);
      expect(metadata.jwks_uri).toBe(`${stack.stack.issuer}/.well-known/jwks.json`);
    }
  });
});

describe('token verification at the gateway and in every subgraph', () => {
  /** Signs with the installation's own private key, so only the claim under test is wrong. */
  async function forge(stack: TestStack, claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
    const em = stack.stack.databases.identities.orm.em.fork();
    const [key] = await sql<{ kid: string; private_jwk: JWK }>(em, `select kid, private_jwk from identities.signing_key where retired_at is null`);
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      iss: stack.stack.issuer,
      aud: `${stack.stack.issuer}/graphql`,
      sub: stack.stack.bootstrap.serviceAccountId,
      iat: now,
      exp: now + 300,
      jti: 'forged',
      principal_type: 'service_account',
      ...claims,
    };
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: key!.kid, ...header })
      .sign(await importJWK(key!.private_jwk, 'ES256'));
  }

  it('accepts a well-formed token signed with the published key (the control case)', async ({ stack }) => {
    const token = await forge(stack, {});
    expect((await new Client(stack.url, token).gql(`{ organizations { totalCount } }`)).data?.organizations.totalCount).toBeGreaterThan(0);
  });

  it.for<[string, (stack: TestStack) => Promise<string>]>([
    ['an expired token', async (stack) => forge(stack, { exp: Math.floor(Date.now() / 1000) - 10 })],
    ['a wrong issuer', async (stack) => forge(stack, { iss: 'https://evil.example' })],
    ['a wrong audience', async (stack) => forge(stack, { aud: 'https://other.example/graphql' })],
    ['a wrong typ', async (stack) => forge(stack, {}, { typ: 'JWT' })],
    ['an unknown principal type', async (stack) => forge(stack, { principal_type: 'root' })],
    ['a foreign key', async (stack) => {
      const { privateKey } = await generateKeyPair('ES256');
      return new SignJWT({ principal_type: 'service_account' }).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'foreign' })
        .setIssuer(stack.stack.issuer).setAudience(`${stack.stack.issuer}/graphql`).setSubject(stack.stack.bootstrap.serviceAccountId)
        .setIssuedAt().setExpirationTime('5m').setJti('x').sign(privateKey);
    }],
    ['alg none', async (stack) => {
      const enc = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
      return `${enc({ alg: 'none', typ: 'at+jwt' })}.${enc({ sub: stack.stack.bootstrap.serviceAccountId, principal_type: 'service_account', iss: stack.stack.issuer, aud: `${stack.stack.issuer}/graphql`, exp: 9999999999, iat: 1, jti: 'x' })}.`;
    }],
    ['garbage', async () => 'not.a.jwt'],
  ])('rejects %s with 401 UNAUTHENTICATED everywhere', async ([_name, make], { stack }) => {
    const token = await make(stack);
    const query = JSON.stringify({ query: '{ roles { key } }' });
    for (const url of [stack.url, stack.stack.subgraphs.organizations.url, stack.stack.subgraphs.identities.url, stack.stack.subgraphs.access.url]) {
      const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: query });
      expect(response.status, url).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('invalid_token');
      const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
      expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    }
  });
});
