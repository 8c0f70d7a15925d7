/**
 * The invitation page (gateway/invitation-page/) in headless Chromium: the link of a mail
 * delivered to the real SMTP server opens the page, which shows the invitation, accepts it on
 * the person's confirmation and shows them signed in; the playground in that tab is signed in
 * too. Nothing the page loads or calls leaves the gateway, and the spent link leaves the
 * address bar.
 */
import type { Browser } from 'playwright-core';
import { expect } from 'vitest';
import { PAGE_CONTENT_SECURITY_POLICY } from '../../gateway/pages.js';
import { launchBrowser, recordedVisit, type Visit } from '../harness/browser.js';
import { test as base, unique } from '../harness/fixtures.js';

declare const sessionStorage: { getItem(key: string): string | null };

const PLAYGROUND_TOKEN_KEY = 'identity-gateway:playground:token';
const INVITE = `mutation($o: ID!, $email: String!) { inviteUser(organizationId: $o, input: { email: $email }) { id } }`;


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
  });

async function mailedLink(stack: { mailbox: { waitFor(email: string): Promise<{ text: string }[]> } }, email: string): Promise<string> {
  const [mail] = await stack.mailbox.waitFor(email);
  const link = /(http\S+\/invitations\/accept#token=igi_[A-Za-z0-9_-]{43})/.exec(mail!.text);
  if (!link) throw new Error(`no link in: ${mail!.text}`);
  return link[1]!;
}

test('the mailed link opens the page; the invitee confirms and is signed in, here and in the playground', async ({ stack, admin, organization, visit }) => {
  const { page, requests, problems } = visit;
  const email = `${unique('browser').replace(' ', '.')}@example.com`;
  await admin.ok(INVITE, { o: organization.id, email });
  const link = await mailedLink(stack, email);
  expect(new URL(link).origin).toBe(new URL(stack.url).origin);

  await page.goto(link);
  const status = page.locator('#status');
  await expect.poll(() => status.textContent(), { timeout: 20_000 }).toContain(`${email} is invited to join ${organization.name} as org_member`);
  await page.getByRole('button', { name: 'Accept invitation', exact: true }).click();
  await expect.poll(() => status.textContent(), { timeout: 20_000 }).toBe(`Signed in as ${email}, a member of ${organization.name}.`);
  // The spent link is out of the address bar.
  expect(page.url()).not.toContain('token=');

  const stored = JSON.parse((await page.evaluate((key) => sessionStorage.getItem(key), PLAYGROUND_TOKEN_KEY))!) as { accessToken: string; label: string };
  expect(stored.label).toBe(`${email} (invitation)`);
  const me = await stack.anonymous.as(stored.accessToken).ok(`{ me { principal { ... on User { email } } } }`);
  expect(me.me.principal.email).toBe(email);

  // The playground in this tab uses the sign-in.
  await page.getByRole('link', { name: 'Open the playground' }).click();
  await expect.poll(() => page.locator('#token-status').textContent(), { timeout: 20_000 }).toContain(`Token of ${email} (invitation)`);

  const origin = new URL(stack.url).origin;
  const elsewhere = requests.map((request) => request.url()).filter((url) => !url.startsWith('data:') && new URL(url).origin !== origin);
  expect(elsewhere).toEqual([]);
  expect(requests.map((request) => new URL(request.url()).pathname)).toEqual(expect.arrayContaining(['/invitations/accept', '/invitations/assets/accept.js', '/invitations/assets/accept.css', '/graphql']));
  expect(problems).toEqual([]);
});

test('a link that no longer works says so, and offers nothing to accept', async ({ stack, admin, organization, visit }) => {
  const { page } = visit;
  const email = `${unique('browser').replace(' ', '.')}@example.com`;
  const invitation = (await admin.ok(INVITE, { o: organization.id, email })).inviteUser;
  const link = await mailedLink(stack, email);
  await admin.ok(`mutation($id: ID!) { revokeInvitation(id: $id) { id } }`, { id: invitation.id });
  await page.goto(link);
  await expect.poll(() => page.locator('#status').textContent(), { timeout: 20_000 }).toContain('This invitation link is not valid');
  expect(await page.locator('#status').getAttribute('class')).toBe('error');
  expect(await page.getByRole('button', { name: 'Accept invitation' }).isVisible()).toBe(false);
});

test('the page is served with a policy that allows only the gateway', async ({ stack }) => {
  const response = await fetch(`${stack.url}/invitations/accept`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-security-policy')).toBe(PAGE_CONTENT_SECURITY_POLICY);
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('cache-control')).toBe('no-store');
  const html = await response.text();
  expect(html).not.toMatch(/\bhttps?:\/\//);
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
  expect((await fetch(`${stack.url}/invitations/accept`, { method: 'POST' })).status).toBe(405);
  expect((await fetch(`${stack.url}/invitations/assets/nothing.js`)).status).toBe(404);
});
