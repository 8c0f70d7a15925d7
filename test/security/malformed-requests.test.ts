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

describe('operations the gateway cannot run are the client\'s error, said plainly', () => {
  const post = async (url: string, body: unknown) => {
    const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };
  };

  it('an operationName the document does not define, or none for several operations: 400 saying which', async ({ stack }) => {
    for (const [body, message] of [
      [{ query: 'query A { __typename } query B { __typename }', operationName: 'C' }, 'Unknown operation named "C"'],
      [{ query: 'query A { __typename }', operationName: 'B' }, 'Unknown operation named "B"'],
      [{ query: 'query A { __typename } query B { __typename }' }, 'Must provide operationName when the query contains several operations'],
    ] as const) {
      const response = await post(stack.url, body);
      expect(response.status, message).toBe(400);
      expect(response.body.data, message).toBeUndefined();
      expect(response.body.errors, message).toEqual([{ message, extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } }]);
    }
    expect((await post(stack.url, { query: 'query A { __typename } query B { __typename }', operationName: 'B' })).body).toEqual({ data: { __typename: 'Query' } });
  });

  it('an automatic persisted query whose hash does not match its query, or of another version: 400 saying so', async ({ stack }) => {
    const mismatch = await post(stack.url, { query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.errors).toHaveLength(1);
    expect(mismatch.body.errors![0]!.extensions?.code).toBe('BAD_REQUEST');
    expect(mismatch.body.errors![0]!.message).toMatch(/sha256Hash does not match the query/);
    const version = await post(stack.url, { query: '{ __typename }', extensions: { persistedQuery: { version: 2, sha256Hash: 'a'.repeat(64) } } });
    expect(version.status).toBe(400);
    expect(version.body.errors![0]!.extensions?.code).toBe('BAD_REQUEST');
    expect(version.body.errors![0]!.message).toMatch(/version/);
  });
});
