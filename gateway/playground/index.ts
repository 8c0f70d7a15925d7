/**
 * The playground: GraphiQL served by the gateway itself at `/playground`, and at `/graphql`
 * when a browser navigates there, from the packages installed with the project. No CDN and
 * no font service: the page loads nothing from anywhere but the gateway (machines without
 * internet, company networks), and its Content-Security-Policy makes the browser refuse
 * anything else should a future GraphiQL try.
 *
 * What is served, all from node_modules except our own page script and stylesheet:
 *   react and react-dom (their UMD builds), graphiql.min.js and graphiql.min.css (GraphiQL's
 *   own browser bundle, which inlines its fonts as data: URLs), assets/playground.js (the
 *   token box and GraphiQL's setup, plain browser JavaScript, no build step) and
 *   assets/playground.css.
 *
 * Asset URLs carry a hash of their content (`?v=`): with a matching hash they are cached for
 * a year, so an upgrade of GraphiQL or a change of the page script is fetched at once.
 * URLs are relative (`playground/assets/…`, `graphql`, `oauth/token`) so the page works the
 * same from `/playground` and `/graphql`, and behind a proxy that mounts the gateway under
 * a path.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { sendJson } from '../../lib/http.js';
import { appendVary } from '../cors.js';
import { EXAMPLE_TABS } from './examples.js';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));
const ownAsset = (name: string) => fileURLToPath(new URL(`./assets/${name}`, import.meta.url));

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';
const SOURCE_MAP = 'application/json; charset=utf-8';

/** Every file the page may load, by the name it has under /playground/assets/. */
const ASSET_SOURCES: Record<string, { path: string; type: string }> = {
  'react.production.min.js': { path: join(packageDir('react'), 'umd', 'react.production.min.js'), type: JS },
  'react-dom.production.min.js': { path: join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js'), type: JS },
  'graphiql.min.js': { path: require.resolve('graphiql/graphiql.min.js'), type: JS },
  'graphiql.min.css': { path: require.resolve('graphiql/graphiql.min.css'), type: CSS },
  // Named by the bundles' sourceMappingURL comments; only browser developer tools ask for them.
  'graphiql.min.js.map': { path: require.resolve('graphiql/graphiql.min.js.map'), type: SOURCE_MAP },
  'graphiql.min.css.map': { path: require.resolve('graphiql/graphiql.min.css.map'), type: SOURCE_MAP },
  'playground.js': { path: ownAsset('playground.js'), type: JS },
  'playground.css': { path: ownAsset('playground.css'), type: CSS },
};

export const PLAYGROUND_PATH = '/playground';
const ASSET_PREFIX = '/playground/assets/';

/**
 * The one inline <style> GraphiQL writes: react-remove-scroll-bar's scroll lock, added while
 * a dialog or menu is open (settings, short keys). Its text depends only on the width of the
 * page's scrollbar and the body's margins, both always 0 here (playground.css: no margins,
 * and the window never scrolls), so it is always this text and allowed by its hash rather
 * than by 'unsafe-inline'. Should a GraphiQL upgrade change it, the browser test sees the
 * violation when it opens the settings dialog.
 */
const SCROLL_LOCK_STYLE_HASH = "'sha256-Y/huXlwoYkVyQlxwSVcCi1RCDGDCSVBzDt0hYP9qlTc='";

/**
 * Only the gateway itself, for everything. GraphiQL needs no eval and no inline script (the
 * page's configuration is a JSON data block, which is not executed). Styles: GraphiQL's
 * stylesheet and ours are files, what GraphiQL and CodeMirror set at run time goes through
 * the CSSOM (`element.style`), which style-src does not govern, and the one <style> element
 * is allowed by its hash; fonts and a few icons are data: URLs inside graphiql.min.css.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  `style-src 'self' ${SCROLL_LOCK_STYLE_HASH}`,
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const IMMUTABLE = 'public, max-age=31536000, immutable';

interface Asset {
  type: string;
  body: Buffer;
  gzipped: Buffer;
  version: string;
}

interface Loaded {
  assets: Map<string, Asset>;
  page: Buffer;
}

/** What a page's <script type="application/json"> may hold: no `<`, `>` or `&` to end the element, no line separators. */
function jsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function renderPage(assets: Map<string, Asset>): string {
  const url = (name: string) => `playground/assets/${name}?v=${assets.get(name)!.version}`;
  // Relative to the page (at /playground or /graphql): see the header comment.
  const config = { graphqlUrl: 'graphql', tokenUrl: 'oauth/token', examples: EXAMPLE_TABS };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Identity gateway · Playground</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${url('graphiql.min.css')}">
<link rel="stylesheet" href="${url('playground.css')}">
<script type="application/json" id="playground-config">${jsonForHtml(config)}</script>
<script defer src="${url('react.production.min.js')}"></script>
<script defer src="${url('react-dom.production.min.js')}"></script>
<script defer src="${url('graphiql.min.js')}"></script>
<script defer src="${url('playground.js')}"></script>
</head>
<body>
<div id="playground"><noscript>The playground needs JavaScript. Without it, POST GraphQL requests to /graphql.</noscript></div>
</body>
</html>
`;
}

async function load(): Promise<Loaded> {
  const assets = new Map<string, Asset>();
  const gzipAsync = promisify(gzip);
  await Promise.all(
    Object.entries(ASSET_SOURCES).map(async ([name, { path, type }]) => {
      const body = await readFile(path);
      const version = createHash('sha256').update(body).digest('hex').slice(0, 16);
      assets.set(name, { type, body, gzipped: await gzipAsync(body), version });
    }),
  );
  return { assets, page: Buffer.from(renderPage(assets)) };
}

/** A browser opening /graphql: it asks for HTML, and the URL holds no operation (that would be a GET query). */
function isBrowserNavigation(req: IncomingMessage, url: URL): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && (req.headers.accept ?? '').includes('text/html') && !url.searchParams.has('query');
}

function acceptsGzip(req: IncomingMessage): boolean {
  return /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
}

function send(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string | number>, body?: Buffer): void {
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

export interface Playground {
  /** Answers the playground's requests; false for every other request (it goes on to the next route). */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean | Promise<boolean>;
}

export function createPlayground(): Playground {
  // Read on first use and kept: about 5 MB, and a few ms to read and compress once.
  let loaded: Promise<Loaded> | undefined;
  const files = () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };

  async function page(req: IncomingMessage, res: ServerResponse): Promise<true> {
    const { page } = await files();
    // /graphql answers HTML or JSON by Accept; a cache must not hand one to the other. Added to
    // what is there: on /graphql, CORS has already said the answer varies by Origin.
    appendVary(res, 'Accept');
    send(req, res, 200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': page.length,
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cache-control': 'no-cache',
    }, page);
    return true;
  }

  async function asset(req: IncomingMessage, res: ServerResponse, url: URL, name: string): Promise<boolean> {
    if (!Object.hasOwn(ASSET_SOURCES, name)) return false;
    const found = (await files()).assets.get(name)!;
    const etag = `"${found.version}"`;
    const headers: Record<string, string | number> = {
      'content-type': found.type,
      'x-content-type-options': 'nosniff',
      'cross-origin-resource-policy': 'same-origin',
      // A URL with the current hash names exactly this content; any other (no hash, an old one) is revalidated.
      'cache-control': url.searchParams.get('v') === found.version ? IMMUTABLE : 'no-cache',
      etag,
      vary: 'Accept-Encoding',
    };
    if (req.headers['if-none-match'] === etag) {
      send(req, res, 304, headers);
      return true;
    }
    const gzipped = acceptsGzip(req);
    const body = gzipped ? found.gzipped : found.body;
    if (gzipped) headers['content-encoding'] = 'gzip';
    headers['content-length'] = body.length;
    send(req, res, 200, headers, body);
    return true;
  }

  return {
    handle(req, res, url) {
      const { pathname } = url;
      if (pathname === PLAYGROUND_PATH) {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'GET, HEAD' });
          return true;
        }
        return page(req, res);
      }
      if (pathname === '/graphql') return isBrowserNavigation(req, url) ? page(req, res) : false;
      if (pathname.startsWith(ASSET_PREFIX)) {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'GET, HEAD' });
          return true;
        }
        return asset(req, res, url, pathname.slice(ASSET_PREFIX.length));
      }
      return false;
    },
  };
}
