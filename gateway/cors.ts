/**
 * CORS for browser applications on other origins (CORS_ORIGINS), on /graphql and /oauth/*.
 *
 * Written here rather than with the `cors` npm package: that package is only in node_modules
 * as a dependency of @apollo/server (not ours to import, and without types), and the rules we
 * need are few. They follow the Fetch standard's CORS protocol (fetch.spec.whatwg.org, "CORS
 * protocol"): an allowed origin is echoed exactly, with `Vary: Origin` so no cache serves one
 * origin's answer to another; an unlisted origin gets no CORS headers at all and the browser
 * blocks the response.
 *
 * No `Access-Control-Allow-Credentials`, ever: clients authenticate with bearer tokens they
 * put in `Authorization` themselves, never with cookies, so no request needs the browser's
 * ambient credentials, and `*` (when configured) stays the harmless non-credentialed wildcard.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigurationError } from '../lib/config.js';

/**
 * Headers whose presence proves a request was preflighted (a browser cannot send any of them
 * cross-site without CORS permission): Apollo's CSRF prevention accepts a GET query or a
 * non-JSON POST carrying one. `authorization` is the one every client of ours sends (urql
 * queries over GET with it); the other two are Apollo's defaults. Basic credentials a browser
 * might attach on its own never authenticate a GraphQL request (only Bearer does), and a GET
 * runs queries only, so the header's presence proves no more than it should.
 */
export const PREFLIGHT_PROOF_HEADERS = ['authorization', 'apollo-require-preflight', 'x-apollo-operation-name'] as const;

/** What a browser on an allowed origin may send: the proof headers, JSON bodies and its own request id. */
export const ALLOWED_REQUEST_HEADERS = [...PREFLIGHT_PROOF_HEADERS, 'content-type', 'x-request-id'] as const;
export const ALLOWED_METHODS = ['GET', 'POST'] as const;
/** What a page may read beyond the CORS-safelisted response headers: our request id, and when to retry after 429. */
export const EXPOSED_HEADERS = ['x-request-id', 'retry-after'] as const;
/** Chromium caps preflight caching at 2 hours; the actual response is checked again anyway. */
export const PREFLIGHT_MAX_AGE_SECONDS = 7200;

/** The paths browsers on other origins may call: the API and the OAuth endpoints it needs tokens from. */
export function isCorsPath(pathname: string): boolean {
  return pathname === '/graphql' || pathname.startsWith('/oauth/');
}

/**
 * CORS_ORIGINS: comma-separated origins (`scheme://host[:port]`), or `*` for any. Each is
 * normalised as browsers serialise the Origin header (lower-case host, no default port); an
 * entry with a path, query, credentials or another scheme is a configuration mistake
 * (ConfigurationError: one line at start, no stack) rather than an origin that never matches.
 */
export function parseCorsOrigins(value: string | undefined): string[] {
  const origins: string[] = [];
  for (const entry of (value ?? '').split(',').map((part) => part.trim())) {
    if (!entry) continue;
    if (entry === '*') {
      origins.push('*');
      continue;
    }
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new ConfigurationError(`CORS_ORIGINS: "${entry}" is not an origin (scheme://host[:port])`);
    }
    // `null` is what sandboxed frames and file: pages send: anyone can make one, so it is never an allowed origin.
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.pathname !== '/' || url.search || url.hash || entry.endsWith('?') || entry.endsWith('#')) {
      throw new ConfigurationError(`CORS_ORIGINS: "${entry}" is not an origin (scheme://host[:port], without path, query or credentials)`);
    }
    origins.push(url.origin);
  }
  return [...new Set(origins)];
}

export function corsOriginsFromEnv(): string[] {
  return parseCorsOrigins(process.env.CORS_ORIGINS);
}

/** Adds `token` to the response's Vary header, keeping what is there (CORS's `Origin` among them). */
export function appendVary(res: ServerResponse, token: string): void {
  const current = res.getHeader('vary');
  const values = (Array.isArray(current) ? current.join(',') : String(current ?? ''))
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  if (values.includes('*') || values.some((v) => v.toLowerCase() === token.toLowerCase())) return;
  res.setHeader('vary', [...values, token].join(', '));
}

export interface Cors {
  /**
   * For a request on a CORS path: answers a preflight (true: nothing more to do) or sets the
   * headers the actual response needs before any handler writes it (false).
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

export function createCors(origins: readonly string[]): Cors {
  const anyOrigin = origins.includes('*');
  const allowed = new Set(origins);
  const allowOriginFor = (origin: string | undefined): string | undefined => {
    if (origin === undefined) return undefined;
    if (anyOrigin) return '*';
    return allowed.has(origin) ? origin : undefined;
  };
  return {
    handle(req, res) {
      const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
      const allowOrigin = allowOriginFor(origin);
      // The answer depends on Origin unless it is the same wildcard for everyone.
      if (!anyOrigin) appendVary(res, 'Origin');
      if (allowOrigin) res.setHeader('access-control-allow-origin', allowOrigin);
      const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
      if (preflight) {
        if (allowOrigin) {
          res.setHeader('access-control-allow-methods', ALLOWED_METHODS.join(', '));
          res.setHeader('access-control-allow-headers', ALLOWED_REQUEST_HEADERS.join(', '));
          res.setHeader('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS));
        }
        // An unlisted origin gets the same 204 without permissions: the browser refuses to send
        // the request, and the preflight never reaches Apollo or identities.
        res.writeHead(204, { 'content-length': '0' });
        res.end();
        return true;
      }
      if (allowOrigin) res.setHeader('access-control-expose-headers', EXPOSED_HEADERS.join(', '));
      return false;
    },
  };
}
