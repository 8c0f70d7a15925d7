/**
 * A token the gateway accepted can expire before a subgraph checks it. The client then gets
 * what the gateway itself would have answered a moment later: HTTP 401 and one
 * UNAUTHENTICATED error, not one "401: Unauthorized" per field naming the subgraph's URL.
 */
import dc from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { decodeJwt } from 'jose';
import { describe, expect } from 'vitest';
import { test } from '../harness/fixtures.js';
import type { TestStack } from '../harness/stack.js';

const it = test.override('stackOptions', { scope: 'file' }, { tokenTtlSeconds: 2 });

/** A token of the bootstrap admin with most of its two seconds still ahead. */
async function freshToken(stack: TestStack): Promise<{ token: string; exp: number }> {
  for (;;) {
    const { token } = await stack.admin();
    const exp = decodeJwt(token!).exp!;
    if (exp * 1000 - Date.now() > 1_000) return { token: token!, exp };
  }
}

/**
 * Runs `send` with the event loop held, as soon as the gateway sends its first subgraph
 * request (after its own check of the token), until the token has expired.
 */
async function expiringOnTheWay<T>(stack: TestStack, exp: number, send: () => Promise<T>): Promise<T> {
  const ports = new Set(Object.values(stack.stack.subgraphs).map((s) => String(s.port)));
  let armed = true;
  const channel = dc.channel('http.client.request.start');
  const onRequest = (message: unknown) => {
    const port = String((message as { request: ClientRequest }).request.getHeader('host') ?? '').split(':')[1] ?? '';
    if (!armed || !ports.has(port)) return;
    armed = false;
    // jose counts a token expired from its `exp` second on.
    while (Date.now() < exp * 1000) {
      // spin
    }
  };
  channel.subscribe(onRequest);
  try {
    const result = await send();
    expect(armed, 'the gateway never called a subgraph').toBe(false);
    return result;
  } finally {
    channel.unsubscribe(onRequest);
  }
}

describe('a token that expires between the gateway and a subgraph', () => {
  it('answers one UNAUTHENTICATED error with HTTP 401, and nothing about the subgraphs', async ({ stack }) => {
    const { token, exp } = await freshToken(stack);
    const response = await expiringOnTheWay(stack, exp, () =>
      fetch(`${stack.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        // Fields of two subgraphs, fetched in parallel: both refuse the token.
        body: JSON.stringify({ query: `{ organizations { totalCount } roles { key } }` }),
      }),
    );
    const text = await response.text();
    expect(response.status, text).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('invalid_token');
    expect(JSON.parse(text)).toEqual({ errors: [{ message: 'Access token expired', extensions: { code: 'UNAUTHENTICATED' } }] });
    for (const subgraph of Object.values(stack.stack.subgraphs)) expect(text).not.toContain(String(subgraph.port));
    expect(text).not.toMatch(/serviceName|response|http:|stack/i);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
