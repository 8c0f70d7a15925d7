/**
 * CORS at the gateway (CORS_ORIGINS): browser applications on listed origins may call
 * /graphql and /oauth/*, every other origin is blocked by the browser, and no answer ever
 * invites credentials.
 *
 * The browser tests serve a page from a plain HTTP server on one loopback origin
 * (http://127.0.0.1:<port>) and call a gateway on another (http://127.0.0.1:<other port>) from
 * the page's own script in headless Chromium, so the browser, not the test, decides what the
 * page may send and read. Each test starts a gateway of its own, with the origins it needs, in
 * front of the file's subgraphs.
 */
import { createServer, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, vi } from 'vitest';
import { parseCorsOrigins } from '../../gateway/cors.js';
import { ConfigurationError } from '../../lib/config.js';
import { launchBrowser } from '../harness/browser.js';
import { test, unique } from '../harness/fixtures.js';
import type { Principal } from '../harness/stack.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ME = `{ me { principal { ... on ServiceAccount { id } } } }`;
const CREATE_ORGANIZATION = `mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }`;

/**
 * The page's script: what a frontend does. Plain JavaScript in the page itself (not a function
 * of this file handed to the browser), so only the page's origin speaks to the gateway.
 */
const PAGE_SCRIPT = `
async function call(url, init) {
  try {
    const response = await fetch(url, init);
    const text = await response.text();
    let body;
    try { body = JSON.parse(text); } catch { body = text; }
    return { status: response.status, requestId: response.headers.get('x-request-id'), body };
  } catch (error) {
    return { error: error.name };
  }
}
function show(result) {
  document.getElementById('result').textContent = JSON.stringify(result);
  return result;
}
/** Client credentials in the form body: a request a browser sends without a preflight. */
window.tokenFromForm = (gateway, clientId, clientSecret) =>
  call(gateway + '/oauth/token', {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
  });
/** Client credentials in HTTP Basic: the Authorization header makes the browser ask first. */
window.tokenFromBasic = (gateway, clientId, clientSecret) =>
  call(gateway + '/oauth/token', {
    method: 'POST',
    headers: { authorization: 'Basic ' + btoa(clientId + ':' + clientSecret) },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });
window.postGraphQL = (gateway, token, query, variables) =>
  call(gateway + '/graphql', {
    method: 'POST',
    headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables: variables || {} }),
  });
window.getGraphQL = (gateway, token, query) =>
  call(gateway + '/graphql?' + new URLSearchParams({ query }), { headers: { authorization: 'Bearer ' + token } });
/** Sign in with client credentials, then query over POST and over GET with the token (or the one given when signing in fails). */
window.signInAndQuery = async (gateway, clientId, clientSecret, query, fallbackToken) => {
  const token = await tokenFromForm(gateway, clientId, clientSecret);
  const bearer = (token.body && token.body.access_token) || fallbackToken;
  const post = await postGraphQL(gateway, bearer, query);
  const get = await getGraphQL(gateway, bearer, query);
  return show({ token, post, get });
};
`;

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>A frontend on another origin</title><script>${PAGE_SCRIPT}</script></head>
<body><output id="result"></output></body></html>`;

interface Call {
  status?: number;
  requestId?: string | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body?: any;
  error?: string;
}

interface SignedIn {
  token: Call;
  post: Call;
  get: Call;
}

type PageApi = Record<string, (...args: unknown[]) => Promise<unknown>>;

/** Calls one of the page script's functions, in the page. */
const inPage = <T>(page: Page, name: string, ...args: unknown[]): Promise<T> =>
  page.evaluate(([name, args]) => (globalThis as unknown as PageApi)[name]!(...args), [name, args] as [string, unknown[]]) as Promise<T>;

const signInAndQuery = (page: Page, gateway: string, who: { clientId: string; clientSecret: string }, fallbackToken = ''): Promise<SignedIn> =>
  inPage<SignedIn>(page, 'signInAndQuery', gateway, who.clientId, who.clientSecret, ME, fallbackToken);

function expectQueried(call: Call, principalId: string): void {
  expect(call.error).toBeUndefined();
  expect(call.status).toBe(200);
  expect(call.body.errors).toBeUndefined();
  expect(call.body.data.me.principal.id).toBe(principalId);
  expect(call.requestId).toMatch(UUID);
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

const it = test
  /** `allowing(corsOrigins)`: the URL of a gateway of this test's own (CORS_ORIGINS from the environment when not given). */
  .extend('allowing', ({ gateway }) => (corsOrigins?: string[]): Promise<string> => gateway({ corsOrigins }))
  /** `site()`: a plain HTTP server on a loopback origin of its own serving the frontend's page. */
  // eslint-disable-next-line no-empty-pattern
  .extend('site', ({}, { onCleanup }) => {
    const servers: Server[] = [];
    onCleanup(async () => {
      for (const server of servers) await new Promise((resolve) => server.close(resolve));
    });
    return async (): Promise<{ origin: string }> => {
      const server = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(PAGE);
      });
      servers.push(server);
      return { origin: `http://127.0.0.1:${await listen(server)}` };
    };
  })
  // eslint-disable-next-line no-empty-pattern
  .extend('browser', { scope: 'file' }, async ({}, { onCleanup }) => {
    const browser: Browser = await launchBrowser();
    onCleanup(() => browser.close());
    return browser;
  })
  /** `open(url)`: a page in a fresh browser context (no preflight cache shared between tests). */
  .extend('open', ({ browser }, { onCleanup }) => {
    const contexts: { close(): Promise<void> }[] = [];
    onCleanup(async () => {
      for (const context of contexts) await context.close();
    });
    return async (url: string): Promise<Page> => {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(url);
      return page;
    };
  })
  /** A service account that may read its own `me`. */
  .extend('viewer', ({ organization, principal }): Promise<Principal> => principal(organization.id, 'org_viewer'))
  /** `organizationsNamed(name)`: how many organizations the admin finds by that name. */
  .extend('organizationsNamed', ({ admin }) => async (name: string): Promise<number> => {
    const data = await admin.ok(`query($s: String) { organizations(search: $s) { totalCount } }`, { s: name });
    return data.organizations.totalCount as number;
  });

describe('CORS in a browser', () => {
  it('a page on a listed origin gets a token from the form, queries over POST and GET with it and reads x-request-id', async ({ allowing, site, open, viewer }) => {
    const { origin } = await site();
    const url = await allowing([origin]);
    const page = await open(`${origin}/`);

    const result = await signInAndQuery(page, url, viewer);
    expect(result.token.status).toBe(200);
    expect(result.token.body.access_token).toEqual(expect.any(String));
    expect(result.token.requestId).toMatch(UUID);
    expectQueried(result.post, viewer.id);
    expectQueried(result.get, viewer.id);
    // What the script showed on the page is what it read.
    expect(JSON.parse((await page.textContent('#result'))!)).toEqual(result);

    // Basic credentials are preflighted (Authorization): the preflight allows them too.
    const basic = await inPage<Call>(page, 'tokenFromBasic', url, viewer.clientId, viewer.clientSecret);
    expect(basic.status).toBe(200);
    expect(basic.body.access_token).toEqual(expect.any(String));
  });

  it('a page on an origin that is not listed cannot read anything, even with a valid token', async ({ allowing, site, open, viewer }) => {
    const listed = await site();
    const other = await site();
    const url = await allowing([listed.origin]);
    const page = await open(`${other.origin}/`);

    const result = await signInAndQuery(page, url, viewer, viewer.client.token);
    expect(result).toEqual({ token: { error: 'TypeError' }, post: { error: 'TypeError' }, get: { error: 'TypeError' } });
    expect(await inPage<Call>(page, 'tokenFromBasic', url, viewer.clientId, viewer.clientSecret)).toEqual({ error: 'TypeError' });
  });

  it('a mutation from an origin that is not listed never runs (the preflight is not answered with permission); from a listed one it does', async ({ allowing, site, open, admin, organizationsNamed }) => {
    const listed = await site();
    const other = await site();
    const url = await allowing([listed.origin]);

    const blockedName = unique('CORS blocked');
    const blocked = await inPage<Call>(await open(`${other.origin}/`), 'postGraphQL', url, admin.token, CREATE_ORGANIZATION, { input: { name: blockedName } });
    expect(blocked).toEqual({ error: 'TypeError' });
    expect(await organizationsNamed(blockedName)).toBe(0);

    const allowedName = unique('CORS allowed');
    const allowed = await inPage<Call>(await open(`${listed.origin}/`), 'postGraphQL', url, admin.token, CREATE_ORGANIZATION, { input: { name: allowedName } });
    expect(allowed.status).toBe(200);
    expect(allowed.body.data.createOrganization.id).toEqual(expect.any(String));
    expect(await organizationsNamed(allowedName)).toBe(1);
  });

  it('without CORS_ORIGINS only the gateway\'s own origin (where the playground lives) may call it', async ({ allowing, site, open, viewer }) => {
    vi.stubEnv('CORS_ORIGINS', '');
    try {
      const url = await allowing();
      const { origin } = await site();
      const elsewhere = await signInAndQuery(await open(`${origin}/`), url, viewer, viewer.client.token);
      expect(elsewhere).toEqual({ token: { error: 'TypeError' }, post: { error: 'TypeError' }, get: { error: 'TypeError' } });

      // The same script on a page of the gateway's own origin.
      const own = await open(`${url}/healthz`);
      await own.setContent(PAGE);
      const result = await signInAndQuery(own, url, viewer);
      expect(result.token.status).toBe(200);
      expectQueried(result.post, viewer.id);
      expectQueried(result.get, viewer.id);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('`*` lets a page on any origin call the gateway with its bearer token', async ({ allowing, site, open, viewer }) => {
    const url = await allowing(['*']);
    const { origin } = await site();
    const result = await signInAndQuery(await open(`${origin}/`), url, viewer);
    expect(result.token.status).toBe(200);
    expectQueried(result.post, viewer.id);
    expectQueried(result.get, viewer.id);
  });
});

/** The header's comma-separated values, lower-cased. */
const values = (headers: Headers, name: string): string[] =>
  (headers.get(name) ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);

const preflight = (url: string, origin: string, method = 'POST', requestHeaders = 'authorization, content-type') =>
  fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': requestHeaders } });

function expectNoPermission(headers: Headers): void {
  for (const name of ['access-control-allow-origin', 'access-control-allow-methods', 'access-control-allow-headers', 'access-control-expose-headers', 'access-control-allow-credentials']) {
    expect(headers.get(name), name).toBeNull();
  }
}

const APP = 'http://app.example.test:8080';
const CORS_PATHS = ['/graphql', '/oauth/token', '/oauth/revoke', '/oauth/introspect'];

describe('CORS headers', () => {
  it.for(CORS_PATHS)('a preflight to %s from a listed origin is answered: 204, GET and POST, Authorization and Content-Type, cached', async (path, { allowing }) => {
    const url = await allowing([APP]);
    const response = await preflight(`${url}${path}`, APP);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(values(response.headers, 'access-control-allow-methods')).toEqual(expect.arrayContaining(['get', 'post']));
    expect(values(response.headers, 'access-control-allow-headers')).toEqual(expect.arrayContaining(['authorization', 'content-type']));
    expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(values(response.headers, 'vary')).toContain('origin');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('a preflight from an origin that is not listed, or from `null`, gets no permission', async ({ allowing }) => {
    const url = await allowing([APP]);
    for (const origin of ['http://evil.example.test', 'http://app.example.test:8081', 'https://app.example.test:8080', 'null']) {
      const response = await preflight(`${url}/graphql`, origin);
      expect(response.status).toBe(204);
      expectNoPermission(response.headers);
      expect(values(response.headers, 'vary')).toContain('origin');
    }
  });

  it('answers to a listed origin, refusals included, allow it, expose x-request-id and Retry-After, vary by Origin, never allow credentials', async ({ allowing, viewer }) => {
    const url = await allowing([APP]);
    const withOrigin = (init: RequestInit = {}) => ({ ...init, headers: { origin: APP, ...(init.headers as Record<string, string>) } });
    const json = (token: string, query: string) => withOrigin({ method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    const answers = {
      query: await fetch(`${url}/graphql`, json(viewer.client.token!, ME)),
      'bad token': await fetch(`${url}/graphql`, json('not-a-token', ME)),
      'GET query': await fetch(`${url}/graphql?${new URLSearchParams({ query: ME })}`, withOrigin({ headers: { authorization: `Bearer ${viewer.client.token}` } })),
      'CSRF refusal': await fetch(`${url}/graphql?${new URLSearchParams({ query: ME })}`, withOrigin()),
      token: await fetch(`${url}/oauth/token`, withOrigin({ method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: viewer.clientId, client_secret: viewer.clientSecret }) })),
      'wrong secret': await fetch(`${url}/oauth/token`, withOrigin({ method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: viewer.clientId, client_secret: 'wrong' }) })),
    };
    expect(Object.fromEntries(Object.entries(answers).map(([name, response]) => [name, response.status]))).toEqual({
      query: 200,
      'bad token': 401,
      'GET query': 200,
      'CSRF refusal': 400,
      token: 200,
      // invalid_client: 400 when the credentials came in the body (RFC 6749 §5.2).
      'wrong secret': 400,
    });
    for (const [name, response] of Object.entries(answers)) {
      expect(response.headers.get('access-control-allow-origin'), name).toBe(APP);
      expect(values(response.headers, 'access-control-expose-headers'), name).toEqual(expect.arrayContaining(['x-request-id', 'retry-after']));
      expect(response.headers.get('x-request-id'), name).toMatch(UUID);
      expect(values(response.headers, 'vary'), name).toContain('origin');
      expect(response.headers.get('access-control-allow-credentials'), name).toBeNull();
    }
  });

  it('the playground served at /graphql to a browser varies by Origin and by Accept', async ({ allowing }) => {
    const url = await allowing([APP]);
    for (const origin of [APP, 'http://evil.example.test']) {
      const response = await fetch(`${url}/graphql`, { headers: { origin, accept: 'text/html' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(values(response.headers, 'vary'), origin).toEqual(expect.arrayContaining(['origin', 'accept']));
    }
  });

  it('answers to an origin that is not listed or `null` carry no CORS permission, still varying by Origin', async ({ allowing, viewer }) => {
    const url = await allowing([APP]);
    for (const origin of ['http://evil.example.test', 'null']) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { origin, authorization: `Bearer ${viewer.client.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: ME }),
      });
      expectNoPermission(response.headers);
      expect(values(response.headers, 'vary')).toContain('origin');
    }
  });

  it('`*` answers every origin with the non-credentialed wildcard', async ({ allowing, viewer }) => {
    const url = await allowing(['*']);
    const pre = await preflight(`${url}/oauth/token`, 'http://anywhere.example.test');
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(values(pre.headers, 'access-control-allow-headers')).toEqual(expect.arrayContaining(['authorization', 'content-type']));
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();

    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { origin: 'http://anywhere.example.test', authorization: `Bearer ${viewer.client.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: ME }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(values(response.headers, 'access-control-expose-headers')).toContain('x-request-id');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('CORS_ORIGINS is read when the gateway is given no origins; unset, no origin is allowed', async ({ allowing }) => {
    try {
      vi.stubEnv('CORS_ORIGINS', ` ${APP} , https://admin.example.test `);
      const configured = await allowing();
      expect((await preflight(`${configured}/graphql`, APP)).headers.get('access-control-allow-origin')).toBe(APP);
      expect((await preflight(`${configured}/graphql`, 'https://admin.example.test')).headers.get('access-control-allow-origin')).toBe('https://admin.example.test');
      expectNoPermission((await preflight(`${configured}/graphql`, 'http://evil.example.test')).headers);

      vi.stubEnv('CORS_ORIGINS', '');
      const none = await allowing();
      for (const origin of [APP, 'http://127.0.0.1', 'null']) expectNoPermission((await preflight(`${none}/graphql`, origin)).headers);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('parseCorsOrigins', () => {
  it('reads a comma-separated list of origins as browsers write them, without duplicates', () => {
    expect(parseCorsOrigins(undefined)).toEqual([]);
    expect(parseCorsOrigins('')).toEqual([]);
    expect(parseCorsOrigins(' , ')).toEqual([]);
    expect(parseCorsOrigins('https://app.example.com, http://localhost:3000')).toEqual(['https://app.example.com', 'http://localhost:3000']);
    // Lower-case scheme and host, no default port, no trailing slash: what the Origin header carries.
    expect(parseCorsOrigins('HTTPS://App.Example.COM:443/,http://[::1]:80,https://app.example.com')).toEqual(['https://app.example.com', 'http://[::1]']);
    expect(parseCorsOrigins('*')).toEqual(['*']);
  });

  it.for([
    'null',
    'app.example.com',
    'localhost:3000',
    'https://app.example.com/path',
    'https://app.example.com/?x=1',
    'https://app.example.com?',
    'https://app.example.com#top',
    'https://user:secret@app.example.com',
    'ftp://app.example.com',
    'file:///srv/app',
    'https://app.example.com, nonsense',
  ])('refuses %j: a mistake stops the start rather than never matching', (value) => {
    expect(() => parseCorsOrigins(value)).toThrow(/CORS_ORIGINS/);
    // What entry points print as one line, without a stack.
    expect(() => parseCorsOrigins(value)).toThrow(ConfigurationError);
  });
});
