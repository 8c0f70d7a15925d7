/**
 * Issue 9: `children` nested five levels over about 1,000 organizations, through the gateway,
 * against one hand-written recursive CTE returning the same rows (id, name, parent, depth, in
 * order) through `pg` on a connection of its own. Target: gateway <= 5x the SQL.
 *
 * The tree (5 + 25 + 75 + 225 + 675 = 1,005 organizations under a fresh root made through the
 * API) is inserted with SQL as createOrganization writes its rows (see seed.ts).
 */
import pg from 'pg';
import { newId } from '../../subgraphs/common/ids.js';
import { alternatingPairs, benchOnce, createOrganization, gql, latency, onEachDatabase, progress, type StackProcess } from './harness.js';
import { insertOrganizations, organizationRow, type SeededOrganization } from './seed.js';

/** Children per organization at each level below the root. */
const BRANCHING = [5, 5, 3, 3, 3];
const LEVELS = BRANCHING.length;
const PAGE = 10;

/** Inserts the tree under `root`, one statement per level, in one transaction; returns how many rows. */
async function seedTree(client: pg.Client, root: { id: string }): Promise<number> {
  let level: SeededOrganization[] = [{ id: root.id, parentId: null, path: [], depth: 0, name: '', label: '' }];
  let total = 0;
  await client.query('begin');
  try {
    for (const branching of BRANCHING) {
      const rows = level.flatMap((parent) => Array.from({ length: branching }, (_, i) => organizationRow(`${parent.name ? `${parent.name}.` : 'Unit '}${i + 1}`, parent)));
      await insertOrganizations(client, rows);
      total += rows.length;
      level = rows;
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
  return total;
}

/** organization(id) { id name children { edges { node { id name children { ... } } } } }, LEVELS deep. */
function nestedQuery(levels: number): string {
  let inner = 'id name';
  for (let i = 0; i < levels; i++) inner = `id name children(first: ${PAGE}) { edges { node { ${inner} } } }`;
  return `query($id: ID!) { organization(id: $id) { ${inner} } }`;
}

/** The same rows in one statement: the root and five levels below it, depth-first in the API's order (label, byte-wise). */
const TREE_SQL = `
  with recursive tree as (
    select id, name, parent_id, 0 as depth, array[label::text] as sort
      from organizations.organization
     where id = $1
    union all
    select o.id, o.name, o.parent_id, tree.depth + 1, tree.sort || (o.label::text)
      from tree
      join organizations.organization o on o.parent_id = tree.id
     where tree.depth < ${LEVELS}
  )
  select id, name, parent_id, depth from tree order by sort collate "C"`;

interface Node {
  id: string;
  name: string;
  children?: { edges: { node: Node }[] };
}

function flatten(node: Node, into: string[] = []): string[] {
  into.push(node.id);
  for (const edge of node.children?.edges ?? []) flatten(edge.node, into);
  return into;
}

async function measure(stack: StackProcess): Promise<void> {
  const root = await createOrganization(stack, `Bench tree ${newId().slice(-8)}`);
  const client = new pg.Client({ connectionString: stack.databaseUrl });
  await client.connect();
  try {
    const seeded = await seedTree(client, root);
    progress(`seeded ${seeded} organizations five levels deep under ${root.id}`);
    const token = await stack.adminToken();
    const query = nestedQuery(LEVELS);
    const viaGateway = () => gql<{ organization: Node }>(stack.url, query, { id: root.id }, { authorization: `Bearer ${token}` });
    const viaSql = () => client.query<{ id: string }>(TREE_SQL, [root.id]);

    const graph = flatten((await viaGateway()).organization);
    const rows = (await viaSql()).rows.map((row) => row.id);
    if (graph.length !== seeded + 1 || rows.length !== graph.length || JSON.stringify(rows) !== JSON.stringify(graph)) {
      throw new Error(`the gateway returned ${graph.length} organizations, the SQL ${rows.length}, seeded ${seeded + 1} (root included), or in another order`);
    }
    await alternatingPairs({
      title: `nested children: 5 levels, ${seeded.toLocaleString('en-US')} organizations under a root`,
      database: stack.database.label,
      a: { name: 'GraphQL through the gateway', ...latency(viaGateway, { requests: 15, warmup: 5 }) },
      b: { name: 'recursive CTE (pg)', ...latency(viaSql, { requests: 15, warmup: 5 }) },
      unit: 'ms',
      ratioLabel: 'gateway ÷ SQL',
      target: { on: 'ratio', max: 5 },
      notes: ['SQL: one recursive CTE, same rows (id, name, parent_id, depth) in the same order, on its own connection'],
    });
  } finally {
    await client.end();
  }
}

benchOnce('nested children: five levels over 1,000 organizations vs one recursive CTE', () => onEachDatabase(measure));
