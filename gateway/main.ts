import { DEFAULT_PORTS, env, envInt, audienceFor, trimSlash } from '../lib/config.js';
import { runUntilSignal } from '../lib/main.js';
import { startGateway } from './server.js';

const issuer = trimSlash(env('PUBLIC_URL', `http://localhost:${DEFAULT_PORTS.gateway}`));
const identities = trimSlash(env('IDENTITIES_URL', `http://127.0.0.1:${DEFAULT_PORTS.identities}`));

runUntilSignal('gateway', () =>
  startGateway({
    port: envInt('PORT', DEFAULT_PORTS.gateway),
    host: env('HOST', '0.0.0.0'),
    issuer,
    audience: env('TOKEN_AUDIENCE', audienceFor(issuer)),
    jwksUrl: env('JWKS_URL', `${identities}/.well-known/jwks.json`),
    internalSecret: env('INTERNAL_SECRET'),
    subgraphs: {
      organizations: trimSlash(env('ORGANIZATIONS_URL', `http://127.0.0.1:${DEFAULT_PORTS.organizations}`)),
      identities,
      access: trimSlash(env('ACCESS_URL', `http://127.0.0.1:${DEFAULT_PORTS.access}`)),
    },
  }),
);
