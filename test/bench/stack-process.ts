/**
 * A stack under test, in a process of its own, so that a benchmark's load generator never
 * shares an event loop with the server it measures. Started by harness.ts `startStackProcess`:
 *
 *   node --import tsx test/bench/stack-process.ts      (options as JSON in BENCH_STACK_OPTIONS)
 *
 * On the embedded database it runs what `npm start` runs (PGlite in a fresh data directory,
 * served over pglite-socket, one connection shared by the three subgraphs); on a server, the
 * database it is given (harness.ts creates a fresh one per run). It prints one line
 * `BENCH_STACK_READY {json}` with the URLs and credentials, and stops when told (SIGTERM) or
 * when its parent goes away (stdin closes).
 */
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack } from '../../all-in-one/stack.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../subgraphs/common/db/embedded.js';
import { READY_MARKER, type StackProcessInfo, type StackProcessOptions } from './stack-protocol.js';

async function main(): Promise<void> {
  const options = JSON.parse(process.env.BENCH_STACK_OPTIONS ?? '') as StackProcessOptions;
  let embedded: EmbeddedPostgres | undefined;
  let dataDir: string | undefined;
  let databaseUrl: string;
  if (options.database.kind === 'pglite') {
    dataDir = options.database.inMemory ? undefined : await mkdtemp(join(tmpdir(), 'idgw-bench-pglite-'));
    embedded = await startEmbeddedPostgres({ dataDir });
    databaseUrl = embedded.url;
  } else {
    databaseUrl = options.database.url;
  }
  const stack = await startStack({
    databaseUrl,
    // As `npm start`: PGlite is one backend, one connection for all; a server gets a pool.
    poolMax: options.database.kind === 'server' ? (options.database.poolMax ?? 10) : 1,
    shareConnection: Boolean(embedded),
    tokenTtlSeconds: options.tokenTtlSeconds,
    rateLimits: options.rateLimits,
    mail: options.mail,
    bootstrap: options.bootstrap,
    // As `npm start`.
    subgraphCalls: 'in-process',
  });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => process.exit(1), 15_000);
    try {
      await stack.stop();
      await embedded?.stop();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    } finally {
      clearTimeout(timer);
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.stdin.on('end', () => void stop());
  process.stdin.on('close', () => void stop());
  process.stdin.resume();

  const info: StackProcessInfo = {
    pid: process.pid,
    url: stack.url,
    subgraphs: {
      organizations: stack.subgraphs.organizations.url,
      identities: stack.subgraphs.identities.url,
      access: stack.subgraphs.access.url,
    },
    internalSecret: stack.internalSecret,
    databaseUrl,
    bootstrap: {
      clientId: stack.bootstrap.clientId,
      clientSecret: options.bootstrap.clientSecret,
      serviceAccountId: stack.bootstrap.serviceAccountId,
      rootOrganizationId: stack.bootstrap.rootOrganizationId,
    },
  };
  process.stdout.write(`${READY_MARKER}${JSON.stringify(info)}\n`);
}

main().catch((error: unknown) => {
  console.error('stack process failed:', error);
  process.exit(1);
});
