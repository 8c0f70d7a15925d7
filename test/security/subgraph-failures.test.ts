/**
 * A subgraph that is down, answers 500 or does not answer at all: the client gets a generic
 * INTERNAL_SERVER_ERROR (promptly, for the one that hangs) that names no subgraph, URL or
 * response body; the log keeps all of that under the request id the client was given.
 */
import { createServer, type Server } from 'node:http';
import { describe, expect, vi } from 'vitest';
import { startGateway, type RunningGateway } from '../../gateway/server.js';
import { close, listen } from '../../lib/http.js';
import { freePort } from '../../all-in-one/stack.js';
import { test } from '../harness/fixtures.js';

const LEAKY_BODY = 'relation "access.role" does not exist at /srv/app/subgraphs/access/role.ts:42 SELECT secret FROM x';

interface Fakes {
  gateway: RunningGateway;
  /** Subgraph URLs that must never reach a client. */
  urls: string[];
}

const it = test.extend('fakes', { scope: 'file' }, async ({ stack }, { onCleanup }): Promise<Fakes> => {
  // access answers 500 with a body full of internals; identities accepts and never answers; organizations is down.
  const failing = createServer((_req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(LEAKY_BODY);
  });
  const hanging: Server = createServer(() => undefined);
  const failingPort = await listen(failing, 0, '127.0.0.1');
  const hangingPort = await listen(hanging, 0, '127.0.0.1');
  const downPort = await freePort();
  const subgraphs = {
    access: `http://127.0.0.1:${failingPort}`,
    identities: `http://127.0.0.1:${hangingPort}`,
    organizations: `http://127.0.0.1:${downPort}`,
  };
  const gateway = await startGateway({
    port: 0,
    issuer: stack.stack.issuer,
    audience: `${stack.stack.issuer}/graphql`,
    jwksUrl: `${stack.stack.subgraphs.identities.url}/.well-known/jwks.json`,
    internalSecret: stack.stack.internalSecret,
    subgraphs,
    subgraphTimeoutMs: 300,
  });
  onCleanup(async () => {
    await gateway.stop();
    await close(failing);
    await close(hanging);
  });
  return { gateway, urls: Object.values(subgraphs) };
});

describe('a failing subgraph', () => {
  it.for([
    ['down', `{ organizations { totalCount } }`],
    ['answering 500', `{ roles { key } }`],
    ['not answering within SUBGRAPH_TIMEOUT_MS', `query($id: ID!) { serviceAccount(id: $id) { id } }`],
  ] as const)('%s: a generic error without URL, serviceName or body, the detail logged under the request id', async ([, query], { stack, admin, fakes }) => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const started = Date.now();
      const response = await fetch(`${fakes.gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
        body: JSON.stringify({ query, variables: { id: stack.stack.bootstrap.serviceAccountId } }),
      });
      expect(Date.now() - started).toBeLessThan(5_000);
      const text = await response.text();
      const body = JSON.parse(text) as { errors?: { message: string; extensions?: Record<string, unknown> }[] };
      expect(body.errors?.length, text).toBe(1);
      expect(body.errors![0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expect(Object.keys(body.errors![0]!.extensions!)).toEqual(['code']);
      for (const url of fakes.urls) expect(text).not.toContain(new URL(url).port);
      expect(text).not.toMatch(/127\.0\.0\.1|serviceName|relation|SELECT|\.ts:|stack|access|identities/i);

      const requestId = response.headers.get('x-request-id')!;
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      const lines = logged.mock.calls.map((args) => args.map((a) => (a instanceof Error ? `${a.message} ${String((a as { code?: string }).code)}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
      const about = lines.filter((line) => line.includes(requestId));
      expect(about.length, lines.join('\n')).toBeGreaterThan(0);
      expect(about.join('\n')).toMatch(/subgraph (organizations|access|identities) \(http:\/\/127\.0\.0\.1:\d+\/graphql\)/);
    } finally {
      logged.mockRestore();
    }
  });

  it('logs the body a subgraph answered with its 500, which the client never sees, beside the client\'s own request id', async ({ admin, fakes }) => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const response = await fetch(`${fakes.gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}`, 'x-request-id': 'client-trace-42' },
        body: JSON.stringify({ query: `{ roles { key } }` }),
      });
      expect(await response.text()).not.toContain('relation');
      expect(response.headers.get('x-request-id')).not.toBe('client-trace-42');
      const requestId = response.headers.get('x-request-id')!;
      const call = logged.mock.calls.find((args) => String(args[0]).includes(requestId));
      expect(call?.join(' ')).toContain('HTTP 500');
      expect(call?.join(' ')).toContain(LEAKY_BODY);
      expect(call?.join(' ')).toContain('client request client-trace-42');
    } finally {
      logged.mockRestore();
    }
  });
});
