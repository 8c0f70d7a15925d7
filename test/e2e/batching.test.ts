import { describe, expect } from 'vitest';
import { sql } from '../../subgraphs/common/db/orm.js';
import { newId } from '../../subgraphs/common/ids.js';
import { test, unique } from '../harness/fixtures.js';
import type { TestStack } from '../harness/stack.js';

/**
 * Inserts a tree of `count` organizations under a new root, breadth first, `fanOut` children
 * each, at most `levels` levels below the root, in one statement (a fixture, not the API).
 */
async function seedTree(stack: TestStack, count: number, fanOut: number, levels: number): Promise<string> {
  const root = await stack.createOrganization(unique('Batch root'));
  const rows: { id: string; parentId: string; path: string[]; label: string }[] = [];
  let frontier = [{ id: root.id, path: [] as string[] }];
  for (let depth = 1; depth <= levels && rows.length < count; depth++) {
    const next: typeof frontier = [];
    for (const parent of frontier) {
      for (let i = 0; i < fanOut && rows.length < count; i++) {
        const node = { id: newId(), parentId: parent.id, path: [...parent.path, parent.id], label: `n${depth}-${i}` };
        rows.push(node);
        next.push(node);
      }
    }
    frontier = next;
  }
  const em = stack.stack.databases.organizations.orm.em.fork();
  await sql(
    em,
    `insert into organizations.organization (id, parent_id, path, depth, name, label)
     select r.id, r.parent_id, array(select jsonb_array_elements_text(r.path)::uuid), jsonb_array_length(r.path), r.label, r.label
       from jsonb_to_recordset(?::jsonb) as r(id uuid, parent_id uuid, path jsonb, label text)`,
    [JSON.stringify(rows.map((r) => ({ id: r.id, parent_id: r.parentId, path: r.path, label: r.label })))],
  );
  return root.id;
}

// Pages of 10 hold every child (the trees below fan out by at most 4) and keep the query's
// estimated cost (10 per level, multiplied) inside the gateway's default MAX_QUERY_COST.
const NESTED_CHILDREN = `query($id: ID!) {
  organization(id: $id) { id name
    children(first: 10) { totalCount edges { node { id name depth
      children(first: 10) { totalCount edges { node { id name depth
        children(first: 10) { totalCount edges { node { id name depth
          children(first: 10) { totalCount edges { node { id name depth
            children(first: 10) { totalCount edges { node { id name depth parent { id } } } }
          } } }
        } } }
      } } }
    } } }
  }
}`;

function countNodes(connection: { edges: { node: { children?: unknown } }[] }): number {
  return connection.edges.reduce((sum, { node }) => sum + 1 + (node.children ? countNodes(node.children as never) : 0), 0);
}

const it = test
  .extend('seedTree', ({ stack }) => (count: number, fanOut: number, levels: number) => seedTree(stack, count, fanOut, levels))
  /** The data of a query as the platform admin, and how many statements the organizations database ran for it. */
  .extend('statementsFor', ({ stack, admin }) => async (query: string, variables: Record<string, unknown>) => {
    const database = stack.stack.databases.organizations;
    const before = database.statements;
    const data = await admin.ok(query, variables);
    return { data, statements: database.statements - before };
  });

describe('batching', () => {
  it('nested children cost statements per level, not per organization', async ({ seedTree, statementsFor }) => {
    const big = await seedTree(1000, 4, 5);
    const small = await seedTree(5, 1, 5);

    const large = await statementsFor(NESTED_CHILDREN, { id: big });
    const tiny = await statementsFor(NESTED_CHILDREN, { id: small });

    expect(countNodes(large.data.organization.children)).toBe(1000);
    expect(countNodes(tiny.data.organization.children)).toBe(5);
    // One statement per level of `children` plus a constant (the organization, the caller's grants).
    expect(large.statements).toBe(tiny.statements);
    expect(large.statements).toBeLessThanOrEqual(5 + 3);
    console.log(`nested children, 5 levels: ${large.statements} statements for 1,000 organizations, ${tiny.statements} for a chain of 5`);
  });

  it('an organization asked for by id is decided and read in one statement, besides the caller', async ({ admin, seedTree, statementsFor }) => {
    const root = await seedTree(3, 3, 1);
    const { data, statements } = await statementsFor(`query($id: ID!) { organization(id: $id) { id name } }`, { id: root });
    expect(data.organization.id).toBe(root);
    // The caller's record, and the organization's row (which carries the ancestry the decision needs).
    expect(statements).toBe(2);
    const tenant = await admin.ok(`mutation($org: ID!) { createTenant(organizationId: $org, input: { name: "Batch" }) { id } }`, { org: root });
    const asked = await statementsFor(`query($id: ID!) { tenant(id: $id) { id name } }`, { id: tenant.createTenant.id });
    expect(asked.data.tenant.id).toBe(tenant.createTenant.id);
    // The caller's record, the tenant's row, its organization's ancestry.
    expect(asked.statements).toBe(3);
  });

  it('ancestors of any organization is one statement', async ({ admin, seedTree, statementsFor }) => {
    const root = await seedTree(40, 2, 5);
    const leaf = await admin.ok(`query($id: ID!) { organization(id: $id) { descendants(first: 100) { edges { node { id depth } } } } }`, { id: root });
    const deep = leaf.organization.descendants.edges.at(-1).node;
    expect(deep.depth).toBe(5);

    const withoutAncestors = await statementsFor(`query($id: ID!) { organization(id: $id) { id } }`, { id: deep.id });
    const withAncestors = await statementsFor(`query($id: ID!) { organization(id: $id) { id ancestors { id depth name } } }`, { id: deep.id });
    expect(withAncestors.data.organization.ancestors.map((a: { depth: number }) => a.depth)).toEqual([0, 1, 2, 3, 4]);
    expect(withAncestors.statements - withoutAncestors.statements).toBe(1);
  });

  it('permissions of 200 organizations cost the same statements as of 2', async ({ stack, admin, seedTree }) => {
    const wide = await seedTree(200, 200, 1);
    const narrow = await seedTree(2, 2, 1);
    const query = `query($id: ID!) { organization(id: $id) { children(first: 100) { edges { node { id permissions { action allowed } } } } } }`;
    const count = async (id: string) => {
      const before = stack.stack.databases.access.statements + stack.stack.databases.organizations.statements;
      const data = await admin.ok(query, { id });
      return { data, statements: stack.stack.databases.access.statements + stack.stack.databases.organizations.statements - before };
    };
    const many = await count(wide);
    const few = await count(narrow);
    expect(many.data.organization.children.edges).toHaveLength(100);
    expect(many.data.organization.children.edges.every((e: { node: { permissions: { allowed: boolean }[] } }) => e.node.permissions.every((p) => p.allowed))).toBe(true);
    expect(many.statements).toBe(few.statements);
  });
});
