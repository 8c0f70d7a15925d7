import { describe, expect } from 'vitest';
import { it } from '../harness/fixtures.js';
import type { TestStack } from '../harness/stack.js';

describe('malformed requests never take a process down', () => {
  const targets = (stack: TestStack) => ({
    gateway: stack.url,
    organizations: stack.stack.subgraphs.organizations.url,
    identities: stack.stack.subgraphs.identities.url,
    access: stack.stack.subgraphs.access.url,
  });

  it.for([
    ['invalid JSON', { 'content-type': 'application/json' }, '{"query": '],
    ['a JSON array', { 'content-type': 'application/json' }, '[1,2,3]'],
    ['a number', { 'content-type': 'application/json' }, '42'],
    ['query not a string', { 'content-type': 'application/json' }, '{"query": {"a": 1}}'],
    ['variables not an object', { 'content-type': 'application/json' }, '{"query": "{ roles { key } }", "variables": "x"}'],
    ['form data', { 'content-type': 'application/x-www-form-urlencoded' }, 'query=%7B%7D'],
    ['a syntax error', { 'content-type': 'application/json' }, '{"query": "{ organizations { "}'],
    ['an unknown field', { 'content-type': 'application/json' }, '{"query": "{ nothing }"}'],
    ['a malformed Authorization header', { 'content-type': 'application/json', authorization: 'Bearer a b c' }, '{"query": "{ roles { key } }"}'],
    ['a Basic Authorization header', { 'content-type': 'application/json', authorization: 'Basic Zm9vOmJhcg==' }, '{"query": "{ roles { key } }"}'],
  ] as const)('%s gets a 4xx and the servers keep answering', async ([_name, headers, body], { stack }) => {
    for (const [name, url] of Object.entries(targets(stack))) {
      const response = await fetch(`${url}/graphql`, { method: 'POST', headers, body });
      expect(response.status, name).toBeGreaterThanOrEqual(400);
      expect(response.status, name).toBeLessThan(500);
    }
    for (const [name, url] of Object.entries(targets(stack))) {
      expect((await fetch(`${url}/healthz`)).status, name).toBe(200);
    }
  });

  it('a body over 1 MiB is refused with 413', async ({ stack }) => {
    const response = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ roles { key } }`, variables: { pad: 'x'.repeat(1_100_000) } }),
    });
    expect(response.status).toBe(413);
    expect((await fetch(`${stack.url}/healthz`)).status).toBe(200);
  });

  it('unknown paths answer 404', async ({ stack }) => {
    expect((await fetch(`${stack.url}/nope`)).status).toBe(404);
    expect((await fetch(`${stack.stack.subgraphs.identities.url}/nope`)).status).toBe(404);
  });

  it('readiness reports every subgraph', async ({ stack }) => {
    const response = await fetch(`${stack.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', subgraphs: { organizations: 'ok', identities: 'ok', access: 'ok' } });
  });
});
