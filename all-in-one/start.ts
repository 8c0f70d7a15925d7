/**
 * `npm start`: everything in one process. Without DATABASE_URL an embedded PostgreSQL
 * (PGlite) keeps its data in DATA_DIR (./.data/pglite), which one process at a time may use;
 * with it, a real server is used.
 */
import type { EmbeddedPostgres } from '../subgraphs/common/db/embedded.js';
import { checkBootstrapCredentials, ConfigurationError, DEFAULT_PORTS, env, envInt } from '../lib/config.js';
import { lockDataDir, type DataDirLock } from '../lib/data-dir-lock.js';
import { exitOnStartFailure } from '../lib/main.js';
import { parseCorsOrigins } from '../gateway/cors.js';
import { mailOptionsFromEnv } from '../subgraphs/identities/modules/mail/config.js';
import { loginCodeOptionsFromEnv } from '../subgraphs/identities/modules/login-code/login-code.config.js';
import { linksFromEnv } from '../subgraphs/identities/links.js';
import { DEFAULT_REFRESH_TOKEN_TTL_SECONDS } from '../subgraphs/identities/modules/session/session.config.js';
import type { Stack } from './stack.js';

/** Every variable `npm start` reads itself, and the gateway's own, checked before anything starts. */
async function configFromEnv() {
  // The gateway reads these again when it starts, after the database is open; read here, a
  // mistake is told before anything is opened. Loaded lazily like the stack below, but before
  // the data directory is touched.
  const [{ limitsFromEnv }, { rateLimitOptionsFromEnv }] = await Promise.all([import('../gateway/limits.js'), import('../gateway/rate-limit.js')]);
  limitsFromEnv();
  rateLimitOptionsFromEnv();

  const ports = {
    PORT: envInt('PORT', DEFAULT_PORTS.gateway),
    ORGANIZATIONS_PORT: envInt('ORGANIZATIONS_PORT', DEFAULT_PORTS.organizations),
    IDENTITIES_PORT: envInt('IDENTITIES_PORT', DEFAULT_PORTS.identities),
    ACCESS_PORT: envInt('ACCESS_PORT', DEFAULT_PORTS.access),
  };
  for (const [name, port] of Object.entries(ports)) {
    const same = Object.entries(ports).filter(([other, p]) => other !== name && p === port && port !== 0);
    if (same.length > 0) throw new ConfigurationError(`${[name, ...same.map(([other]) => other)].join(' and ')} set the same port ${port}: each service needs its own`);
    if (port > 65535) throw new ConfigurationError(`${name} must be a port number (0 to 65535), got ${port}`);
  }
  const bootstrap = {
    rootName: env('BOOTSTRAP_ORGANIZATION_NAME', 'Root'),
    clientId: process.env.BOOTSTRAP_CLIENT_ID || undefined,
    clientSecret: process.env.BOOTSTRAP_CLIENT_SECRET || undefined,
  };
  checkBootstrapCredentials(bootstrap);
  try {
    parseCorsOrigins(process.env.CORS_ORIGINS); // read again by the gateway
  } catch (error) {
    throw new ConfigurationError((error as Error).message);
  }
  mailOptionsFromEnv(); // read again by identities
  loginCodeOptionsFromEnv(); // read again by identities
  const databaseUrl = process.env.DATABASE_URL || undefined;
  return {
    ports,
    bootstrap,
    databaseUrl,
    dataDir: env('DATA_DIR', '.data/pglite'),
    poolMax: envInt('DATABASE_POOL_MAX', databaseUrl ? 10 : 1),
    host: env('HOST', '127.0.0.1'),
    publicUrl: env('PUBLIC_URL', `http://localhost:${ports.PORT}`),
    internalSecret: process.env.INTERNAL_SECRET || undefined,
    tokenTtlSeconds: envInt('ACCESS_TOKEN_TTL', 900),
    refreshTokenTtlSeconds: envInt('REFRESH_TOKEN_TTL', DEFAULT_REFRESH_TOKEN_TTL_SECONDS),
    links: linksFromEnv(),
  };
}

async function main(): Promise<void> {
  const config = await configFromEnv();
  let lock: DataDirLock | undefined;
  let embedded: EmbeddedPostgres | undefined;
  let stack: Stack;
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      // Before the database opens: a second process must never touch the live data.
      lock = lockDataDir(config.dataDir);
      const { startEmbeddedPostgres } = await import('../subgraphs/common/db/embedded.js');
      embedded = await startEmbeddedPostgres({ dataDir: config.dataDir });
      databaseUrl = embedded.url;
      console.log('Embedded PostgreSQL (PGlite) with data in', config.dataDir);
    }
    // Loaded only now (seconds under tsx), so that a refusal above comes at once.
    const { startStack } = await import('./stack.js');
    stack = await startStack({
      databaseUrl,
      // PGlite is a single backend that mixes up concurrent connections' messages: one connection in all.
      poolMax: config.poolMax,
      shareConnection: Boolean(embedded),
      host: config.host,
      ports: {
        gateway: config.ports.PORT,
        organizations: config.ports.ORGANIZATIONS_PORT,
        identities: config.ports.IDENTITIES_PORT,
        access: config.ports.ACCESS_PORT,
      },
      publicUrl: config.publicUrl,
      internalSecret: config.internalSecret,
      tokenTtlSeconds: config.tokenTtlSeconds,
      refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
      links: config.links,
      bootstrap: config.bootstrap,
      // One process: the gateway calls the subgraphs directly; they still listen on their ports.
      subgraphCalls: 'in-process',
    });
  } catch (error) {
    // startStack stops what it started; the database and the lock are ours to give back.
    await embedded?.stop().catch(() => undefined);
    lock?.release();
    exitOnStartFailure('Identity gateway', error, config.ports);
  }

  const { bootstrap } = stack;
  console.log(`
Identity gateway ready
  GraphQL         ${stack.issuer}/graphql
  Playground      ${stack.issuer}/playground
  Sign-in page    ${stack.issuer}/sign-in   (without SMTP_URL, mails and their codes and links go to this log)
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
  } else if (config.bootstrap.clientSecret) {
    console.log(`Bootstrap admin client_id ${bootstrap.clientId}: secret from BOOTSTRAP_CLIENT_SECRET`);
  } else {
    console.log(`Bootstrap admin client_id ${bootstrap.clientId} (its secret was shown on the first start; to set a new one, set BOOTSTRAP_CLIENT_ID and BOOTSTRAP_CLIENT_SECRET)`);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping`);
    await stack.stop();
    await embedded?.stop();
    lock?.release();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => exitOnStartFailure('Identity gateway', error));
