import { Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import { createProxyServer } from 'http-proxy-3';
import { INTERNAL_HEADER } from '../lib/auth/internal.js';
import { sendJson } from '../lib/http.js';

/**
 * The OAuth, SSO and discovery routes live in identities but are served from the gateway's
 * origin, so the issuer clients see is the gateway's public URL.
 */
export function identitiesProxy(target: string) {
  // Kept-alive connections to identities: a fresh TCP connection per token request costs more than the request.
  const proxy = createProxyServer({ target, xfwd: true, proxyTimeout: 30_000, agent: new Agent({ keepAlive: true, maxSockets: 64 }) });
  proxy.on('proxyReq', (proxyReq) => {
    // Only the gateway speaks with the internal credential; a client's copy never passes.
    proxyReq.removeHeader(INTERNAL_HEADER);
  });
  proxy.on('error', (_error, _req, res) => {
    const response = res as ServerResponse;
    if ('headersSent' in response && !response.headersSent) sendJson(response, 502, { error: 'temporarily_unavailable' });
  });
  return (req: IncomingMessage, res: ServerResponse) => {
    delete req.headers[INTERNAL_HEADER];
    proxy.web(req, res);
  };
}

export function isProxiedPath(pathname: string): boolean {
  return pathname.startsWith('/oauth/') || pathname.startsWith('/.well-known/') || pathname.startsWith('/sso/');
}
