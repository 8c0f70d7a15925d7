/**
 * Headless Chromium (Debian's `chromium`, driven by playwright-core) for what a browser shows.
 * Flags keep it on loopback: no background networking, no component updates, no sync.
 */
import { chromium, type Browser, type Page, type Request } from 'playwright-core';

/** The page's document, as the init script below sees it (this project compiles without the DOM library). */
declare const document: { addEventListener(type: 'securitypolicyviolation', listener: (event: { violatedDirective: string; blockedURI: string }) => void): void };

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page and what it did: every request of its context, and its console errors, exceptions and CSP violations. */
export interface Visit {
  page: Page;
  requests: Request[];
  /** Console errors, uncaught exceptions and Content-Security-Policy violations. */
  problems: string[];
}

/** A fresh browser context (its own sessionStorage and localStorage) with one page, everything it does recorded. */
export async function recordedVisit(browser: Browser): Promise<Visit & { close(): Promise<void> }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const requests: Request[] = [];
  const problems: string[] = [];
  context.on('request', (request) => requests.push(request));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`exception: ${error.message}`));
  // Injected by the browser driver, so the page's own policy does not apply to it.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return { page, requests, problems, close: () => context.close() };
}
