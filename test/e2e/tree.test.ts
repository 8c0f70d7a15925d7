import { describe, expect } from 'vitest';
import { it, unique } from '../harness/fixtures.js';

describe('the tree', () => {
  it('descendants honours maxDepth and refuses a maxDepth below 1', async ({ stack, admin, organization: root }) => {
    const a = await stack.createOrganization('A', root.id);
    const b = await stack.createOrganization('B', a.id);
    await stack.createOrganization('C', b.id);
    const labels = async (maxDepth: number | null) =>
      (await admin.ok(`query($id: ID!, $d: Int) { organization(id: $id) { descendants(maxDepth: $d) { totalCount edges { node { label } } } } }`, { id: root.id, d: maxDepth }))
        .organization.descendants.edges.map((e: { node: { label: string } }) => e.node.label);
    expect(await labels(1)).toEqual(['a']);
    expect(await labels(2)).toEqual(['a', 'b']);
    expect(await labels(null)).toEqual(['a', 'b', 'c']);
    for (const bad of [0, -1]) {
      const result = await admin.gql(`query($id: ID!, $d: Int) { organization(id: $id) { descendants(maxDepth: $d) { totalCount } } }`, { id: root.id, d: bad });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'maxDepth' });
    }
  });

  it('moving an organization changes its inherited grants on the very next request', async ({ stack, admin, principal }) => {
    const west = await stack.createOrganization(unique('West'));
    const east = await stack.createOrganization(unique('East'));
    const branch = await stack.createOrganization('Branch', west.id);
    const westAdmin = await principal(west.id, 'org_admin');
    const eastAdmin = await principal(east.id, 'org_admin');
    const read = (client: typeof westAdmin.client) => client.gql(`query($id: ID!) { organization(id: $id) { id } }`, { id: branch.id });
    expect((await read(westAdmin.client)).errors).toBeUndefined();
    expect((await read(eastAdmin.client)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    await admin.ok(`mutation($id: ID!, $to: ID) { moveOrganization(id: $id, parentId: $to) { id } }`, { id: branch.id, to: east.id });
    expect((await read(westAdmin.client)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await read(eastAdmin.client)).errors).toBeUndefined();
  });
});
