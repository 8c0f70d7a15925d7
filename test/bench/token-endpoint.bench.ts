/**
 * Issue 9: POST /oauth/token with client_credentials through the gateway, against
 * `oidc-provider` 9 issuing JWT access tokens signed ES256 on the same machine (in a process
 * of its own, as our stack is), 10 concurrent clients, requests/s. Target: >= 1.0x.
 * A second table puts the gateway beside identities' own token endpoint (what the proxy
 * costs), both with the bootstrap client's credentials.
 */
import { freePort } from '../../all-in-one/stack.js';
import { alternatingPairs, basicAuth, benchOnce, httpPost, onEachDatabase, progress, spawnReady, stopChild, throughput } from './harness.js';

const CLIENTS = 10;

interface OidcProviderInfo {
  url: string;
  tokenPath: string;
  clientId: string;
  clientSecret: string;
}

const tokenRequest = (clientId: string, clientSecret: string) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(clientId, clientSecret) },
  body: 'grant_type=client_credentials',
});

/** A 200 with an ES256-signed JWT access token, or an error saying what came instead. */
async function checkTokenEndpoint(url: string, request: { headers: Record<string, string>; body: string }): Promise<void> {
  const response = await httpPost(url, request.body, request.headers);
  const body = JSON.parse(response.body) as { access_token?: string };
  if (response.status !== 200 || !body.access_token) throw new Error(`${url}: HTTP ${response.status} ${response.body.slice(0, 300)}`);
  const header = JSON.parse(Buffer.from(body.access_token.split('.')[0]!, 'base64url').toString()) as { alg?: string };
  if (header.alg !== 'ES256') throw new Error(`${url}: the access token is signed ${header.alg}, not ES256`);
}

const ok = (body: string) => body.includes('"access_token"');

benchOnce('token endpoint: client_credentials through the gateway vs oidc-provider 9, 10 clients', async () => {
  progress('starting oidc-provider 9 in a child process');
  const { child, info: oidc } = await spawnReady<OidcProviderInfo>('oidc-provider-process.ts', 'OIDC_PROVIDER_READY ', { PORT: String(await freePort()) }, 60_000);
  try {
    const peerRequest = tokenRequest(oidc.clientId, oidc.clientSecret);
    await checkTokenEndpoint(`${oidc.url}${oidc.tokenPath}`, peerRequest);
    const peer = { name: 'oidc-provider 9 (JWT, ES256)', ...throughput({ url: `${oidc.url}${oidc.tokenPath}`, connections: CLIENTS, requests: [peerRequest], verifyBody: ok }) };
    await onEachDatabase(async (stack) => {
      const ours = tokenRequest(stack.bootstrap.clientId, stack.bootstrap.clientSecret);
      await checkTokenEndpoint(`${stack.url}/oauth/token`, ours);
      await checkTokenEndpoint(`${stack.subgraphs.identities}/oauth/token`, ours);
      const gateway = { name: 'gateway /oauth/token', ...throughput({ url: `${stack.url}/oauth/token`, connections: CLIENTS, requests: [ours], verifyBody: ok }) };
      await alternatingPairs({
        title: `token endpoint: client_credentials, ${CLIENTS} clients`,
        database: stack.database.label,
        a: gateway,
        b: peer,
        unit: 'req/s',
        ratioLabel: 'gateway ÷ oidc-provider',
        target: { on: 'ratio', min: 1.0 },
      });
      await alternatingPairs({
        title: `token endpoint: what the gateway's proxy costs, ${CLIENTS} clients`,
        database: stack.database.label,
        a: gateway,
        b: { name: 'identities /oauth/token directly', ...throughput({ url: `${stack.subgraphs.identities}/oauth/token`, connections: CLIENTS, requests: [ours], verifyBody: ok }) },
        unit: 'req/s',
        ratioLabel: 'gateway ÷ identities',
      });
    });
  } finally {
    await stopChild(child);
  }
});
