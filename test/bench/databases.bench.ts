/**
 * Issue 9: the embedded PGlite against a PostgreSQL server, on the same mix of requests at 1
 * and 8 concurrent clients. Both stacks run at once (each in its own process, with the same
 * data made through the API), and the load goes to one, then the other, alternately. The mix,
 * taken in turn by every client: the caller (`me`), an organization with its children, the
 * organizations list, the organization's service accounts and permissions, and a
 * client_credentials token request. Target: PostgreSQL <= 2.5x PGlite's requests/s, and no
 * hang: a sample that does not finish in time, or any failed request, fails the table.
 *
 * Needs DATABASE_URL (a server to compare with); without it the bench says so and skips.
 */
import { alternatingPairs, basicAuth, benchDatabases, benchOnce, gql, organizationWithChildren, reportFailure, reportSkipped, startStackProcess, throughput, type LoadRequest, type StackProcess } from './harness.js';

const CLIENTS = [1, 8];
const SECONDS = 5;
const TARGET = 2.5;

async function mixFor(stack: StackProcess): Promise<LoadRequest[]> {
  const organization = await organizationWithChildren(stack, 5);
  const token = await stack.adminToken();
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const queries: [string, Record<string, unknown>][] = [
    [`{ me { principal { ... on ServiceAccount { id name } } platformPermissions } }`, {}],
    [`query($id: ID!) { organization(id: $id) { id name label depth children(first: 10) { totalCount edges { node { id name label } } } } }`, { id: organization.id }],
    [`{ organizations(first: 20) { totalCount edges { node { id name depth } } } }`, {}],
    [`query($id: ID!) { organization(id: $id) { serviceAccounts(first: 10) { totalCount edges { node { id name } } } permissions { action allowed } } }`, { id: organization.id }],
  ];
  for (const [query, variables] of queries) await gql(stack.url, query, variables, headers);
  return [
    ...queries.map(([query, variables]) => ({ path: '/graphql', headers, body: JSON.stringify({ query, variables }) })),
    {
      path: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(stack.bootstrap.clientId, stack.bootstrap.clientSecret) },
      body: 'grant_type=client_credentials',
    },
  ];
}

const answered = (body: string) => (body.startsWith('{"data"') && !body.includes('"errors"')) || body.includes('"access_token"');

benchOnce('databases: PGlite vs PostgreSQL on the same mix at 1 and 8 clients', async () => {
  const databases = benchDatabases();
  const server = databases.find((database) => database.kind === 'server');
  if (!server) {
    reportSkipped({ title: 'databases: PGlite vs PostgreSQL, the same mix at 1 and 8 clients', database: 'PGlite', reason: 'set DATABASE_URL to a PostgreSQL server to compare with' });
    return;
  }
  const stacks: StackProcess[] = [];
  try {
    for (const database of databases) stacks.push(await startStackProcess(database));
    const [pglite, postgres] = [stacks.find((s) => s.database.kind === 'pglite')!, stacks.find((s) => s.database.kind === 'server')!];
    const mixes = new Map<StackProcess, LoadRequest[]>([
      [pglite, await mixFor(pglite)],
      [postgres, await mixFor(postgres)],
    ]);
    for (const connections of CLIENTS) {
      const title = `databases: the same mix (4 queries, 1 token request) at ${connections} client${connections > 1 ? 's' : ''}`;
      const target = { on: 'ratio' as const, max: TARGET, label: `<= ${TARGET}x, no hang` };
      const load = (stack: StackProcess) => throughput({ url: stack.url, connections, requests: mixes.get(stack)!, seconds: SECONDS, verifyBody: answered });
      try {
        await alternatingPairs({
          title,
          database: 'PostgreSQL vs PGlite',
          a: { name: 'PostgreSQL', ...load(postgres) },
          b: { name: 'PGlite', ...load(pglite) },
          unit: 'req/s',
          ratioLabel: 'PostgreSQL ÷ PGlite',
          target,
          sampleTimeoutMs: (SECONDS + 30) * 1000,
        });
      } catch (error) {
        reportFailure({ title, database: 'PostgreSQL vs PGlite', error, target, unit: 'req/s' });
      }
    }
  } finally {
    for (const stack of stacks) await stack.stop();
  }
});
