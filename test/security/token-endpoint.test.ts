/**
 * Client authentication and scope at POST /oauth/token, by RFC 6749: one authentication method
 * per request (§2.3), no scope the server did not grant (§3.3, §5.2), and an RFC-shaped answer.
 */
import { describe, expect } from 'vitest';
import { test, unique } from '../harness/fixtures.js';
import type { TokenResponse } from '../harness/stack.js';

const GRANT = { grant_type: 'client_credentials' };

const it = test
  /** `newCredential()`: an org_viewer service account of a fresh organization, with its credential. */
  .extend('newCredential', ({ stack, principal }) => async () => {
    const org = await stack.createOrganization(unique('Token endpoint'));
    return principal(org.id, 'org_viewer');
  })
  /** `tokenRequest(form, authorization)`: a raw request, for Authorization headers the harness would not build. */
  .extend('tokenRequest', ({ stack }) => async (form: Record<string, string>, authorization?: string): Promise<TokenResponse> => {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (authorization) headers.authorization = authorization;
    const response = await fetch(`${stack.url}/oauth/token`, { method: 'POST', headers, body: new URLSearchParams(form) });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  });

function expectRefused(response: TokenResponse, status: number, error: string, context: string): void {
  expect(response.status, context).toBe(status);
  expect(response.body.error, context).toBe(error);
  expect(typeof response.body.error_description, context).toBe('string');
  expect(response.body, context).not.toHaveProperty('access_token');
  expect(response.body, context).not.toHaveProperty('token_type');
  expect(response.headers.get('cache-control'), context).toBe('no-store');
}

function expectIssued(response: TokenResponse, context: string): void {
  expect(response.status, context).toBe(200);
  // Exactly RFC 6749 §5.1 for client_credentials: no refresh_token (§4.4.3), no scope as none was granted.
  expect(Object.keys(response.body).sort(), context).toEqual(['access_token', 'expires_in', 'token_type']);
  expect(response.body.token_type, context).toBe('Bearer');
  expect(typeof response.body.access_token, context).toBe('string');
  expect(typeof response.body.expires_in, context).toBe('number');
  expect(response.headers.get('cache-control'), context).toBe('no-store');
}

describe('one client authentication method per request (RFC 6749 §2.3)', () => {
  it('refuses HTTP Basic together with client_id and client_secret in the body, whoever they name', async ({ stack, newCredential }) => {
    const a = await newCredential();
    const b = await newCredential();
    const basic = { id: a.clientId, secret: a.clientSecret };
    for (const [context, form] of [
      ['the same client twice', { client_id: a.clientId, client_secret: a.clientSecret }],
      ['another client in the body', { client_id: b.clientId, client_secret: b.clientSecret }],
      ['a wrong secret in the body', { client_id: a.clientId, client_secret: 'wrong' }],
      ['a secret in the body without client_id', { client_secret: a.clientSecret }],
      ['another client_id in the body', { client_id: b.clientId }],
    ] as const) {
      expectRefused(await stack.requestToken({ ...GRANT, ...form }, basic), 400, 'invalid_request', context);
    }
  });

  it('refuses body credentials next to a Basic header it cannot read', async ({ newCredential, tokenRequest }) => {
    const a = await newCredential();
    for (const authorization of ['Basic', 'Basic !!!', `Basic ${Buffer.from(a.clientId).toString('base64')}`]) {
      expectRefused(await tokenRequest({ ...GRANT, client_id: a.clientId, client_secret: a.clientSecret }, authorization), 400, 'invalid_request', authorization);
    }
  });

  it('refuses at identities itself a Basic header that is not exact base64, rather than letting the OAuth library read it', async ({ stack, newCredential }) => {
    const a = await newCredential();
    const encoded = Buffer.from(`${a.clientId}:${a.clientSecret}`).toString('base64');
    // Node's base64 decoder skips '.', '~' and '-', and the library's parser admits them: read
    // leniently, each of these is the right secret, under a client id the gateway cannot count.
    for (const payload of [`${encoded.slice(0, 4)}.${encoded.slice(4)}`, `${encoded}~`, `${encoded.slice(0, 4)}-${encoded.slice(4)}`]) {
      const response = await fetch(`${stack.stack.subgraphs.identities.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${payload}` },
        body: new URLSearchParams(GRANT),
      });
      expectRefused({ status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> }, 400, 'invalid_request', payload);
    }
  });

  it('accepts a body client_id equal to the Basic one, and either method alone', async ({ stack, newCredential }) => {
    const a = await newCredential();
    const basic = { id: a.clientId, secret: a.clientSecret };
    expectIssued(await stack.requestToken({ ...GRANT, client_id: a.clientId }, basic), 'Basic and the same client_id');
    expectIssued(await stack.requestToken(GRANT, basic), 'Basic');
    expectIssued(await stack.requestToken({ ...GRANT, client_id: a.clientId, client_secret: a.clientSecret }), 'body');
    // RFC 6749 §3.2: a parameter without a value counts as omitted, so this is no second credential.
    expectIssued(await stack.requestToken({ ...GRANT, client_secret: '' }, basic), 'Basic and an empty client_secret');
  });
});

describe('scope (RFC 6749 §3.3, §5.2): this server defines none', () => {
  it('refuses any requested scope with invalid_scope and issues nothing', async ({ stack, newCredential }) => {
    const a = await newCredential();
    const basic = { id: a.clientId, secret: a.clientSecret };
    for (const scope of ['anything', 'openid', 'organization:read', 'a b']) {
      expectRefused(await stack.requestToken({ ...GRANT, scope }, basic), 400, 'invalid_scope', `Basic, scope=${scope}`);
      expectRefused(
        await stack.requestToken({ ...GRANT, scope, client_id: a.clientId, client_secret: a.clientSecret }),
        400,
        'invalid_scope',
        `body, scope=${scope}`,
      );
    }
  });

  it('authenticates the client before looking at the scope', async ({ stack, newCredential }) => {
    const a = await newCredential();
    const response = await stack.requestToken({ ...GRANT, scope: 'anything' }, { id: a.clientId, secret: `${a.clientSecret}x` });
    expectRefused(response, 401, 'invalid_client', 'wrong secret with a scope');
  });

  it('takes an empty scope as no scope, and never echoes one', async ({ stack, newCredential }) => {
    const a = await newCredential();
    expectIssued(await stack.requestToken({ ...GRANT, scope: '' }, { id: a.clientId, secret: a.clientSecret }), 'scope=');
  });

  it('answers a body it cannot read with an RFC 6749 error, not a bare HTTP one', async ({ stack, newCredential }) => {
    const a = await newCredential();
    const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
      fetch(`${stack.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
    // With HTTP Basic the gateway streams the body through unread, and identities refuses it alike.
    const basic = { authorization: `Basic ${Buffer.from(`${a.clientId}:${a.clientSecret}`).toString('base64')}` };
    for (const [context, response, status] of [
      ['over the form limit', await post(`grant_type=client_credentials&pad=${'x'.repeat(70_000)}`), 413],
      ['compressed', await post(Buffer.from([0x1f, 0x8b, 0x08, 0x00]), { 'content-encoding': 'gzip' }), 415],
      ['over the form limit, with Basic', await post(`grant_type=client_credentials&pad=${'x'.repeat(70_000)}`, basic), 413],
      ['compressed, with Basic', await post(Buffer.from([0x1f, 0x8b, 0x08, 0x00]), { 'content-encoding': 'gzip', ...basic }), 415],
    ] as const) {
      expectRefused({ status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> }, status, 'invalid_request', context);
      expect(response.headers.get('cache-control'), context).toBe('no-store');
    }
  });
});
