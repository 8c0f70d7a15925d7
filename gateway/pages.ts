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
  /** The asset files (.js, .css), as URLs of the files beside the page's module. */
  assets: Record<string, URL>;
  /**
   * The page's HTML; `asset(name)` is the asset's URL relative to the page, versioned by its
   * content (relative, so the page works behind a proxy that mounts the gateway under a path).
   */
  render(asset: (name: string) => string): string;
}

export interface Page {
  /** Answers the page's requests; false for every other request. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
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
  let loaded: Promise<{ assets: Map<string, Asset>; page: Buffer }> | undefined;
  const load = async () => {
    const assets = new Map<string, Asset>();
    await Promise.all(
      Object.entries(options.assets).map(async ([name, file]) => {
        const body = await readFile(fileURLToPath(file));
        const type = TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream';
        assets.set(name, { type, body, version: createHash('sha256').update(body).digest('hex').slice(0, 16) });
      }),
    );
    const prefix = relativeAssetPath(options.path, options.assetPrefix);
    return { assets, page: Buffer.from(options.render((name) => `${prefix}${name}?v=${assets.get(name)!.version}`)) };
  };
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
      const isPage = pathname === options.path;
      if (!isPage && !pathname.startsWith(options.assetPrefix)) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'GET, HEAD' });
        return true;
      }
      const { assets, page } = await files();
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
      const asset = Object.hasOwn(options.assets, name) ? assets.get(name) : undefined;
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
