import { describe, expect } from 'vitest';
import { it, unique } from '../harness/fixtures.js';

describe('a first session', () => {
  it('issues a token to the bootstrap admin, who creates and reads a tree', async ({ stack, admin }) => {
    const root = await stack.createOrganization(unique('Acme'));
    const child = await stack.createOrganization('Europe', root.id);
    const data = await admin.ok(`query($id: ID!) { organization(id: $id) { name depth children { totalCount edges { node { id label depth parent { id } } } } } }`, {
      id: root.id,
    });
    expect(data.organization.depth).toBe(0);
    expect(data.organization.children.totalCount).toBe(1);
    expect(data.organization.children.edges[0].node).toEqual({ id: child.id, label: 'europe', depth: 1, parent: { id: root.id } });
  });

  it('answers UNAUTHENTICATED without a token', async ({ stack }) => {
    const result = await stack.anonymous.gql(`{ organizations { totalCount } }`);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('echoes a request id of its own, never the one the caller sent', async ({ stack }) => {
    for (const sent of ['trace-1234567890', 'bad id with spaces']) {
      const response = await fetch(`${stack.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': sent },
        body: JSON.stringify({ query: '{ roles { key } }' }),
      });
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });
});
