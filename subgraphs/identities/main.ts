import 'reflect-metadata';
import { commonConfigFromEnv, DEFAULT_PORTS, env, envInt } from '../../lib/config.js';
import { runUntilSignal } from '../../lib/main.js';
import { startIdentities } from './index.js';
import { DEFAULT_REFRESH_TOKEN_TTL_SECONDS } from './modules/session/session.config.js';
import { linksFromEnv } from './links.js';

runUntilSignal('identities', () =>
  startIdentities({
    config: commonConfigFromEnv(),
    port: envInt('PORT', DEFAULT_PORTS.identities),
    host: env('HOST', '0.0.0.0'),
    tokenTtlSeconds: envInt('ACCESS_TOKEN_TTL', 900),
    accessUrl: env('ACCESS_URL', `http://127.0.0.1:${DEFAULT_PORTS.access}`),
    refreshTokenTtlSeconds: envInt('REFRESH_TOKEN_TTL', DEFAULT_REFRESH_TOKEN_TTL_SECONDS),
    links: linksFromEnv(),
  }),
);
