import type { CommonConfig } from '../../lib/config.js';
import type { Database } from '../common/db/orm.js';
import type { Route } from '../../lib/http.js';
import { TokenVerifier } from '../../lib/auth/tokens.js';
import { AccessClient } from '../common/access-client.js';
import { defaultLinks, type Links } from './links.js';
import { DEFAULT_REFRESH_TOKEN_TTL_SECONDS } from './modules/session/session.config.js';
import { invitationTtlFromEnv } from './modules/invitation/invitation.config.js';
import { startSubgraphServer, type RunningSubgraph } from '../common/server.js';
import { openIdentitiesDatabase } from './database.js';
import { loginCodeOptionsFromEnv, type LoginCodeOptions } from './modules/login-code/login-code.config.js';
import { mailOptionsFromEnv, type MailOptions } from './modules/mail/config.js';
import { startMailWorker } from './modules/mail/worker.js';
import { TokenIssuer } from './modules/oauth/issuer.js';
import { KeyStore } from './modules/oauth/keys.js';
import { CredentialCache } from './modules/oauth/credential-cache.js';
import { listen } from '../common/db/notifications.js';
import { answerTokenRequest, oauthRoutes, type TokenAnswer } from './modules/oauth/oauth.routes.js';
import type { IncomingMessage } from 'node:http';
import { apiKeyRoutes } from './modules/api-key/api-key.routes.js';
import { buildIdentitiesSchema } from './schema.js';

export interface IdentitiesOptions {
  config: CommonConfig;
  port: number;
  host?: string;
  database?: Database;
  /** Lifetime of access tokens, in seconds. */
  tokenTtlSeconds: number;
  /** The access subgraph: where users' and members' role assignments are made and removed. */
  accessUrl: string;
  /** How long a sign-in's refresh token may wait to be used (each use starts a new one). */
  refreshTokenTtlSeconds?: number;
  /** Where mails link to; the gateway's own pages by default. */
  links?: Partial<Links>;
  /** How long an invitation's link works, in seconds; INVITATION_TTL (a week) when not given. */
  invitationTtlSeconds?: number;
  /** The mail worker's settings; what is not given comes from the environment (SMTP_URL, MAIL_*). */
  mail?: Partial<MailOptions>;
  /** Login codes' life and limits; what is not given comes from the environment (LOGIN_CODE_*). */
  loginCodes?: Partial<LoginCodeOptions>;
}

/** The first route that handles the request. */
const anyOf =
  (...routes: Route[]): Route =>
  async (req, res, url) => {
    for (const route of routes) if (await route(req, res, url)) return true;
    return false;
  };

/**
 * POST /oauth/token as a function, for a gateway in the same process (all-in-one): the same
 * endpoint as identities serves over HTTP, without the hop. `body` is the form when the caller
 * has read it already.
 */
export type TokenEndpoint = (req: IncomingMessage, body?: Buffer) => Promise<TokenAnswer>;

export interface RunningIdentities extends RunningSubgraph {
  tokenEndpoint: TokenEndpoint;
}

export async function startIdentities(options: IdentitiesOptions): Promise<RunningIdentities> {
  const { config } = options;
  // Read first: a bad SMTP_URL stops the start before anything opens.
  const mailOptions = { ...mailOptionsFromEnv(), ...options.mail };
  const loginCodes = { ...loginCodeOptionsFromEnv(), ...options.loginCodes };
  const sessions = { refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? DEFAULT_REFRESH_TOKEN_TTL_SECONDS };
  const invitationTtlSeconds = options.invitationTtlSeconds ?? invitationTtlFromEnv();
  const database = options.database ?? (await openIdentitiesDatabase(config.databaseUrl, config.poolMax));
  const keys = new KeyStore(database, options.tokenTtlSeconds);
  await keys.ensureSigningKey();
  const tokens = new TokenIssuer(keys, { issuer: config.issuer, audience: config.audience, ttlSeconds: options.tokenTtlSeconds });
  const credentials = new CredentialCache();
  const credentialChanges = await listen(config.databaseUrl, 'identities_credential', { notify: (clientId) => credentials.forget(clientId), live: (up) => credentials.live(up) });
  const oauth = { db: database, keys, tokens, issuer: config.issuer, sessions, credentials };
  let running: RunningSubgraph;
  try {
    running = await startSubgraphServer({
      name: 'identities',
      schema: await buildIdentitiesSchema(),
      database,
      config,
      port: options.port,
      host: options.host,
      routes: anyOf(oauthRoutes(oauth), apiKeyRoutes({ db: database, tokens, internalSecret: config.internalSecret })),
      services: {
        access: new AccessClient(options.accessUrl, config.internalSecret),
        tokens,
        links: { ...defaultLinks(config.issuer), ...options.links },
        sessions,
        loginCodes,
        invitations: { ttlSeconds: invitationTtlSeconds },
      },
      verifier: new TokenVerifier({ issuer: config.issuer, audience: config.audience, keys: keys.verificationKeys() }),
    });
  } catch (error) {
    await credentialChanges.close();
    throw error;
  }
  const mail = startMailWorker(database, mailOptions);
  const tokenEndpoint: TokenEndpoint = (req, body) => answerTokenRequest(oauth, req, body);
  return {
    ...running,
    tokenEndpoint,
    async stop() {
      await running.stop();
      await mail.stop();
      await credentialChanges.close();
      if (!options.database) await database.close();
    },
  };
}
