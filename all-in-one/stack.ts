/**
 * The whole installation in one process: what `npm start` runs and what the test harness
 * starts. Each piece is also runnable alone (subgraphs/<name>/main.ts, gateway/main.ts).
 */
import 'reflect-metadata';
import { createServer } from 'node:net';
import { ensurePlatformAdmin } from '../subgraphs/access/bootstrap.js';
import { openAccessDatabase } from '../subgraphs/access/database.js';
import { startAccess } from '../subgraphs/access/index.js';
import { audienceFor, randomSecret, trimSlash, type CommonConfig } from '../lib/config.js';
import { migrateAudit } from '../subgraphs/common/audit/database.js';
import { migrate, type Database } from '../subgraphs/common/db/orm.js';
import type { RunningSubgraph } from '../subgraphs/common/server.js';
import { ensureBootstrapAccount, type BootstrapAccount } from '../subgraphs/identities/bootstrap.js';
import { openIdentitiesDatabase } from '../subgraphs/identities/database.js';
import { startIdentities, type RunningIdentities } from '../subgraphs/identities/index.js';
import type { MailOptions } from '../subgraphs/identities/modules/mail/config.js';
import type { Links } from '../subgraphs/identities/links.js';
import { ensureRootOrganization } from '../subgraphs/organizations/bootstrap.js';
import { openOrganizationsDatabase } from '../subgraphs/organizations/database.js';
import { startOrganizations } from '../subgraphs/organizations/index.js';
import { startGateway, type RunningGateway } from '../gateway/server.js';
import type { OperationLimits } from '../gateway/limits.js';
import type { ProductionSwitches } from '../gateway/production.js';
import type { RateLimitOptions } from '../gateway/rate-limit.js';

export interface StackOptions {
  databaseUrl: string;
  poolMax: number;
  /** One connection for all subgraphs: required on the embedded PGlite. */
  shareConnection?: boolean;
  /** 0 picks a free port. */
  ports?: { gateway: number; organizations: number; identities: number; access: number };
  host?: string;
  /** The issuer; defaults to the gateway's own URL. */
  publicUrl?: string;
  internalSecret?: string;
  tokenTtlSeconds?: number;
  bootstrap?: { rootName?: string; clientId?: string; clientSecret?: string };
  /** The gateway's throttling; what is not given comes from the environment. */
  rateLimits?: Partial<RateLimitOptions>;
  /** The gateway's operation limits; what is not given comes from the environment. */
  limits?: Partial<OperationLimits>;
  /** Field suggestions and introspection; what is not given comes from the environment. */
  production?: Partial<ProductionSwitches>;
  /** The mail worker (SMTP or the log, retries); what is not given comes from the environment. */
  mail?: Partial<MailOptions>;
  /** Where mails link to (sign-in, invitations); the gateway's pages by default. */
  links?: Partial<Links>;
  /** How long a sign-in's refresh token may wait to be used. */
  refreshTokenTtlSeconds?: number;
  /**
   * How the gateway calls the subgraphs: 'in-process' (what `npm start` does) skips HTTP between
   * them; 'http' goes through their ports as separate deployments do. 'http' by default.
   */
  subgraphCalls?: 'http' | 'in-process';
}

export interface Databases {
  organizations: Database;
  identities: Database;
  access: Database;
}

export interface Stack {
  url: string;
  issuer: string;
  /** The gateway's credential towards the subgraphs (tests use it to play the gateway). */
  internalSecret: string;
  gateway: RunningGateway;
  subgraphs: { organizations: RunningSubgraph; identities: RunningIdentities; access: RunningSubgraph };
  databases: Databases;
  bootstrap: BootstrapAccount & { rootOrganizationId: string };
  stop(): Promise<void>;
}

/**
 * With `shareConnection` (the embedded PGlite) the three subgraphs run over the organizations
 * database's single connection; see OrmOptions.shareConnectionOf.
 */
export async function openDatabases(databaseUrl: string, poolMax: number, shareConnection = false): Promise<Databases> {
  const organizations = await openOrganizationsDatabase(databaseUrl, poolMax);
  const shared = shareConnection ? organizations : undefined;
  return {
    organizations,
    identities: await openIdentitiesDatabase(databaseUrl, poolMax, shared),
    access: await openAccessDatabase(databaseUrl, poolMax, shared),
  };
}

/** Closes borrowers before the owner of a shared pool. */
export async function closeDatabases(databases: Databases): Promise<void> {
  await databases.access.close();
  await databases.identities.close();
  await databases.organizations.close();
}

export async function migrateAll(databases: Databases): Promise<void> {
  await migrate(databases.organizations);
  await migrate(databases.identities);
  await migrate(databases.access);
  await migrateAudit(databases.access);
}

/** Root organization, bootstrap admin, platform_admin: each step idempotent, so a half-done bootstrap completes on the next start. */
export async function bootstrapInstallation(
  databases: Databases,
  options: StackOptions['bootstrap'] = {},
): Promise<BootstrapAccount & { rootOrganizationId: string }> {
  const root = await ensureRootOrganization(databases.organizations.orm.em.fork(), options.rootName ?? 'Root');
  const account = await ensureBootstrapAccount(databases.identities.orm.em.fork(), root.id, options);
  await ensurePlatformAdmin(databases.access.orm.em.fork(), account.serviceAccountId);
  return { ...account, rootOrganizationId: root.id };
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const host = options.host ?? '127.0.0.1';
  const ports = options.ports ?? { gateway: 0, organizations: 0, identities: 0, access: 0 };
  const gatewayPort = ports.gateway || (await freePort(host));
  const issuer = trimSlash(options.publicUrl ?? `http://${host === '0.0.0.0' ? 'localhost' : host}:${gatewayPort}`);
  const databases = await openDatabases(options.databaseUrl, options.poolMax, options.shareConnection);
  const started: { stop(): Promise<void> }[] = [];
  try {
    await migrateAll(databases);
    const bootstrap = await bootstrapInstallation(databases, options.bootstrap);
    const internalSecret = options.internalSecret ?? randomSecret();
    const config = (identitiesUrl: string): CommonConfig => ({
      databaseUrl: options.databaseUrl,
      poolMax: options.poolMax,
      issuer,
      audience: audienceFor(issuer),
      jwksUrl: `${identitiesUrl}/.well-known/jwks.json`,
      internalSecret,
    });
    const tokenTtlSeconds = options.tokenTtlSeconds ?? 900;
    // identities first: the others fetch its keys; it calls access only on requests, so access's port is chosen now.
    const accessPort = ports.access || (await freePort(host));
    const identities = await startIdentities({
      config: config(''),
      port: ports.identities,
      host,
      database: databases.identities,
      tokenTtlSeconds,
      accessUrl: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${accessPort}`,
      mail: options.mail,
      links: options.links,
      refreshTokenTtlSeconds: options.refreshTokenTtlSeconds,
    });
    started.push(identities);
    const common = config(identities.url);
    const access = await startAccess({ config: common, port: accessPort, host, database: databases.access });
    started.push(access);
    const organizations = await startOrganizations({
      config: common,
      port: ports.organizations,
      host,
      database: databases.organizations,
      accessUrl: access.url,
      identitiesUrl: identities.url,
    });
    started.push(organizations);
    const gateway = await startGateway({
      port: gatewayPort,
      host,
      issuer,
      audience: common.audience,
      jwksUrl: common.jwksUrl,
      internalSecret,
      subgraphs: { organizations: organizations.url, identities: identities.url, access: access.url },
      // In one process the gateway calls the token endpoint instead of proxying to it.
      tokenEndpoint: identities.tokenEndpoint,
      inProcess: options.subgraphCalls === 'in-process' ? { organizations, identities, access } : undefined,
      rateLimits: options.rateLimits,
      limits: options.limits,
      production: options.production,
    });
    started.push(gateway);
    return {
      url: gateway.url,
      issuer,
      internalSecret,
      gateway,
      subgraphs: { organizations, identities, access },
      databases,
      bootstrap,
      async stop() {
        for (const service of started.reverse()) await service.stop();
        await closeDatabases(databases);
      },
    };
  } catch (error) {
    for (const service of started.reverse()) await service.stop().catch(() => undefined);
    await closeDatabases(databases).catch(() => undefined);
    throw error;
  }
}
