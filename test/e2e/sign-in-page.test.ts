/**
 * Signing in from a browser, in headless Chromium: the gateway's page at `/sign-in` (what the
 * welcome mail links to) and the playground's token box, each with the code read from the mail
 * a real SMTP server received; nothing the pages load or call leaves the gateway.
 */
import type { Browser, Request } from 'playwright-core';
import { expect } from 'vitest';
import { PAGE_CONTENT_SECURITY_POLICY } from '../../gateway/pages.js';
import { launchBrowser, recordedVisit, type Visit } from '../harness/browser.js';
import { test as base, unique } from '../harness/fixtures.js';

declare const sessionStorage: { getItem(key: string): string | null };

const TOKEN_KEY = 'identity-gateway:playground:token';


const test = base
  // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from its destructuring
  .extend('browser', { scope: 'file' }, async ({}, { onCleanup }): Promise<Browser> => {
    const browser = await launchBrowser();
    onCleanup(() => browser.close());
    return browser;
  })
  .extend('visit', async ({ browser }, { onCleanup }): Promise<Visit> => {
    const { close, ...visit } = await recordedVisit(browser);
    onCleanup(close);
    return visit;
  })
  /** `codeFor(email, n)`: the code of the n-th mail to `email`, as the person reads it. */
  .extend('codeFor', ({ stack }) => async (email: string, n = 1): Promise<string> => {
    const mails = await stack.mailbox.waitFor(email, { count: n });
    return /^\s*(\d{8})\s*$/m.exec(mails[n - 1]!.text)![1]!;
  });

function leftTheGateway(requests: Request[], gatewayUrl: string): string[] {
  const origin = new URL(gatewayUrl).origin;
  return requests.map((request) => request.url()).filter((url) => !url.startsWith('data:') && new URL(url).origin !== origin);
}

test('the welcome link signs a person in with the code from the mail; the playground then carries the sign-in', async ({ stack, admin, visit, codeFor }) => {
  const { page, requests, problems } = visit;
  const address = `${unique('welcome').replace(' ', '.')}@example.com`;
  await admin.ok(`mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }`, { input: { email: address, notify: true } });
  const person = { email: address };
  const [welcome] = await stack.mailbox.waitFor(address);
  const link = /https?:\/\/\S+\/sign-in\?\S+/.exec(welcome!.text)![0];
  expect(new URL(link).searchParams.get('email')).toBe(address);
  const response = await page.goto(link);
  expect(response!.headers()['content-security-policy']).toBe(PAGE_CONTENT_SECURITY_POLICY);
  const email = page.getByLabel('Email', { exact: true });
  await expect.poll(() => email.inputValue()).toBe(person.email);

  await page.getByRole('button', { name: 'Send code', exact: true }).click();
  await page.getByLabel('Code', { exact: true }).waitFor();
  // A wrong code first: the page says so and stays.
  const code = await codeFor(person.email, 2);
  await page.getByLabel('Code', { exact: true }).fill(`${code.slice(0, 7)}${(Number(code[7]) + 1) % 10}`);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect.poll(() => page.locator('#status').textContent()).toContain('wrong, expired or already used');

  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect.poll(() => page.locator('#signed-in-email').textContent()).toBe(person.email);
  expect(await page.locator('#signed-in').isVisible()).toBe(true);
  const stored = JSON.parse((await page.evaluate((key) => sessionStorage.getItem(key), TOKEN_KEY))!) as { accessToken: string; label: string };
  expect(stored.label).toBe(person.email);

  // The playground of the same tab is signed in as the person.
  await page.getByRole('link', { name: 'Open the playground' }).click();
  await expect.poll(() => page.locator('#token-status').textContent(), { timeout: 20_000 }).toContain(`Token of ${person.email}`);

  // Signing out on the page ends the sign-in at the gateway.
  await page.goto(`${stack.url}/sign-in`);
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect.poll(() => page.locator('#status').textContent()).toBe('Signed out.');
  expect(await page.evaluate((key) => sessionStorage.getItem(key), TOKEN_KEY)).toBeNull();
  expect((await stack.anonymous.as(stored.accessToken).gql(`{ me { platformPermissions } }`)).status).toBe(401);

  expect(leftTheGateway(requests, stack.url)).toEqual([]);
  expect(problems).toEqual([]);
});

test('the playground token box signs in with an email and a code', async ({ stack, user, visit, codeFor }) => {
  const { page, requests, problems } = visit;
  const person = await user();
  await page.goto(`${stack.url}/playground`);
  await page.locator('.graphiql-container').waitFor();
  await page.getByLabel('Email', { exact: true }).fill(person.email);
  await page.getByRole('button', { name: 'Send code', exact: true }).click();
  await expect.poll(() => page.locator('#token-status').textContent()).toContain('a code is on its way');
  await page.getByLabel('Code', { exact: true }).fill(await codeFor(person.email));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect.poll(() => page.locator('#token-status').textContent()).toContain(`Token of ${person.email}`);

  // The first example tab (query Me) now answers as the person.
  await page.getByRole('tab').first().click();
  await page.getByLabel('Execute query (Ctrl-Enter)').click();
  await expect.poll(() => page.locator('.result-window').textContent(), { timeout: 20_000 }).toContain(person.email);

  expect(leftTheGateway(requests, stack.url)).toEqual([]);
  expect(problems).toEqual([]);
});
