/**
 * `npm run bench`: what the gateway costs on top of a subgraph, side by side in one run.
 * The same query (an organization with its children and their permissions, all answered by
 * organizations and access) straight to the organizations subgraph, and through the gateway.
 */
import { afterAll, bench, describe, inject } from 'vitest';
import { INTERNAL_HEADER } from '../../lib/auth/internal.js';
import { startTestStack, type TestStack } from '../harness/stack.js';

const stack: TestStack = await startTestStack();
const admin = await stack.admin();
const root = await stack.createOrganization(`Bench ${Date.now()}`);
for (let i = 0; i < 20; i++) await stack.createOrganization(`Child ${i}`, root.id);
afterAll(() => stack.stop());

const query = JSON.stringify({
  query: `query($id: ID!) { organization(id: $id) { id name children(first: 20) { totalCount edges { node { id name label depth } } } } }`,
  variables: { id: root.id },
});

async function post(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}`, ...headers },
    body: query,
  });
  const body = (await response.json()) as { errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
}

describe('one query: organization with 20 children', () => {
  bench('organizations subgraph directly', () => post(stack.stack.subgraphs.organizations.url, { [INTERNAL_HEADER]: stack.stack.internalSecret }), {
    time: 3000,
    warmupIterations: 20,
  });
  bench('through the gateway', () => post(stack.url), { time: 3000, warmupIterations: 20 });
});

describe('token issuance (ES256 signing, client secret check, lastUsedAt update)', () => {
  const basic = { id: inject('bootstrapClientId'), secret: inject('bootstrapClientSecret') };
  bench('client_credentials straight to identities', async () => {
    const response = await fetch(`${stack.stack.subgraphs.identities.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${basic.id}:${basic.secret}`).toString('base64')}` },
      body: 'grant_type=client_credentials',
    });
    if (response.status !== 200) throw new Error(`token: ${response.status}`);
    await response.arrayBuffer();
  }, { time: 2000, warmupIterations: 10 });
  bench('client_credentials through the gateway proxy', async () => {
    const response = await stack.requestToken({ grant_type: 'client_credentials' }, basic);
    if (response.status !== 200) throw new Error(`token: ${response.status}`);
  }, { time: 2000, warmupIterations: 10 });
});
