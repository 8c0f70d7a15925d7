import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { Agent, createServer, STATUS_CODES, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { HeaderMap, type ApolloServer, type BaseContext, type ContextThunk } from '@apollo/server';
import getRawBody from 'raw-body';

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * How long our servers keep an idle connection open, and how long our clients keep one in
 * their pools. A client must give up on an idle connection well before the server does: a
 * request written on a connection the server is closing at that moment is reset
 * (ECONNRESET, "socket hang up"). Node's default server timeout (5 s) lost that race
 * against the gateway's pool, which kept idle sockets forever; 65 s also outlasts the
 * 60 s idle timeout of common load balancers in front of the gateway.
 */
export const SERVER_KEEP_ALIVE_TIMEOUT_MS = 65_000;
export const CLIENT_IDLE_SOCKET_TIMEOUT_MS = 30_000;

/**
 * A keep-alive agent for calls between our own services. A non-zero `timeout` is what
 * makes Node close idle pooled sockets at all, and also makes it honour a shorter
 * `Keep-Alive: timeout=` announced by the server (it ignores that hint without one).
 */
export function keepAliveAgent(idleTimeoutMs = CLIENT_IDLE_SOCKET_TIMEOUT_MS): Agent {
  return new Agent({ keepAlive: true, timeout: idleTimeoutMs });
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The request ids a log line is about: ours, and what the client called the request (only ever logged). */
export interface RequestIds {
  requestId: string;
  clientRequestId?: string;
}

const requestScope = new AsyncLocalStorage<RequestIds>();

/** The ids of the request being served; every handler of safeHandler runs inside one. */
export function currentRequestIds(): RequestIds | undefined {
  return requestScope.getStore();
}

/** Runs `fn` as part of the request `ids` names (a subgraph called in process by the gateway). */
export function withRequestIds<T>(ids: RequestIds, fn: () => T): T {
  return requestScope.run(ids, fn);
}

function describeRequest(ids: RequestIds | undefined): string {
  if (!ids) return '';
  return ids.clientRequestId ? ` [request ${ids.requestId}, client request ${ids.clientRequestId}]` : ` [request ${ids.requestId}]`;
}

/** console.error, tagged with the current request's ids so the detail a client never sees can be found. */
export function logError(message: string, ...details: unknown[]): void {
  console.error(`${message}${describeRequest(currentRequestIds())}`, ...details);
}

export function logWarning(message: string, ...details: unknown[]): void {
  console.warn(`${message}${describeRequest(currentRequestIds())}`, ...details);
}

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Ids the gateway forwards: ours are UUIDs, but another gateway holding the credential may use its own format. */
const FORWARDED_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** A client's x-request-id, kept only when short and plain enough to be written into a log line as it is. */
export function clientRequestIdOf(req: IncomingMessage): string | undefined {
  const given = header(req, 'x-request-id');
  return given !== undefined && CLIENT_REQUEST_ID.test(given) ? given : undefined;
}

/** A new id of ours; what the client sent is kept apart, for correlating logs only. */
export function mintRequestIds(req: IncomingMessage): RequestIds {
  return { requestId: randomUUID(), clientRequestId: clientRequestIdOf(req) };
}

/** The id the gateway forwarded: only for a request already proven to carry the internal credential. */
export function forwardedRequestIds(req: IncomingMessage): RequestIds {
  const given = header(req, 'x-request-id');
  return given !== undefined && FORWARDED_REQUEST_ID.test(given) ? { requestId: given } : { requestId: randomUUID() };
}

/**
 * The whole body, within `limit`. A client that disconnects, sends less than its
 * Content-Length or more than the limit gets an HttpError (4xx), never a stream error.
 */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  // Bodies are parsed as they arrive; a compressed one would be read as garbage (RFC 9110 §15.5.16).
  if (encoding && encoding !== 'identity') throw new HttpError(415, 'Content-Encoding is not supported');
  try {
    return await getRawBody(req, { length: req.headers['content-length'], limit });
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      throw new HttpError(status, status === 413 ? 'Request body too large' : 'The request body could not be read');
    }
    // A stream error (the client went away mid-body, a malformed chunk) is the client's too.
    throw new HttpError(400, 'The request body could not be read');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}

export function headerMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/** Apollo Server on a plain node:http request (Apollo 5 ships no framework integration). */
export async function handleGraphQL<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  context: ContextThunk<TContext>,
): Promise<void> {
  let body: unknown = undefined;
  if (req.method === 'POST') {
    const raw = await readBody(req);
    const type = req.headers['content-type'] ?? '';
    if (raw.length > 0 && type.includes('json')) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        sendJson(res, 400, { errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
        return;
      }
    } else body = raw.toString('utf8');
  }
  const response = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? 'GET', headers: headerMap(req), search: url.search, body },
    context,
  });
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> | boolean;

/**
 * The request target as a URL, or null when it is not one. An origin-form target is a path
 * even when it starts with `//` (RFC 9112 §3.2.1), not a host to resolve against.
 */
export function requestUrl(target: string | undefined): URL | null {
  try {
    if (!target || target.startsWith('/')) return new URL(`http://localhost${target ?? '/'}`);
    const url = new URL(target);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

function reply(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  // Whatever is left of an unread body would otherwise be drained into the next request.
  sendJson(res, status, body, req.complete ? {} : { connection: 'close' });
}

export interface HandlerOptions {
  /** Our id for the request and the client's own; by default a new id each time. */
  requestIds?: (req: IncomingMessage) => RequestIds;
}

/** Wraps a router so that no request, however malformed, takes the process down. */
export function safeHandler(route: Route, options: HandlerOptions = {}) {
  const idsOf = options.requestIds ?? mintRequestIds;
  return (req: IncomingMessage, res: ServerResponse) => {
    let ids: RequestIds;
    try {
      ids = idsOf(req);
    } catch {
      ids = { requestId: randomUUID() };
    }
    requestScope.run(ids, () => {
      res.setHeader('x-request-id', ids.requestId);
      const url = requestUrl(req.url);
      if (!url) {
        reply(req, res, 400, { error: 'invalid_request_target' });
        return;
      }
      Promise.resolve()
        .then(() => route(req, res, url))
        .then((handled) => {
          if (!handled && !res.headersSent) reply(req, res, 404, { error: 'not_found' });
        })
        .catch((error: unknown) => {
          if (error instanceof HttpError) {
            reply(req, res, error.status, { error: error.message });
            return;
          }
          logError('request failed', error);
          reply(req, res, 500, { error: 'internal_error' });
        })
        .catch((error: unknown) => logError('could not answer a failed request', error));
    });
  };
}

/**
 * What the parser refused (a bad request line or header, a header block over the limit, a
 * broken chunked body) is answered here, as Node itself would without a listener, and the
 * connection closed.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify({ error: status === 431 ? 'request_header_fields_too_large' : status === 408 ? 'request_timeout' : 'bad_request' });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}

/** A node:http server for a router: safe against malformed requests, with keep-alive outlasting our clients' pools. */
export function createHttpServer(route: Route, options: HandlerOptions = {}): Server {
  const server = createServer(safeHandler(route, options));
  server.keepAliveTimeout = SERVER_KEEP_ALIVE_TIMEOUT_MS;
  // Above keepAliveTimeout, so a connection kept alive is never cut for a slow next request's headers.
  server.headersTimeout = SERVER_KEEP_ALIVE_TIMEOUT_MS + 1_000;
  server.on('clientError', answerClientError);
  return server;
}

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
