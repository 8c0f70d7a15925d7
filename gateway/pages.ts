/**
 * Small pages the gateway serves to people (sign-in, accepting an invitation): one HTML page
 * and its script and stylesheet, read once from files installed with the project (plain
 * browser code, no build step, no framework) and served under a Content-Security-Policy that
 * lets them load and call nothing but the gateway, with no inline code of any kind.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { sendJson } from '../lib/http.js';

export const PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

export interface PageOptions {
  /** Where the page is, e.g. /sign-in. */
  path: string;
  /** Where its assets are, e.g. /sign-in/assets/ (ending in a slash). */
  assetPrefix: string;
  /** The page's script and stylesheet, as URLs of the files beside the page's module. */
  assets: { script: [name: string, file: URL]; stylesheet: [name: string, file: URL] };
  /** After "Identity gateway · " in the title. */
  title: string;
  /** The page's <body> content. */
  body: string;
}

export interface Page {
  /** Answers the page's requests; false for every other request (at once: no promise for them). */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): false | Promise<boolean>;
}

interface Asset {
  type: string;
  body: Buffer;
  version: string;
}

function send(req: IncomingMessage, res: ServerResponse, headers: Record<string, string | number>, body: Buffer): void {
  res.writeHead(200, { ...headers, 'content-length': body.length, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The path from the page to an asset, relative to the page's own URL. */
function relativeAssetPath(path: string, assetPrefix: string): string {
  const base = path.slice(0, path.lastIndexOf('/') + 1);
  return assetPrefix.startsWith(base) ? assetPrefix.slice(base.length) : assetPrefix;
}

export function staticPage(options: PageOptions): Page {
  const files = [options.assets.script, options.assets.stylesheet];
  const names = new Set(files.map(([name]) => name));
  let loaded: Promise<{ assets: Map<string, Asset>; page: Buffer }> | undefined;
  const load = async () => {
    const assets = new Map<string, Asset>();
    await Promise.all(
      files.map(async ([name, file]) => {
        const body = await readFile(fileURLToPath(file));
        const type = TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream';
        assets.set(name, { type, body, version: createHash('sha256').update(body).digest('hex').slice(0, 16) });
      }),
    );
    // Relative, so the page works behind a proxy that mounts the gateway under a path; versioned by content.
    const prefix = relativeAssetPath(options.path, options.assetPrefix);
    const asset = (name: string) => `${prefix}${name}?v=${assets.get(name)!.version}`;
    const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Identity gateway · ${options.title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${asset(options.assets.stylesheet[0])}">
<script defer src="${asset(options.assets.script[0])}"></script>
</head>
<body>
${options.body}</body>
</html>
`;
    return { assets, page: Buffer.from(page) };
  };
  const ready = () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };

  return {
    handle(req, res, url) {
      const { pathname } = url;
      const isPage = pathname === options.path;
      if (!isPage && !pathname.startsWith(options.assetPrefix)) return false;
      return answer(req, res, url, isPage);
    },
  };

  async function answer(req: IncomingMessage, res: ServerResponse, url: URL, isPage: boolean): Promise<boolean> {
    const { pathname } = url;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'GET, HEAD' });
      return true;
    }
    const { assets, page } = await ready();
    if (isPage) {
      send(req, res, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': PAGE_CONTENT_SECURITY_POLICY,
        'cross-origin-opener-policy': 'same-origin',
        // The page can hold a token in its URL's fragment, and changes with the gateway: never kept.
        'cache-control': 'no-store',
      }, page);
      return true;
    }
    const name = pathname.slice(options.assetPrefix.length);
    const asset = names.has(name) ? assets.get(name) : undefined;
    if (!asset) return false;
    send(req, res, {
      'content-type': asset.type,
      'cross-origin-resource-policy': 'same-origin',
      // A URL with the current hash names exactly this content.
      'cache-control': url.searchParams.get('v') === asset.version ? 'public, max-age=31536000, immutable' : 'no-cache',
    }, asset.body);
    return true;
  }
}
