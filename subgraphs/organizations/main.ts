import 'reflect-metadata';
import { commonConfigFromEnv, DEFAULT_PORTS, env, envInt } from '../../lib/config.js';
import { runUntilSignal } from '../../lib/main.js';
import { startOrganizations } from './index.js';

runUntilSignal('organizations', () =>
  startOrganizations({
    config: commonConfigFromEnv(),
    port: envInt('PORT', DEFAULT_PORTS.organizations),
    host: env('HOST', '0.0.0.0'),
    accessUrl: env('ACCESS_URL', `http://127.0.0.1:${DEFAULT_PORTS.access}`),
    identitiesUrl: env('IDENTITIES_URL', `http://127.0.0.1:${DEFAULT_PORTS.identities}`),
  }),
);
