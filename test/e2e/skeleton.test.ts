import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, unique, type TestStack } from '../harness/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

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
});
