/**
 * The playground (gateway/playground/) in headless Chromium: `/playground`, and `/graphql`
 * opened by a browser, serve GraphiQL from the project's own packages; nothing the page
 * loads or calls leaves the gateway; the token box gets a token with client credentials (or
 * takes a pasted one) and every GraphiQL request carries it; the OAuth error of a wrong
 * secret is shown. And what clients that are not browsers get from /graphql is unchanged.
 */
import type { Browser, Page, Request } from 'playwright-core';
import { expect } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../gateway/playground/index.js';
import { EXAMPLE_TABS } from '../../gateway/playground/examples.js';
import { launchBrowser, recordedVisit, type Visit } from '../harness/browser.js';
import { test as base } from '../harness/fixtures.js';

interface PlaygroundVisit extends Visit {
  /** Opens the playground at `path` and waits until its docs show the schema. */
  open(path: string): Promise<void>;
}

declare const sessionStorage: { getItem(key: string): string | null };
declare const localStorage: Record<string, string>;

const TOKEN_KEY = 'identity-gateway:playground:token';
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';


const test = base
  // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from its destructuring
  .extend('browser', { scope: 'file' }, async ({}, { onCleanup }): Promise<Browser> => {
    const browser = await launchBrowser();
    onCleanup(() => browser.close());
    return browser;
  })
  /** A fresh browser context (its own sessionStorage and localStorage) with one page, everything it does recorded. */
  .extend('visit', async ({ browser, stack }, { onCleanup }): Promise<PlaygroundVisit> => {
    const { close, ...visit } = await recordedVisit(browser);
    onCleanup(close);
    const { page } = visit;
    return {
      ...visit,
      async open(path) {
        await page.goto(`${stack.url}${path}`);
        await page.locator('.graphiql-container').waitFor();
        // GraphiQL remembers (in localStorage) whether the explorer was open.
        const show = page.getByLabel('Show Documentation Explorer');
        if (await show.count()) await show.click();
        await expect.poll(() => page.locator('.graphiql-doc-explorer').textContent(), { timeout: 20_000 }).toContain('query: Query');
      },
    };
  });

/** What the first example (query Me) answers, as the result pane shows it. */
async function runFirstTab(page: Page): Promise<string> {
  await page.getByRole('tab').first().click();
  await page.getByLabel('Execute query (Ctrl-Enter)').click();
  await expect.poll(() => page.locator('.result-window').textContent(), { timeout: 20_000 }).toMatch(/"(data|errors)"/);
  return (await page.locator('.result-window').textContent())!;
}

function graphqlPosts(requests: Request[]): Request[] {
  return requests.filter((request) => request.method() === 'POST' && new URL(request.url()).pathname === '/graphql');
}

test.for(['/playground', '/graphql'])('%s opened in a browser is GraphiQL, with nothing loaded from outside the gateway', async (path, { stack, visit }) => {
  const { page, requests, problems } = visit;
  await visit.open(path);
  // The example tabs, the first open.
  await expect.poll(() => page.getByRole('tab').count()).toBe(EXAMPLE_TABS.length);
  expect(await page.locator('.graphiql-query-editor').textContent()).toContain('query Me');
  // GraphiQL's dialogs write the one inline <style> the policy allows by hash.
  await page.getByLabel('Open settings dialog').click();
  await page.getByRole('dialog').waitFor();
  await page.keyboard.press('Escape');

  const origin = new URL(stack.url).origin;
  const elsewhere = requests.map((request) => request.url()).filter((url) => !url.startsWith('data:') && new URL(url).origin !== origin);
  expect(elsewhere).toEqual([]);
  const paths = requests.map((request) => new URL(request.url()).pathname);
  expect(paths).toEqual(expect.arrayContaining([path, '/playground/assets/graphiql.min.js', '/playground/assets/graphiql.min.css', '/playground/assets/react.production.min.js', '/playground/assets/playground.js', '/graphql']));
  expect(problems).toEqual([]);
});

test('client credentials in the token box get a token that every GraphiQL request carries', async ({ organization, principal, visit }) => {
  const { page, requests, problems } = visit;
  const account = await principal(organization.id, 'org_viewer');
  await visit.open('/playground');
  // Anonymous until a token is fetched.
  expect(await runFirstTab(page)).toContain('UNAUTHENTICATED');

  await page.getByLabel('Client ID', { exact: true }).fill(account.clientId);
  await page.getByLabel('Client secret', { exact: true }).fill(account.clientSecret);
  await page.getByRole('button', { name: 'Get token', exact: true }).click();
  await expect.poll(() => page.locator('#token-status').textContent()).toContain(`Token of client ${account.clientId}`);
  // The token request: form-encoded client credentials, as RFC 6749 §4.4 has it.
  const tokenRequest = requests.find((request) => new URL(request.url()).pathname === '/oauth/token')!;
  expect(tokenRequest.method()).toBe('POST');
  expect(tokenRequest.headers()['content-type']).toBe('application/x-www-form-urlencoded');
  expect(Object.fromEntries(new URLSearchParams(tokenRequest.postData()!))).toMatchObject({ grant_type: 'client_credentials', client_id: account.clientId });

  const before = graphqlPosts(requests).length;
  expect(await runFirstTab(page)).toContain(account.id);
  const sent = graphqlPosts(requests).slice(before);
  expect(sent.length).toBeGreaterThan(0);
  const stored = JSON.parse((await page.evaluate((key) => sessionStorage.getItem(key), TOKEN_KEY))!) as { accessToken: string };
  for (const request of sent) expect(request.headers().authorization).toBe(`Bearer ${stored.accessToken}`);

  // Kept for this tab only: not in localStorage, not in any URL, the secret nowhere.
  const local = await page.evaluate(() => JSON.stringify({ ...localStorage }));
  expect(local).not.toContain(stored.accessToken);
  expect(local + JSON.stringify(stored)).not.toContain(account.clientSecret);
  expect(requests.map((request) => request.url()).join(' ')).not.toContain(stored.accessToken);
  expect(await page.getByLabel('Client secret', { exact: true }).inputValue()).toBe('');

  // A reload keeps it (same tab), and Forget drops it.
  await visit.open('/playground');
  await expect.poll(() => page.locator('#token-status').textContent()).toContain(`Token of client ${account.clientId}`);
  await page.getByRole('button', { name: 'Forget token', exact: true }).click();
  expect(await page.evaluate((key) => sessionStorage.getItem(key), TOKEN_KEY)).toBeNull();
  const afterForget = graphqlPosts(requests).length;
  expect(await runFirstTab(page)).toContain('UNAUTHENTICATED');
  expect(graphqlPosts(requests).slice(afterForget).every((request) => request.headers().authorization === undefined)).toBe(true);
  expect(problems).toEqual([]);
});

test('a wrong secret shows the token endpoint\'s error in the box, and no token is kept', async ({ organization, principal, visit }) => {
  const { page, problems } = visit;
  const account = await principal(organization.id, 'org_viewer');
  await visit.open('/playground');
  await page.getByLabel('Client ID', { exact: true }).fill(account.clientId);
  await page.getByLabel('Client secret', { exact: true }).fill(`${account.clientSecret}x`);
  await page.getByRole('button', { name: 'Get token', exact: true }).click();
  const status = page.locator('#token-status');
  await expect.poll(() => status.getAttribute('class')).toContain('error');
  expect(await status.textContent()).toMatch(/^invalid_client/);
  expect(await page.evaluate((key) => sessionStorage.getItem(key), TOKEN_KEY)).toBeNull();
  // The browser logs the refused token request itself; nothing else goes wrong.
  expect(problems.filter((problem) => !problem.includes('Failed to load resource'))).toEqual([]);
});

test('a pasted token is sent with every request', async ({ organization, principal, visit }) => {
  const { page, requests, problems } = visit;
  const account = await principal(organization.id, null);
  await visit.open('/graphql');
  await page.getByLabel('Access token', { exact: true }).fill(`Bearer ${account.client.token}`);
  await page.getByRole('button', { name: 'Use token', exact: true }).click();
  await expect.poll(() => page.locator('#token-status').textContent()).toContain('Token of the pasted token');
  const before = graphqlPosts(requests).length;
  expect(await runFirstTab(page)).toContain(account.id);
  expect(graphqlPosts(requests).slice(before).map((request) => request.headers().authorization)).toEqual([`Bearer ${account.client.token}`]);
  expect(problems).toEqual([]);
});

test('the page is served with a policy that allows only the gateway, and assets are cached by content', async ({ stack }) => {
  const page = await fetch(`${stack.url}/playground`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  const html = await page.text();
  // No inline script: each <script> loads a file, or is a JSON data block (never executed).
  const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((match) => match[1]!);
  expect(scripts.length).toBeGreaterThan(0);
  expect(scripts.filter((attributes) => !/\bsrc="playground\/assets\//.test(attributes) && !attributes.includes('type="application/json"'))).toEqual([]);
  expect(html).not.toMatch(/\bhttps?:\/\//);

  const policy = Object.fromEntries(CONTENT_SECURITY_POLICY.split('; ').map((directive) => [directive.split(' ')[0], directive.split(' ').slice(1)]));
  expect(policy['default-src']).toEqual(["'none'"]);
  expect(policy['script-src']).toEqual(["'self'"]);
  expect(policy['connect-src']).toEqual(["'self'"]);
  expect(policy['style-src']).not.toContain("'unsafe-inline'");

  const script = html.match(/src="(playground\/assets\/graphiql\.min\.js\?v=[0-9a-f]+)"/)![1]!;
  const asset = await fetch(`${stack.url}/${script}`, { headers: { 'accept-encoding': 'gzip' } });
  expect(asset.status).toBe(200);
  expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  expect(asset.headers.get('content-encoding')).toBe('gzip');
  expect(await asset.text()).toContain('window.GraphiQL');
  const etag = asset.headers.get('etag')!;
  // Without the current hash the URL names no particular version: revalidated, 304 when unchanged.
  const unversioned = await fetch(`${stack.url}/playground/assets/graphiql.min.js`, { headers: { 'if-none-match': etag } });
  expect(unversioned.status).toBe(304);
  expect(unversioned.headers.get('cache-control')).toBe('no-cache');
  expect((await fetch(`${stack.url}/playground/assets/nothing.js`)).status).toBe(404);
  expect((await fetch(`${stack.url}/playground/assets/..%2F..%2Fpackage.json`)).status).toBe(404);

  // GraphiQL's stylesheet brings its fonts and icons inline: no url() that would leave the gateway.
  const css = await (await fetch(`${stack.url}/${html.match(/href="(playground\/assets\/graphiql\.min\.css\?v=[0-9a-f]+)"/)![1]}`)).text();
  const urls = [...css.matchAll(/url\(\s*['"]?([^'")]*)/g)].map((match) => match[1]!);
  expect(urls.length).toBeGreaterThan(0);
  expect(urls.filter((url) => !url.startsWith('data:'))).toEqual([]);
  expect(css).not.toContain('@import');
});

test('clients that are not browsers get what Apollo answers at /graphql', async ({ stack }) => {
  // A GET query (with a header only a preflighted request can carry).
  const query = await fetch(`${stack.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { 'apollo-require-preflight': '1' } });
  expect(query.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
  expect(await query.json()).toEqual({ data: { __typename: 'Query' } });
  // The same from a browser's address bar is an operation, not the page.
  const typed = await fetch(`${stack.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: BROWSER_ACCEPT } });
  expect(typed.headers.get('content-type')).not.toMatch(/html/);
  // A GET without a query from a client asking for JSON: Apollo's own refusal, not the page.
  const empty = await fetch(`${stack.url}/graphql`, { headers: { accept: 'application/json' } });
  expect(empty.status).toBe(400);
  expect(empty.headers.get('content-type')).toMatch(/^application\/json/);
  // A POST is an operation, whatever it accepts.
  const post = await fetch(`${stack.url}/graphql`, { method: 'POST', headers: { accept: BROWSER_ACCEPT, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
  expect(await post.json()).toEqual({ data: { __typename: 'Query' } });
  // And /graphql from a browser says so to caches.
  const html = await fetch(`${stack.url}/graphql`, { headers: { accept: BROWSER_ACCEPT } });
  expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(html.headers.get('vary')).toMatch(/\bAccept\b/);
});

test('every example tab runs without errors for the bootstrap admin', async ({ admin }) => {
  for (const tab of EXAMPLE_TABS) {
    const result = await admin.gql(tab.query, tab.variables ? JSON.parse(tab.variables) : {});
    expect(result.errors).toBeUndefined();
    expect(result.data).toBeTruthy();
  }
});
