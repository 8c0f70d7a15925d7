/**
 * Throttling at the gateway, in both stores: failed client authentication at POST /oauth/token
 * per client id and per source address, GraphQL operations per principal by cost. Each test
 * starts a gateway of its own in front of the file's subgraphs with the limits it needs, so
 * its counters start empty (in Redis under a prefix of its own).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect } from 'vitest';
import type { RateLimitOptions } from '../../gateway/rate-limit.js';
import { test, unique } from '../harness/fixtures.js';
import { Client, type TokenResponse } from '../harness/stack.js';

const GRANT = { grant_type: 'client_credentials' };
/** Far above what a test reaches, so that only the limit under test can refuse. */
const UNLIMITED = 1_000_000;

const STORES: { store: string; redisUrl?: string }[] = [{ store: 'memory' }, { store: 'redis', redisUrl: 'redis://127.0.0.1:6379' }];
/** The gateway proxies /oauth/token to identities, or (all-in-one) calls identities' endpoint in its own process: throttled alike. */
const ROUTES = [{ route: 'proxied', inProcess: false }, { route: 'in process', inProcess: true }];
const SETUPS = STORES.flatMap((store) => ROUTES.map((route) => ({ ...store, ...route })));

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
/** Every character percent-encoded, as RFC 6749 §2.3.1 permits (a form-urlencoding reader decodes it to the same credential). */
const percentEncoded = (text: string) => [...Buffer.from(text)].map((byte) => `%${byte.toString(16).padStart(2, '0').toUpperCase()}`).join('');
/** Base64 with a '.' inside: Node's decoder skips it, a lenient parser (the OAuth library's) reads the same credential. */
const dotted = (id: string, secret: string) => {
  const encoded = Buffer.from(`${id}:${secret}`).toString('base64');
  return `Basic ${encoded.slice(0, 4)}.${encoded.slice(4)}`;
};

async function tokenRequest(url: string, form: Record<string, string>, authorization?: string): Promise<TokenResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (authorization) headers.authorization = authorization;
  const response = await fetch(`${url}/oauth/token`, { method: 'POST', headers, body: new URLSearchParams(form) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

function expectThrottled(response: TokenResponse): number {
  expect(response.status).toBe(429);
  expect(response.body.error).toBe('slow_down');
  expect(typeof response.body.error_description).toBe('string');
  expect(response.body).not.toHaveProperty('access_token');
  expect(response.headers.get('cache-control')).toBe('no-store');
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
  return retryAfter;
}

function count(responses: { status: number }[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of responses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

describe.each(SETUPS)('throttling ($store, token endpoint $route)', ({ redisUrl, inProcess }) => {
  const it = test
    /** `throttled(limits)`: the URL of a gateway of this test's own, its counters empty (in Redis under a prefix of its own). */
    .extend('throttled', ({ gateway, stack }) => (limits: Partial<RateLimitOptions>): Promise<string> =>
      gateway({
        tokenEndpoint: inProcess ? stack.stack.subgraphs.identities.tokenEndpoint : undefined,
        rateLimits: {
          tokenFailuresPerClient: UNLIMITED,
          tokenFailuresPerAddress: UNLIMITED,
          costPerWindow: UNLIMITED,
          keyPrefix: `test-${randomUUID()}`,
          ...limits,
          redisUrl,
        },
      }),
    )
    /** `credential()`: a fresh service account's client id and secret. */
    .extend('credential', ({ stack, principal }) => async () => {
      const org = await stack.createOrganization(unique('Throttling'));
      return principal(org.id, 'org_viewer');
    });

  it('lets exactly the limit of 50 parallel wrong guesses for one client through, then refuses even its right secret', async ({ throttled, credential }) => {
    const url = await throttled({ tokenFailuresPerClient: 10, tokenWindowSeconds: 600 });
    const { clientId, clientSecret } = await credential();
    const guesses = await Promise.all(Array.from({ length: 50 }, (_, i) => tokenRequest(url, GRANT, basic(clientId, `wrong-${i}`))));
    expect(count(guesses)).toEqual({ 401: 10, 429: 40 });
    for (const guess of guesses) {
      if (guess.status === 401) expect(guess.body.error).toBe('invalid_client');
      else expectThrottled(guess);
    }
    // Credentials in the body name the client as well as Basic does.
    expectThrottled(await tokenRequest(url, { ...GRANT, client_id: clientId, client_secret: clientSecret }));
    expectThrottled(await tokenRequest(url, GRANT, basic(clientId, clientSecret)));
  });

  it('counts failures per source address across client ids, and refuses another client there', async ({ throttled, credential }) => {
    const url = await throttled({ tokenFailuresPerAddress: 10, tokenWindowSeconds: 600 });
    const guesses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 2 ? tokenRequest(url, GRANT, basic(`guess-${randomUUID()}`, 'wrong')) : tokenRequest(url, { ...GRANT, client_id: `guess-${randomUUID()}`, client_secret: 'wrong' }),
      ),
    );
    // invalid_client is 401 after Basic and 400 after body credentials (RFC 6749 §5.2): ten of them in all.
    expect(guesses.filter((guess) => guess.body.error === 'invalid_client')).toHaveLength(10);
    expect(guesses.filter((guess) => guess.status === 429)).toHaveLength(40);
    const { clientId, clientSecret } = await credential();
    expectThrottled(await tokenRequest(url, GRANT, basic(clientId, clientSecret)));
  });

  it('refuses Basic credentials that are not exact base64 and counts them against the address', async ({ throttled, credential }) => {
    const url = await throttled({ tokenFailuresPerAddress: 3, tokenWindowSeconds: 600 });
    const { clientId, clientSecret } = await credential();
    for (const authorization of [dotted(clientId, clientSecret), `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64url')}~`, 'Basic !!!']) {
      const refused = await tokenRequest(url, GRANT, authorization);
      expect(refused.status, authorization).toBe(400);
      expect(refused.body.error, authorization).toBe('invalid_request');
      expect(refused.body, authorization).not.toHaveProperty('access_token');
    }
    // The three refusals used up the address's budget: even the right secret, well spelt, waits now.
    expectThrottled(await tokenRequest(url, GRANT, dotted(clientId, clientSecret)));
    expectThrottled(await tokenRequest(url, GRANT, basic(clientId, clientSecret)));
  });

  it('refuses the right secret in every spelling once its client is over the limit', async ({ throttled, credential }) => {
    const url = await throttled({ tokenFailuresPerClient: 3, tokenWindowSeconds: 600 });
    const { clientId, clientSecret } = await credential();
    for (let i = 0; i < 3; i++) expect((await tokenRequest(url, GRANT, basic(clientId, 'wrong'))).status).toBe(401);
    const unpadded = Buffer.from(`${clientId}:${clientSecret}`).toString('base64').replace(/=+$/, '');
    for (const authorization of [
      basic(clientId, clientSecret),
      basic(percentEncoded(clientId), percentEncoded(clientSecret)),
      `basic   ${unpadded}  `,
      `BASIC ${unpadded}`,
    ]) {
      expectThrottled(await tokenRequest(url, GRANT, authorization));
    }
    expectThrottled(await tokenRequest(url, { ...GRANT, client_id: clientId, client_secret: clientSecret }));
    // A spelling the gateway cannot count is no way around the limit: it is refused outright.
    const dottedAnswer = await tokenRequest(url, GRANT, dotted(clientId, clientSecret));
    expect(dottedAnswer.status).toBe(400);
    expect(dottedAnswer.body).not.toHaveProperty('access_token');
  });

  it('refuses an over-long client id before counting it, and keys counters on a fixed-length digest', async ({ throttled, credential }) => {
    const keyPrefix = `test-${randomUUID()}`;
    const url = await throttled({ keyPrefix, tokenFailuresPerClient: 3, tokenWindowSeconds: 600 });
    const long = 'x'.repeat(257);
    // grant_type=nope is refused by identities for another reason than client authentication:
    // without the check at the gateway it would be forwarded, counted under a 257-character key, and refunded.
    for (const [context, response] of [
      ['body', await tokenRequest(url, { grant_type: 'nope', client_id: long })],
      ['Basic', await tokenRequest(url, { grant_type: 'nope' }, basic(long, 'secret'))],
    ] as const) {
      expect(response.status, context).toBe(400);
      expect(response.body.error, context).toBe('invalid_request');
      expect(response.body.error_description, context).toMatch(/client_id is longer than 256 characters/);
    }
    if (redisUrl) {
      const redis = new Redis(redisUrl);
      try {
        expect(await redis.keys(`${keyPrefix}:token-failures-client:*`)).toEqual([]);
        expect((await tokenRequest(url, { grant_type: 'nope', client_id: 'y'.repeat(256) })).body.error).toBe('unsupported_grant_type');
        const keys = await redis.keys(`${keyPrefix}:token-failures-client:*`);
        expect(keys).toHaveLength(1);
        expect(keys[0]!.length).toBeLessThan(`${keyPrefix}:token-failures-client:`.length + 64);
      } finally {
        redis.disconnect();
      }
    }
    // A client id at the limit is still a client id: its failures are counted.
    const { clientSecret } = await credential();
    for (let i = 0; i < 3; i++) expect((await tokenRequest(url, GRANT, basic('z'.repeat(256), clientSecret))).status).toBe(401);
    expectThrottled(await tokenRequest(url, GRANT, basic('z'.repeat(256), clientSecret)));
  });

  it('counts only failed client authentication: tokens issued and other refusals cost nothing', async ({ throttled, credential }) => {
    const url = await throttled({ tokenFailuresPerClient: 2, tokenFailuresPerAddress: 2, tokenWindowSeconds: 600 });
    const { clientId, clientSecret } = await credential();
    for (let i = 0; i < 5; i++) expect((await tokenRequest(url, GRANT, basic(clientId, clientSecret))).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await tokenRequest(url, { ...GRANT, scope: 'admin' }, basic(clientId, clientSecret))).body.error).toBe('invalid_scope');
    for (let i = 0; i < 5; i++) expect((await tokenRequest(url, { grant_type: 'password' }, basic(clientId, clientSecret))).body.error).toBe('unsupported_grant_type');
    expect((await tokenRequest(url, GRANT, basic(clientId, 'wrong'))).status).toBe(401);
    expect((await tokenRequest(url, GRANT, basic(clientId, clientSecret))).status).toBe(200);
    expect((await tokenRequest(url, GRANT, basic(clientId, 'wrong'))).status).toBe(401);
    expectThrottled(await tokenRequest(url, GRANT, basic(clientId, clientSecret)));
  });

  it('makes the right secret wait like everyone else until the window passes', async ({ throttled, credential }) => {
    const url = await throttled({ tokenFailuresPerClient: 3, tokenWindowSeconds: 2 });
    const { clientId, clientSecret } = await credential();
    for (let i = 0; i < 3; i++) expect((await tokenRequest(url, GRANT, basic(clientId, 'wrong'))).status).toBe(401);
    const retryAfter = expectThrottled(await tokenRequest(url, GRANT, basic(clientId, clientSecret)));
    expect(retryAfter).toBeLessThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 250));
    expect((await tokenRequest(url, GRANT, basic(clientId, clientSecret))).status).toBe(200);
  });

  it('charges GraphQL operations to their principal: 429 with RATE_LIMITED and Retry-After once the budget is spent', async ({ throttled, credential }) => {
    const url = await throttled({ costPerWindow: 5, costWindowSeconds: 600 });
    const [first, second] = [await credential(), await credential()];
    const token = async (p: { clientId: string; clientSecret: string }) => {
      const response = await tokenRequest(url, GRANT, basic(p.clientId, p.clientSecret));
      return response.body.access_token as string;
    };
    const spender = new Client(url, await token(first));
    // In parallel, so the count is atomic: exactly the budget (each of these operations costs 1) passes.
    const results = await Promise.all(Array.from({ length: 20 }, () => spender.gql('{ __typename }')));
    expect(count(results)).toEqual({ 200: 5, 429: 15 });
    const refused = results.find((r) => r.status === 429)!;
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors![0]!.extensions?.code).toBe('RATE_LIMITED');
    expect(refused.data).toBeUndefined();

    const raw = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${spender.token}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    // Another principal has a budget of its own.
    expect((await new Client(url, await token(second)).gql('{ __typename }')).status).toBe(200);
  });

  it('charges the estimated cost up front and gives back what the response did not use', async ({ throttled, credential }) => {
    const url = await throttled({ costPerWindow: 1000, costWindowSeconds: 600 });
    const { clientId, clientSecret } = await credential();
    const client = new Client(url, (await tokenRequest(url, GRANT, basic(clientId, clientSecret))).body.access_token as string);
    // Priced 301 (a full page of 100), it returns the one organization the principal sees (4 field values):
    // without the refund the fourth would be refused.
    const page = '{ organizations(first: 100) { edges { node { id } } } }';
    for (let i = 0; i < 10; i++) expect((await client.gql(page)).data.organizations.edges).toHaveLength(1);
    // An operation priced over the whole budget is never affordable.
    const over = await client.gql('{ organizations(first: 100) { edges { node { id children(first: 10) { totalCount } } } } }');
    expect(over.status).toBe(429);
    expect(over.errors![0]!.extensions?.code).toBe('RATE_LIMITED');
  });

  it('charges anonymous GraphQL operations to the source address', async ({ throttled }) => {
    const url = await throttled({ costPerWindow: 3, costWindowSeconds: 600 });
    const anonymous = new Client(url);
    const results = await Promise.all(Array.from({ length: 10 }, () => anonymous.gql('{ __typename }')));
    expect(count(results)).toEqual({ 200: 3, 429: 7 });
    expect(results.find((r) => r.status === 429)!.errors![0]!.extensions?.code).toBe('RATE_LIMITED');
  });
});
