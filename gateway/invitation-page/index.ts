/**
 * The page an invitation mail links to by default (INVITATION_URL): `/invitations/accept`,
 * where the invitee sees what the invitation is, confirms, and is signed in. Like the
 * playground, it is served by the gateway from files installed with the project and loads
 * nothing from anywhere else (its Content-Security-Policy allows only the gateway).
 *
 * The token travels in the URL's fragment (#token=…), which browsers never send to a server:
 * the page's script reads it and calls `invitationPreview` and `acceptInvitation` on
 * /graphql. On success it keeps the access token where the playground looks for one
 * (sessionStorage, this tab only), so the playground opened from the page is signed in.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { sendJson } from '../../lib/http.js';

export const INVITATION_PAGE_PATH = '/invitations/accept';
const ASSET_PREFIX = '/invitations/assets/';

const ASSET_SOURCES: Record<string, { path: string; type: string }> = {
  'accept.js': { path: fileURLToPath(new URL('./assets/accept.js', import.meta.url)), type: 'text/javascript; charset=utf-8' },
  'accept.css': { path: fileURLToPath(new URL('./assets/accept.css', import.meta.url)), type: 'text/css; charset=utf-8' },
};

/** Only the gateway, for everything; no inline script or style at all. */
export const INVITATION_PAGE_POLICY = [
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
  // Relative to /invitations/accept, so the page works behind a proxy that mounts the gateway under a path.
  const url = (name: string) => `assets/${name}?v=${assets.get(name)!.version}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Identity gateway · Invitation</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${url('accept.css')}">
<script defer src="${url('accept.js')}"></script>
</head>
<body>
<main id="invitation" aria-live="polite">
<h1>Invitation</h1>
<p id="status">Reading your invitation…</p>
<noscript><p>This page needs JavaScript to accept the invitation.</p></noscript>
<button id="accept" type="button" hidden>Accept invitation</button>
<p id="next" hidden><a href="../playground">Open the playground</a> (you are signed in there too, in this tab).</p>
</main>
</body>
</html>
`;
}

async function load(): Promise<{ assets: Map<string, Asset>; page: Buffer }> {
  const assets = new Map<string, Asset>();
  await Promise.all(
    Object.entries(ASSET_SOURCES).map(async ([name, { path, type }]) => {
      const body = await readFile(path);
      assets.set(name, { type, body, version: createHash('sha256').update(body).digest('hex').slice(0, 16) });
    }),
  );
  return { assets, page: Buffer.from(renderPage(assets)) };
}

function send(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string | number>, body: Buffer): void {
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

export interface InvitationPage {
  /** Answers the page's requests; false for every other request. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean | Promise<boolean>;
}

export function createInvitationPage(): InvitationPage {
  let loaded: ReturnType<typeof load> | undefined;
  const files = () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
  const common = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };

  return {
    async handle(req, res, url) {
      const { pathname } = url;
      const isPage = pathname === INVITATION_PAGE_PATH;
      if (!isPage && !pathname.startsWith(ASSET_PREFIX)) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'GET, HEAD' });
        return true;
      }
      const { assets, page } = await files();
      if (isPage) {
        send(req, res, 200, {
          ...common,
          'content-type': 'text/html; charset=utf-8',
          'content-length': page.length,
          'content-security-policy': INVITATION_PAGE_POLICY,
          'cross-origin-opener-policy': 'same-origin',
          'cache-control': 'no-store',
        }, page);
        return true;
      }
      const asset = assets.get(pathname.slice(ASSET_PREFIX.length));
      if (!asset || !Object.hasOwn(ASSET_SOURCES, pathname.slice(ASSET_PREFIX.length))) return false;
      send(req, res, 200, {
        ...common,
        'content-type': asset.type,
        'content-length': asset.body.length,
        'cross-origin-resource-policy': 'same-origin',
        'cache-control': url.searchParams.get('v') === asset.version ? 'public, max-age=31536000, immutable' : 'no-cache',
      }, asset.body);
      return true;
    },
  };
}
