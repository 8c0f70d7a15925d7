/**
 * The gateway keeps connections to the subgraphs open between requests. A subgraph's server
 * closes a connection idle for its keep-alive timeout; a request the gateway writes on that
 * connection at that moment is reset (ECONNRESET, "socket hang up") and reaches the client
 * as INTERNAL_SERVER_ERROR. That happened after any query slow enough to keep the gateway's
 * event loop busy past Node's default 5 s, with the gateway's pool keeping idle sockets forever.
 */
import dc from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { describe, expect } from 'vitest';
import { it } from '../harness/fixtures.js';

const SMALL = `{ organizations(first: 5) { totalCount edges { node { id permissions { action allowed } } } } }`;

/** Busy, like a gateway assembling a large answer: no timer and no socket event runs meanwhile. */
function blockEventLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // spin
  }
}

describe('connections between the gateway and the subgraphs', () => {
  it('survive a busy gateway: sockets idle past the old 5 s keep-alive are reused without a reset', async ({ stack, admin }) => {
    const ports = new Set(Object.values(stack.stack.subgraphs).map((s) => String(s.port)));
    // Fill the gateway's pool with a socket per concurrent request to organizations and access.
    const warm = await Promise.all(Array.from({ length: 16 }, () => admin.gql(SMALL)));
    expect(warm.flatMap((r) => r.errors ?? [])).toEqual([]);
    const idleSince = Date.now();

    // The next request the gateway sends a subgraph finds its event loop busy until every
    // pooled socket has sat idle past Node's default keep-alive timeout (5 s, closed at 6 s).
    let armed = true;
    const channel = dc.channel('http.client.request.start');
    const onRequest = (message: unknown) => {
      const { request } = message as { request: ClientRequest };
      const port = String(request.getHeader('host') ?? '').split(':')[1];
      if (!armed || !ports.has(port ?? '')) return;
      armed = false;
      blockEventLoop(Math.max(0, idleSince + 7_000 - Date.now()));
    };
    channel.subscribe(onRequest);
    try {
      const results = await Promise.all(Array.from({ length: 32 }, () => admin.gql(SMALL)));
      expect(armed).toBe(false);
      expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
    } finally {
      channel.unsubscribe(onRequest);
    }
  });
});
