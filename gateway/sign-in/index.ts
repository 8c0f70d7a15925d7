/**
 * The sign-in page at `/sign-in`, what the welcome mail links to (`?email=` prefills the
 * address): a person enters an email, gets a code by mail, enters it, and is signed in. Like
 * the playground it is served from files installed with the project (assets/sign-in.js and
 * assets/sign-in.css, plain browser code, no build step, no framework) and its
 * Content-Security-Policy lets it load and call nothing but the gateway. The page calls
 * `requestLoginCode` and `verifyLoginCode` through `/graphql`, keeps the access token in this
 * tab's sessionStorage under the playground's key, so "Open the playground" arrives signed in,
 * and offers `signOut`. The refresh token is not kept: this page is for trying the gateway;
 * applications keep their own.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { sendJson } from '../../lib/http.js';

export const SIGN_IN_PATH = '/sign-in';
const ASSET_PREFIX = '/sign-in/assets/';

const ASSETS: Record<string, string> = {
  'sign-in.js': 'text/javascript; charset=utf-8',
  'sign-in.css': 'text/css; charset=utf-8',
};

/** Only the gateway, for scripts, styles and requests; no inline code of any kind. */
export const SIGN_IN_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  type: string;
  body: Buffer;
  version: string;
}

function renderPage(assets: Map<string, Asset>): string {
  // Relative to /sign-in, so the page works behind a proxy that mounts the gateway under a path.
  const url = (name: string) => `sign-in/assets/${name}?v=${assets.get(name)!.version}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Identity gateway · Sign in</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${url('sign-in.css')}">
<script defer src="${url('sign-in.js')}"></script>
</head>
<body>
<main class="sign-in">
<h1>Sign in</h1>
<noscript><p>This page needs JavaScript. Without it, call the requestLoginCode and verifyLoginCode mutations at /graphql.</p></noscript>
<form id="email-form" hidden>
  <label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="email" required>
  <button type="submit">Send code</button>
</form>
<form id="code-form" hidden>
  <p id="code-sent"></p>
  <label for="code">Code</label>
  <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required>
  <button type="submit">Sign in</button>
  <button type="button" id="other-email">Use another email</button>
</form>
<section id="signed-in" hidden>
  <p>Signed in as <strong id="signed-in-email"></strong>.</p>
  <p><a id="open-playground" href="playground">Open the playground</a> with this sign-in, or <button type="button" id="sign-out">Sign out</button></p>
</section>
<p id="status" role="status" aria-live="polite"></p>
</main>
</body>
</html>
`;
}

async function load(): Promise<{ assets: Map<string, Asset>; page: Buffer }> {
  const assets = new Map<string, Asset>();
  await Promise.all(
    Object.entries(ASSETS).map(async ([name, type]) => {
      const body = await readFile(fileURLToPath(new URL(`./assets/${name}`, import.meta.url)));
      assets.set(name, { type, body, version: createHash('sha256').update(body).digest('hex').slice(0, 16) });
    }),
  );
  return { assets, page: Buffer.from(renderPage(assets)) };
}

function send(req: IncomingMessage, res: ServerResponse, headers: Record<string, string | number>, body: Buffer): void {
  res.writeHead(200, { ...headers, 'content-length': body.length, 'x-content-type-options': 'nosniff' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

export interface SignInPage {
  /** Answers the page's requests; false for every other request. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean | Promise<boolean>;
}

export function createSignInPage(): SignInPage {
  let loaded: ReturnType<typeof load> | undefined;
  const files = () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };

  return {
    async handle(req, res, url) {
      const { pathname } = url;
      if (pathname !== SIGN_IN_PATH && !pathname.startsWith(ASSET_PREFIX)) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'GET, HEAD' });
        return true;
      }
      const { assets, page } = await files();
      if (pathname === SIGN_IN_PATH) {
        send(req, res, {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': SIGN_IN_CONTENT_SECURITY_POLICY,
          'referrer-policy': 'no-referrer',
          'cross-origin-opener-policy': 'same-origin',
          'cache-control': 'no-cache',
        }, page);
        return true;
      }
      const name = pathname.slice(ASSET_PREFIX.length);
      const asset = Object.hasOwn(ASSETS, name) ? assets.get(name) : undefined;
      if (!asset) return false;
      send(req, res, {
        'content-type': asset.type,
        'cross-origin-resource-policy': 'same-origin',
        // A URL with the current hash names exactly this content.
        'cache-control': url.searchParams.get('v') === asset.version ? 'public, max-age=31536000, immutable' : 'no-cache',
      }, asset.body);
      return true;
    },
  };
}
