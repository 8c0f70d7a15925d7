import { describe, expect, it } from 'vitest';
import { useTestStack, unique } from '../harness/stack.js';

const stack = useTestStack();

describe('a first session', () => {
  it('issues a token to the bootstrap admin, who creates and reads a tree', async () => {
    const admin = await stack.admin();
    const root = await stack.createOrganization(unique('Acme'));
    const child = await stack.createOrganization('Europe', root.id);
    const data = await admin.ok(`query($id: ID!) { organization(id: $id) { name depth children { totalCount edges { node { id label depth parent { id } } } } } }`, {
      id: root.id,
    });
    expect(data.organization.depth).toBe(0);
    expect(data.organization.children.totalCount).toBe(1);
    expect(data.organization.children.edges[0].node).toEqual({ id: child.id, label: 'europe', depth: 1, parent: { id: root.id } });
  });

  it('answers UNAUTHENTICATED without a token', async () => {
    const result = await stack.anonymous.gql(`{ organizations { totalCount } }`);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('echoes a request id, the caller\'s own when it sends a well-formed one', async () => {
    const mine = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-1234567890' },
      body: JSON.stringify({ query: '{ roles { key } }' }),
    });
    expect(mine.headers.get('x-request-id')).toBe('trace-1234567890');
    const generated = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'bad id with spaces' },
      body: JSON.stringify({ query: '{ roles { key } }' }),
    });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
