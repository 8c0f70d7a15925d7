/** A strict, independent OAuth 2.0 client (oauth4webapi) discovers the server and obtains a token. */
import * as oauth from 'oauth4webapi';
import { describe, expect } from 'vitest';
import { it } from '../harness/fixtures.js';
import { Client } from '../harness/stack.js';

describe('oauth4webapi as the client', () => {
  it('discovers RFC 8414 metadata, runs client_credentials with client_secret_basic, and the token works', async ({ stack, organization: org, principal: makePrincipal }) => {
    const principal = await makePrincipal(org.id, 'org_viewer');
    const issuer = new URL(stack.stack.issuer);
    const options = { [oauth.allowInsecureRequests]: true };
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...options }));
    expect(as.token_endpoint).toBe(`${stack.stack.issuer}/oauth/token`);

    const client: oauth.Client = { client_id: principal.clientId };
    const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(principal.clientSecret), new URLSearchParams(), options);
    const result = await oauth.processClientCredentialsResponse(as, client, response);
    expect(result.token_type).toBe('bearer');
    expect(result.expires_in).toBeGreaterThan(0);

    const me = new Client(stack.url, result.access_token);
    const data = await me.ok(`query($id: ID!) { organization(id: $id) { id } }`, { id: org.id });
    expect(data.organization.id).toBe(org.id);
  });

  it('reports invalid_client as an OAuth error', async ({ stack }) => {
    const issuer = new URL(stack.stack.issuer);
    const options = { [oauth.allowInsecureRequests]: true };
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...options }));
    const client: oauth.Client = { client_id: 'cid_nobody' };
    const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretPost('cs_wrong'), new URLSearchParams(), options);
    await expect(oauth.processClientCredentialsResponse(as, client, response)).rejects.toMatchObject({ error: 'invalid_client' });
  });
});
