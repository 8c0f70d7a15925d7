/**
 * Throttling at the edge: failed client authentication at POST /oauth/token (per client id and
 * per source address), failed API keys at /graphql (per source address, with the token
 * endpoint's failures) and GraphQL operations (per principal, by cost).
 *
 * Why the gateway and not identities' token route: only the gateway sees the client's address
 * (identities sees the gateway's, and would have to trust a forwarded header from it), the
 * gateway already needs a limiter and a Redis connection for GraphQL, and every replica of
 * identities behind it is covered by the one check. What the gateway does not know by itself
 * (which client a request names, whether authentication failed) it reads from the request it
 * forwards and from identities' RFC 6749 answer (`error: invalid_client`). identities is not
 * meant to be reachable except through the gateway (see the README).
 *
 * Counters are rate-limiter-flexible's: in this process by default, in Redis when REDIS_URL is
 * set, so every gateway replica counts together. Every consume is one atomic step in either
 * store. A token request reserves its failure point before it is forwarded and gets it back
 * when identities did not answer invalid_client: checking first and counting after the answer
 * would let fifty parallel guesses all pass the check before the first failure is counted.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { MAX_CLIENT_ID_LENGTH, MalformedCredentials, parseBasicCredentials } from '../lib/auth/basic.js';
import { ConfigurationError, env, envInt } from '../lib/config.js';
import { rateLimited } from '../lib/errors.js';
import { HttpError, logWarning, readBody, sendJson } from '../lib/http.js';

export interface RateLimitOptions {
  /** Redis for counters shared by every gateway replica (REDIS_URL); in this process without one. */
  redisUrl?: string;
  /** Prefix of every Redis key, so installations (and test runs) sharing a Redis never count together. */
  keyPrefix: string;
  /** Failed client authentications per client id within a window (RATE_LIMIT_TOKEN_FAILURES_PER_CLIENT). */
  tokenFailuresPerClient: number;
  /** Failed client authentications per source address within a window (RATE_LIMIT_TOKEN_FAILURES_PER_ADDRESS). */
  tokenFailuresPerAddress: number;
  /** RATE_LIMIT_TOKEN_WINDOW_SECONDS. */
  tokenWindowSeconds: number;
  /** Cost of GraphQL operations per principal (or per address without a token) within a window (RATE_LIMIT_COST_PER_WINDOW). */
  costPerWindow: number;
  /** RATE_LIMIT_COST_WINDOW_SECONDS. */
  costWindowSeconds: number;
  /**
   * How many proxies in front of the gateway append to X-Forwarded-For (TRUST_PROXY). 0 (the
   * default) takes the socket's address and ignores the header, which any client can write.
   */
  trustProxy: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitOptions = {
  keyPrefix: 'gateway',
  tokenFailuresPerClient: 10,
  tokenFailuresPerAddress: 100,
  tokenWindowSeconds: 300,
  costPerWindow: 5_000_000,
  costWindowSeconds: 60,
  trustProxy: 0,
};

export function rateLimitOptionsFromEnv(): RateLimitOptions {
  const d = DEFAULT_RATE_LIMITS;
  const redisUrl = process.env.REDIS_URL;
  return {
    redisUrl: redisUrl ? redisUrl : undefined,
    keyPrefix: env('RATE_LIMIT_KEY_PREFIX', d.keyPrefix),
    tokenFailuresPerClient: envInt('RATE_LIMIT_TOKEN_FAILURES_PER_CLIENT', d.tokenFailuresPerClient),
    tokenFailuresPerAddress: envInt('RATE_LIMIT_TOKEN_FAILURES_PER_ADDRESS', d.tokenFailuresPerAddress),
    tokenWindowSeconds: envInt('RATE_LIMIT_TOKEN_WINDOW_SECONDS', d.tokenWindowSeconds),
    costPerWindow: envInt('RATE_LIMIT_COST_PER_WINDOW', d.costPerWindow),
    costWindowSeconds: envInt('RATE_LIMIT_COST_WINDOW_SECONDS', d.costWindowSeconds),
    trustProxy: envInt('TRUST_PROXY', d.trustProxy),
  };
}

/** The price of one operation (gateway/limits.ts): throws to refuse it. */
export type OperationCost = (schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown>) => number;

/** What the throttling plugin needs from the gateway's context. */
export interface ThrottledContext {
  principal: { id: string } | null;
  clientAddress: string;
}

/** Identities reads forms up to this size; a larger one is refused there too. */
const FORM_LIMIT = 64 * 1024;
/** An RFC 6749 error body is small; anything longer is not one of identities' answers. */
const ERROR_BODY_LIMIT = 16 * 1024;
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };
const NO_FORM = new URLSearchParams();

export function retryAfterSeconds(refusal: RateLimiterRes): number {
  return Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
}

/**
 * The client a token request names: HTTP Basic's user or the form's client_id, read as
 * identities reads them (lib/auth/basic.ts); MalformedCredentials for a request identities
 * refuses before authenticating anyone (an unreadable Basic header, an over-long client id).
 */
export function tokenClientId(authorization: string | undefined, form: URLSearchParams): string | undefined | MalformedCredentials {
  const basic = parseBasicCredentials(authorization);
  if (basic) return basic instanceof MalformedCredentials ? basic : basic.id;
  const id = form.get('client_id') || undefined;
  if (id !== undefined && id.length > MAX_CLIENT_ID_LENGTH) return new MalformedCredentials(`client_id is longer than ${MAX_CLIENT_ID_LENGTH} characters`);
  return id;
}

/** A counter's key for a client id: fixed length whatever the id, so counters stay small. */
function clientKey(clientId: string): string {
  return createHash('sha256').update(clientId).digest('base64url');
}

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`, a dual-stack socket's view) counts as the IPv4 address it is. */
function normalizeAddress(address: string): string {
  const trimmed = address.trim();
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(trimmed) ? trimmed.slice(7) : trimmed;
}

/**
 * The client's address: the socket's peer, or with `trustProxy` = n the address n hops back in
 * X-Forwarded-For (each trusted proxy appends the address it saw; what lies further left was
 * written by the client and proves nothing).
 */
export function sourceAddress(req: IncomingMessage, trustProxy: number): string {
  const peer = normalizeAddress(req.socket.remoteAddress ?? 'unknown');
  if (trustProxy <= 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const chain = [...forwarded, peer];
  return normalizeAddress(chain[Math.max(0, chain.length - 1 - trustProxy)]!);
}

/** How a token request ended: its status and, for a 400 or 401, the RFC 6749 §5.2 `error`. */
export interface TokenOutcome {
  status: number;
  error?: unknown;
}

export interface ForwardToken {
  /**
   * `body`: the request's body when it was read here; without it the request streams through.
   * `settled` is told the outcome as soon as it is known (before or while the answer is sent).
   */
  (body: Buffer | undefined, settled: (outcome: TokenOutcome) => void): void | Promise<void>;
}

/** The outcome of identities' answer, read beside its pipe to the client (for the proxy). */
export function watchTokenResponse(proxyRes: IncomingMessage, settled: (outcome: TokenOutcome) => void): void {
  const status = proxyRes.statusCode ?? 0;
  if (status !== 400 && status !== 401) return settled({ status });
  const chunks: Buffer[] = [];
  let size = 0;
  // Read beside the pipe to the client (its flowing starts on the next tick, after the pipe is attached).
  proxyRes.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= ERROR_BODY_LIMIT) chunks.push(chunk);
  });
  proxyRes.once('end', () => {
    let error: unknown;
    try {
      error = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { error?: unknown }).error;
    } catch {
      error = undefined;
    }
    settled({ status, error });
  });
}

export interface RateLimits {
  sourceAddress(req: IncomingMessage): string;
  /** POST /oauth/token: refused with 429 while its client id or address is over the limit, else forwarded and its outcome counted. */
  tokenRequest(req: IncomingMessage, res: ServerResponse, forward: ForwardToken): Promise<void>;
  /**
   * A credential check at /graphql (an API key) from `req`'s address, under the same per-address
   * limit as failed client authentications at /oauth/token: refused with RATE_LIMITED (429)
   * while the address is over it. The check holds a point while it runs, so parallel guesses
   * cannot pass the limit, and keeps it only when `failed(error)` says authentication failed.
   */
  authenticationAttempt<T>(req: IncomingMessage, attempt: () => Promise<T>, failed: (error: unknown) => boolean): Promise<T>;
  /** RATE_LIMITED while `req`'s address is over the failed-authentication limit (a credential already known good is refused too, so the answer tells a guesser nothing). */
  assertAuthenticationAllowed(req: IncomingMessage): Promise<void>;
  /** Charges each GraphQL operation's estimated cost to its principal (or address) before it is planned, and gives back what its response did not use. */
  plugin(cost: OperationCost): ApolloServerPlugin<ThrottledContext>;
  close(): Promise<void>;
}

/**
 * The actual cost of a response, in the estimate's units (gateway/limits.ts operationCost):
 * one per field value, every item of a list counted.
 */
export function resultCost(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  let sum = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) sum += resultCost(value[i]);
    return sum;
  }
  // Own enumerable keys, as Object.values reads them, without building the array of values.
  for (const key in value) {
    if (Object.prototype.hasOwnProperty.call(value, key)) sum += 1 + resultCost((value as Record<string, unknown>)[key]);
  }
  return sum;
}

/** Whether a refusal came from the limiter (over the limit) rather than from its store failing. */
function isRefusal(error: unknown): error is RateLimiterRes {
  return error instanceof RateLimiterRes;
}

function tooManyTokenRequests(res: ServerResponse, refusal: RateLimiterRes): void {
  const seconds = retryAfterSeconds(refusal);
  // RFC 6749 defines no error for throttling; slow_down (registered by RFC 8628 for token
  // responses) says what the client must do, where invalid_client would tell a client holding
  // the right secret that its secret is wrong.
  sendJson(
    res,
    429,
    { error: 'slow_down', error_description: `Too many failed client authentications; retry after ${seconds} s` },
    { ...NO_STORE, 'retry-after': String(seconds) },
  );
}

/** Points taken from a counter, and when the window they were taken in ends. */
interface Held {
  store: RateLimiterAbstract;
  key: string;
  points: number;
  windowEnds: number;
}

function held(store: RateLimiterAbstract, key: string, points: number, taken: RateLimiterRes): Held {
  return { store, key, points, windowEnds: Date.now() + taken.msBeforeNext };
}

/**
 * Returns points to the window they were taken in, and only to it: a refund after the window
 * rolled over would land on a fresh counter as negative consumption, budget the next window
 * never had (consume 9, window ends, give 9 back: the next window admits 19). The store may
 * still expire the counter between the check and the refund (a Redis round trip); a negative
 * result is then taken back at once.
 */
async function giveBack({ store, key, points, windowEnds }: Held): Promise<void> {
  if (points <= 0 || Date.now() >= windowEnds) return;
  const after = await store.reward(key, points);
  if (after.consumedPoints < 0) await store.penalty(key, -after.consumedPoints);
}

/** A URL fit for a log line: its password (redis://:secret@host) replaced. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}

export async function createRateLimits(options: RateLimitOptions): Promise<RateLimits> {
  let redis: Redis | undefined;
  if (options.redisUrl) {
    // Commands fail at once while Redis is away instead of queueing, so the insurance limiter takes over.
    redis = new Redis(options.redisUrl, { enableOfflineQueue: false, lazyConnect: true, maxRetriesPerRequest: 1 });
    // Quiet until the first connection: a Redis that is not there at start is the operator's to fix, told once below.
    const untilConnected = () => undefined;
    redis.on('error', untilConnected);
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      throw new ConfigurationError(`Cannot connect to Redis at REDIS_URL ${redactedUrl(options.redisUrl)} (${error instanceof Error ? error.message : String(error)}); start it or unset REDIS_URL to count in this process`);
    }
    redis.off('error', untilConnected);
    redis.on('error', (error: Error) => logWarning('rate limiter: Redis unavailable', error.message));
  }
  const limiter = (name: string, points: number, duration: number): RateLimiterAbstract => {
    const keyPrefix = `${options.keyPrefix}:${name}`;
    if (!redis) return new RateLimiterMemory({ keyPrefix, points, duration });
    // While Redis is down each replica keeps counting on its own rather than letting every guess through or refusing everyone.
    return new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration, insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }) });
  };
  const perClient = limiter('token-failures-client', options.tokenFailuresPerClient, options.tokenWindowSeconds);
  const perAddress = limiter('token-failures-address', options.tokenFailuresPerAddress, options.tokenWindowSeconds);
  const cost = limiter('operation-cost', options.costPerWindow, options.costWindowSeconds);
  const addressOf = (req: IncomingMessage) => sourceAddress(req, options.trustProxy);

  /** One point reserved on each limiter for `keys`, or the refusal of the first that is full (the others given back). */
  async function reserve(entries: [RateLimiterAbstract, string][]): Promise<RateLimiterRes | Held[]> {
    const taken: Held[] = [];
    for (const [store, key] of entries) {
      try {
        taken.push(held(store, key, 1, await store.consume(key, 1)));
      } catch (error) {
        await Promise.all(taken.map(giveBack));
        if (isRefusal(error)) return error;
        throw error;
      }
    }
    return taken;
  }

  return {
    sourceAddress: addressOf,

    async tokenRequest(req, res, forward) {
      // A client authenticating with HTTP Basic is named by the header alone: its body streams
      // through to identities (which reads and limits it as it would any form). Only a body
      // that may carry the client id (client_secret_post, or no client authentication) is read here.
      let body: Buffer | undefined;
      if (!parseBasicCredentials(req.headers.authorization)) {
        try {
          body = await readBody(req, FORM_LIMIT);
        } catch (error) {
          // The same answer identities gives an unreadable form (the body is gone, it cannot be forwarded).
          if (error instanceof HttpError) return sendJson(res, error.status, { error: 'invalid_request', error_description: error.message }, NO_STORE);
          throw error;
        }
      }
      const clientId = tokenClientId(req.headers.authorization, body ? new URLSearchParams(body.toString('utf8')) : NO_FORM);
      const entries: [RateLimiterAbstract, string][] = [[perAddress, addressOf(req)]];
      if (typeof clientId === 'string') entries.push([perClient, clientKey(clientId)]);
      const reserved = await reserve(entries);
      if (isRefusal(reserved)) return tooManyTokenRequests(res, reserved);
      // Refused here with identities' answer, and the address keeps its point: credentials no
      // client sends by mistake are a failed authentication that names no client to count.
      if (clientId instanceof MalformedCredentials) return sendJson(res, 400, { error: 'invalid_request', error_description: clientId.description }, NO_STORE);

      let settled = false;
      const settle = (failed: boolean) => {
        if (settled) return;
        settled = true;
        if (failed) return;
        Promise.all(reserved.map(giveBack)).catch((error: unknown) => logWarning('rate limiter: could not return a point', error));
      };
      // Without an answer from identities (it is down, the client left) nothing failed authentication.
      res.once('close', () => settle(false));
      // invalid_client is 401 when the client used Basic, 400 with body credentials (RFC 6749 §5.2).
      await forward(body, ({ status, error }) => settle((status === 400 || status === 401) && error === 'invalid_client'));
    },

    async authenticationAttempt(req, attempt, failed) {
      const reserved = await reserve([[perAddress, addressOf(req)]]);
      if (isRefusal(reserved)) throw rateLimited(retryAfterSeconds(reserved));
      const release = () => Promise.all(reserved.map(giveBack)).catch((error: unknown) => logWarning('rate limiter: could not return a point', error));
      try {
        const result = await attempt();
        await release();
        return result;
      } catch (error) {
        if (!failed(error)) await release();
        throw error;
      }
    },

    async assertAuthenticationAllowed(req) {
      const state = await perAddress.get(addressOf(req));
      if (state && state.consumedPoints >= options.tokenFailuresPerAddress) throw rateLimited(retryAfterSeconds(state));
    },

    plugin(costOf) {
      return {
        async requestDidStart() {
          // What this request was charged before it ran, so the difference to what it used can be settled after.
          let charge: Held | undefined;
          return {
            async didResolveOperation({ schema, document, request, contextValue }) {
              const key = contextValue.principal ? `principal:${contextValue.principal.id}` : `address:${contextValue.clientAddress}`;
              // Prices the operation, or refuses it (over a limit, variables that do not fit, no such
              // operation) uncharged. The name the client sent: the context's is null when it names none the document has.
              // Every operation costs something, or free ones (`{ __typename }`) could be sent without end.
              const points = Math.max(1, Math.ceil(costOf(schema, document, request.operationName, request.variables ?? {})));
              try {
                charge = held(cost, key, points, await cost.consume(key, points));
              } catch (error) {
                if (!isRefusal(error)) throw error;
                // The store counted the refused points too: an operation that never ran costs nothing,
                // or one priced over what is left would lock its caller out for the rest of the window.
                await giveBack(held(cost, key, points, error)).catch((refundError: unknown) => logWarning('rate limit: could not return a refused operation\'s points', refundError));
                throw rateLimited(retryAfterSeconds(error));
              }
            },
            async willSendResponse({ response }) {
              if (!charge) return;
              // A client pays the larger of the estimate and what the response held: the estimate
              // assumes every page full and every unpaginated list at its bound (gateway/limits.ts),
              // and a list longer than its bound (a tree deeper than assumed) is charged after the
              // fact. The response has been produced by then, so it is never refused for it; the
              // budget the next operations see is smaller.
              const data = response.body.kind === 'single' ? response.body.singleResult.data : undefined;
              const used = Math.max(1, resultCost(data));
              const settled = used > charge.points ? cost.penalty(charge.key, used - charge.points) : giveBack({ ...charge, points: charge.points - used });
              await settled.catch((error: unknown) => logWarning('rate limit: could not settle an operation\'s cost', error));
            },
          };
        },
      };
    },

    async close() {
      if (redis) await redis.quit().catch(() => redis!.disconnect());
    },
  };
}
