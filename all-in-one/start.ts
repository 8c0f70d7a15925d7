/**
 * `npm start`: everything in one process. Without DATABASE_URL an embedded PostgreSQL
 * (PGlite) keeps its data in ./.data/; with it, a real server is used.
 */
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../subgraphs/common/db/embedded.js';
import { DEFAULT_PORTS, env, envInt } from '../lib/config.js';
import { startStack } from './stack.js';

async function main(): Promise<void> {
  let embedded: EmbeddedPostgres | undefined;
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: env('DATA_DIR', '.data/pglite') });
    databaseUrl = embedded.url;
    console.log('Embedded PostgreSQL (PGlite) with data in', env('DATA_DIR', '.data/pglite'));
  }
  const port = envInt('PORT', DEFAULT_PORTS.gateway);
  const stack = await startStack({
    databaseUrl,
    // PGlite is a single backend that mixes up concurrent connections' messages: one connection in all.
    poolMax: envInt('DATABASE_POOL_MAX', embedded ? 1 : 10),
    shareConnection: Boolean(embedded),
    host: env('HOST', '127.0.0.1'),
    ports: {
      gateway: port,
      organizations: envInt('ORGANIZATIONS_PORT', DEFAULT_PORTS.organizations),
      identities: envInt('IDENTITIES_PORT', DEFAULT_PORTS.identities),
      access: envInt('ACCESS_PORT', DEFAULT_PORTS.access),
    },
    publicUrl: env('PUBLIC_URL', `http://localhost:${port}`),
    internalSecret: process.env.INTERNAL_SECRET || undefined,
    tokenTtlSeconds: envInt('ACCESS_TOKEN_TTL', 900),
    bootstrap: {
      rootName: env('BOOTSTRAP_ORGANIZATION_NAME', 'Root'),
      clientId: process.env.BOOTSTRAP_CLIENT_ID || undefined,
      clientSecret: process.env.BOOTSTRAP_CLIENT_SECRET || undefined,
    },
  });

  const { bootstrap } = stack;
  console.log(`
Identity gateway ready
  GraphQL         ${stack.issuer}/graphql
  Token endpoint  ${stack.issuer}/oauth/token
  JWKS            ${stack.issuer}/.well-known/jwks.json
  Subgraphs       organizations ${stack.subgraphs.organizations.url}, identities ${stack.subgraphs.identities.url}, access ${stack.subgraphs.access.url}
`);
  if (bootstrap.clientSecret) {
    console.log(`Bootstrap admin created (platform_admin). The secret is shown this once:
  client_id      ${bootstrap.clientId}
  client_secret  ${bootstrap.clientSecret}

  curl -s -u '${bootstrap.clientId}:${bootstrap.clientSecret}' -d grant_type=client_credentials ${stack.issuer}/oauth/token
`);
  } else console.log(`Bootstrap admin client_id: ${bootstrap.clientId} (secret shown on first start only, or set BOOTSTRAP_CLIENT_SECRET)`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping`);
    await stack.stop();
    await embedded?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('Failed to start:', error);
  process.exit(1);
});
