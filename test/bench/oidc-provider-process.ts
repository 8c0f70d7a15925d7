/**
 * The token endpoint's peer for token-endpoint.bench.ts: `oidc-provider` 9 (a well-kept
 * certified OAuth 2.0 / OpenID Connect server) issuing JWT access tokens signed ES256 to a
 * client_credentials client, on a free port, in a process of its own. Prints one line
 * `OIDC_PROVIDER_READY {"url","tokenPath","clientId","clientSecret"}` and runs until killed
 * or until its parent goes away (stdin closes).
 */
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const RESOURCE = 'https://api.bench.example';

async function main(): Promise<void> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'bench-es256', alg: 'ES256', use: 'sig' };
  const clientId = 'bench-client';
  const clientSecret = randomBytes(32).toString('base64url');
  const port = Number(process.env.PORT ?? 0);
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
        // The only key is ES256 (the default, RS256, would need an RSA key).
        id_token_signed_response_alg: 'ES256',
      },
    ],
    jwks: { keys: [jwk] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Every token is for the one resource server, as ours are for the one audience.
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          audience: RESOURCE,
          scope: 'api',
          accessTokenTTL: 900,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
  });
  const server = provider.listen(port, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
  process.stdin.resume();
  process.stdout.write(`OIDC_PROVIDER_READY ${JSON.stringify({ url: issuer, tokenPath: '/token', clientId, clientSecret })}\n`);
}

main().catch((error: unknown) => {
  console.error('oidc-provider failed:', error);
  process.exit(1);
});
