/**
 * Issue 9: what graphql-shield costs a subgraph. The organizations subgraph's schema built
 * twice from the same classes (subgraphs/organizations/schema.ts): as it is served, and
 * without the permission middleware (federation.ts `buildSubgraphWithoutPermissions`, which
 * exists for this and is never served). The same document is executed in this process with
 * graphql's `execute` against each, every time with a fresh per-request context built as
 * subgraphs/common/server.ts builds it (an EntityManager fork, a DecisionPoint for the
 * caller, authenticate()), for the bootstrap admin, over lists of 1, 10 and 100 children.
 * p50 of sequential executions, interleaved. Target: with the rules <= 1.10x without.
 *
 * No HTTP and no other subgraph: the database is opened here (PGlite in this process, or a
 * fresh database on DATABASE_URL's server), migrated and bootstrapped as the stack does.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { execute, parse, validate, type GraphQLSchema } from 'graphql';
import pg from 'pg';
import { bootstrapInstallation, closeDatabases, migrateAll, openDatabases } from '../../all-in-one/stack.js';
import type { Caller } from '../../lib/auth/tokens.js';
import { DecisionPoint } from '../../subgraphs/common/authz/decision.js';
import type { SubgraphContext } from '../../subgraphs/common/context.js';
import { startEmbeddedPostgres } from '../../subgraphs/common/db/embedded.js';
import { buildSubgraph, buildSubgraphWithoutPermissions } from '../../subgraphs/common/federation.js';
import { organizationsSubgraph } from '../../subgraphs/organizations/schema.js';
import { alternatingPairs, benchDatabases, benchOnce, freshServerDatabase, latency, progress, type BenchDatabase } from './harness.js';
import { insertOrganizations, organizationRow } from './seed.js';

const SIZES = [1, 10, 100];

const DOCUMENT = parse(`query($id: ID!, $first: Int!) { organization(id: $id) { id name children(first: $first) {
  totalCount edges { cursor node { id name label depth createdAt } } } } }`);

async function measure(database: BenchDatabase): Promise<void> {
  progress(`opening ${database.label} in this process`);
  const embedded = database.kind === 'pglite' ? await startEmbeddedPostgres() : undefined;
  const fresh = database.kind === 'server' ? await freshServerDatabase(database.serverUrl!) : undefined;
  const url = embedded?.url ?? fresh!.url;
  const databases = await openDatabases(url, 1, Boolean(embedded));
  try {
    await migrateAll(databases);
    const bootstrap = await bootstrapInstallation(databases, { clientId: `cid_bench_${randomUUID().slice(0, 8)}`, clientSecret: `cs_${randomUUID()}${randomUUID()}` });

    // A parent per list size, its children inserted as createOrganization writes them.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const parents = new Map<number, string>();
    try {
      for (const size of SIZES) {
        const parent = organizationRow(`Bench list ${size}`);
        await insertOrganizations(client, [parent]);
        await insertOrganizations(client, Array.from({ length: size }, (_, i) => organizationRow(`Child ${i}`, parent)));
        parents.set(size, parent.id);
      }
    } finally {
      await client.end();
    }

    const guarded = (await buildSubgraph(organizationsSubgraph)).schema;
    const open = (await buildSubgraphWithoutPermissions(organizationsSubgraph)).schema;
    for (const schema of [guarded, open]) {
      const errors = validate(schema, DOCUMENT);
      if (errors.length) throw new Error(errors.map((e) => e.message).join('; '));
    }
    // The bootstrap admin, as a verified token of it would present it.
    const principal: Caller = { id: bootstrap.serviceAccountId, type: 'service_account', organizationId: null, tokenId: randomUUID(), sessionId: null, apiKeyId: null };
    const organizations = databases.organizations;

    /** One request: a fresh context as server.ts builds it, then the document. */
    const run = async (schema: GraphQLSchema, id: string, first: number) => {
      const em = organizations.orm.em.fork();
      const authz = new DecisionPoint(em, principal);
      await authz.authenticate();
      const contextValue: SubgraphContext = { requestId: randomUUID(), principal, token: undefined, internal: true, em, authz, loaders: new Map(), services: {} };
      const result = await execute({ schema, document: DOCUMENT, variableValues: { id, first }, contextValue });
      if (result.errors?.length) throw new Error(result.errors.map((e) => e.message).join('; '));
      const edges = (result.data as { organization: { children: { edges: unknown[] } } }).organization.children.edges;
      if (edges.length !== first) throw new Error(`expected ${first} children, got ${edges.length}`);
    };

    for (const size of SIZES) {
      const id = parents.get(size)!;
      const requests = size >= 100 ? 60 : 150;
      await alternatingPairs({
        title: `permission layer: graphql-shield on vs off, a list of ${size}`,
        database: database.label,
        a: { name: 'with the rules (as served)', ...latency(() => run(guarded, id, size), { requests, warmup: 30 }) },
        b: { name: 'without the rules', ...latency(() => run(open, id, size), { requests, warmup: 30 }) },
        unit: 'ms',
        ratioLabel: 'on ÷ off',
        target: { on: 'ratio', max: 1.1 },
        notes: ['in-process graphql execute of the organizations subgraph, fresh context per request (em fork, DecisionPoint, authenticate)'],
      });
    }
  } finally {
    await closeDatabases(databases);
    await embedded?.stop();
    await fresh?.drop();
  }
}

benchOnce('permission layer: graphql-shield on vs off over lists of 1, 10 and 100', async () => {
  for (const database of benchDatabases()) await measure(database);
});
