import type { IncomingMessage, ServerResponse } from 'node:http';
import nodeFetch from 'node-fetch';
import { INTERNAL_HEADER, isInternalCredential } from '../../lib/auth/internal.js';
import { loggedInternalError } from '../../lib/errors.js';
import { HttpError, keepAliveAgent, logError, readBody, sendJson, type Route } from '../../lib/http.js';

/** Access: remove a principal's role assignments (all, or one organization's). */
export const FORGET_PRINCIPAL_PATH = '/internal/principals/forget';
/** Access: grant the role of an accepted invitation, on the inviter's word (the invitee may grant nothing). */
export const GRANT_INVITED_ROLE_PATH = '/internal/assignments/grant';

/** An internal route's answer: a status and a JSON body. */
export interface InternalAnswer {
  status: number;
  body: Record<string, unknown>;
}

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

/**
 * Routes one subgraph offers the gateway and the other subgraphs (never the public: the
 * gateway does not proxy them, and without the internal credential they do not exist, 404):
 * POST with a JSON object, a JSON answer nobody caches.
 */
export function internalRoutes(secret: string, handlers: Record<string, (body: Record<string, unknown>) => Promise<InternalAnswer>>): Route {
  return async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const handler = Object.prototype.hasOwnProperty.call(handlers, url.pathname) ? handlers[url.pathname] : undefined;
    if (!handler) return false;
    const credential = req.headers[INTERNAL_HEADER];
    if (!isInternalCredential(typeof credential === 'string' ? credential : undefined, secret)) {
      sendJson(res, 404, { error: 'not_found' });
      return true;
    }
    if (req.method !== 'POST') {
      sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'POST', ...NO_STORE });
      return true;
    }
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8'));
    } catch (error) {
      sendJson(res, error instanceof HttpError ? error.status : 400, { error: 'invalid_request' }, NO_STORE);
      return true;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      sendJson(res, 400, { error: 'invalid_request' }, NO_STORE);
      return true;
    }
    const answer = await handler(body as Record<string, unknown>);
    sendJson(res, answer.status, answer.body, NO_STORE);
    return true;
  };
}

const agent = keepAliveAgent();

/** Calls another subgraph's internal route; a transport failure is logged and answered as an internal error. */
export async function callInternal(baseUrl: string, secret: string, path: string, body: Record<string, unknown>, requestId: string): Promise<InternalAnswer> {
  try {
    const response = await nodeFetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [INTERNAL_HEADER]: secret, 'x-request-id': requestId },
      body: JSON.stringify(body),
      agent,
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, body: ((await response.json().catch(() => ({}))) ?? {}) as Record<string, unknown> };
  } catch (error) {
    logError(`internal call ${path} at ${baseUrl} failed`, error);
    throw loggedInternalError();
  }
}
