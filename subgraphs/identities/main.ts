import 'reflect-metadata';
import { commonConfigFromEnv, DEFAULT_PORTS, env, envInt } from '../common/config.js';
import { runUntilSignal } from '../common/main.js';
import { startIdentities } from './index.js';

runUntilSignal('identities', () =>
  startIdentities({
    config: commonConfigFromEnv(),
    port: envInt('PORT', DEFAULT_PORTS.identities),
    host: env('HOST', '0.0.0.0'),
    tokenTtlSeconds: envInt('ACCESS_TOKEN_TTL', 900),
  }),
);
