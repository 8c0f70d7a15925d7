import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import { INTERNAL_HEADER } from '../lib/auth/internal.js';
import { currentRequestIds, keepAliveAgent, logError, sendJson } from '../lib/http.js';

export interface ProxyOptions {
  /** The request body, when the gateway has read it already (the token endpoint's throttle). */
  body?: Buffer;
  /** Called with identities' response before it is piped to the client. */
  onResponse?: (proxyRes: IncomingMessage) => void;
}

export interface IdentitiesProxy {
  (req: IncomingMessage, res: ServerResponse, url: URL, options?: ProxyOptions): void;
  close(): void;
}

/**
 * The OAuth, SSO and discovery routes live in identities but are served from the gateway's
 * origin, so the issuer clients see is the gateway's public URL.
 */
export function identitiesProxy(target: string): IdentitiesProxy {
  // Kept-alive connections to identities: a fresh TCP connection per token request costs more than the request.
  const agent = keepAliveAgent();
  const proxy = createProxyServer({ target, xfwd: true, proxyTimeout: 30_000, agent });
  proxy.on('proxyReq', (proxyReq) => {
    // Only the gateway speaks with the internal credential; a client's copy never passes.
    proxyReq.removeHeader(INTERNAL_HEADER);
    // Without the credential identities mints its own id; ours goes along so its log lines can be matched to the gateway's.
    const ids = currentRequestIds();
    if (ids) proxyReq.setHeader('x-request-id', ids.requestId);
    else proxyReq.removeHeader('x-request-id');
  });
  const watchers = new WeakMap<IncomingMessage, (proxyRes: IncomingMessage) => void>();
  proxy.on('proxyRes', (proxyRes, req) => {
    // The gateway's own id, set by safeHandler, is the one the client sees.
    delete proxyRes.headers['x-request-id'];
    watchers.get(req)?.(proxyRes);
  });
  proxy.on('error', (error, _req, res) => {
    const response = res as ServerResponse;
    if (!('headersSent' in response)) {
      (res as { destroy?: () => void }).destroy?.();
      return;
    }
    logError('identities proxy failed', error);
    if (!response.headersSent) sendJson(response, 502, { error: 'temporarily_unavailable' });
    else response.destroy();
  });
  const handle = (req: IncomingMessage, res: ServerResponse, url: URL, options: ProxyOptions = {}) => {
    delete req.headers[INTERNAL_HEADER];
    // The target as safeHandler parsed it (origin-form, well-formed), never the raw one the client sent.
    req.url = `${url.pathname}${url.search}`;
    if (options.onResponse) watchers.set(req, options.onResponse);
    proxy.web(req, res, options.body ? { buffer: Readable.from([options.body]) } : {});
  };
  return Object.assign(handle, { close: () => agent.destroy() });
}

export function isProxiedPath(pathname: string): boolean {
  return pathname.startsWith('/oauth/') || pathname.startsWith('/.well-known/') || pathname.startsWith('/sso/');
}
