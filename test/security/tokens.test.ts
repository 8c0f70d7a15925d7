import { createHash } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { describe, expect, inject } from 'vitest';
import { sql } from '../../subgraphs/common/db/orm.js';
import { test } from '../harness/fixtures.js';
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
