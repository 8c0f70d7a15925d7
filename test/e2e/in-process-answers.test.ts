/**
 * `npm start` runs the gateway and the subgraphs in one process, and the gateway calls the
 * subgraphs' /graphql and the token endpoint as functions (StackOptions.subgraphCalls). What a
 * client sees must be what the same gateway over HTTP shows: the same answers and errors for
 * anonymous, refused and missing reads, without one request to a subgraph's port, and the token
 * endpoint answered in process. (in-process.test.ts: statements, mutations, failures.)
 */
import dc from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { describe, expect } from 'vitest';
import { test } from '../harness/fixtures.js';
import { Client, unique } from '../harness/stack.js';

const it = test.override('stackOptions', { scope: 'file' }, { subgraphCalls: 'in-process' });

const PAGE = `query($id: ID!) { organization(id: $id) { id name children(first: 20) { totalCount edges { node {
  id name serviceAccounts { totalCount } permissions { action allowed } } } } } }`;

/** The subgraph requests the gateway sends over HTTP while `send` runs. */
async function subgraphRequestsDuring<T>(ports: Set<string>, send: () => Promise<T>): Promise<{ result: T; requests: number }> {
  let requests = 0;
  const channel = dc.channel('http.client.request.start');
  const onRequest = (message: unknown) => {
    const port = String((message as { request: ClientRequest }).request.getHeader('host') ?? '').split(':')[1] ?? '';
    if (ports.has(port)) requests += 1;
  };
  channel.subscribe(onRequest);
  try {
    return { result: await send(), requests };
  } finally {
    channel.unsubscribe(onRequest);
  }
}

describe('the gateway with its subgraphs in process', () => {
  it('answers a page of three subgraphs as the gateway over HTTP does, without a single subgraph request', async ({ stack, admin, gateway, principal }) => {
    const root = await stack.createOrganization(unique('InProcess'));
    for (let i = 0; i < 3; i++) await stack.createOrganization(`Child ${i}`, root.id);
    await principal(root.id, 'org_viewer');
    const ports = new Set(Object.values(stack.stack.subgraphs).map((s) => String(s.port)));

    const local = await subgraphRequestsDuring(ports, () => admin.gql(PAGE, { id: root.id }));
    expect(local.requests).toBe(0);
    expect(local.result.errors).toBeUndefined();
    expect(local.result.data.organization.children.totalCount).toBe(3);

    const overHttp = new Client(await gateway(), admin.token);
    const remote = await subgraphRequestsDuring(ports, () => overHttp.gql(PAGE, { id: root.id }));
    expect(remote.requests).toBeGreaterThan(0);
    expect(remote.result.data).toEqual(local.result.data);

    // Errors too: a missing organization, an unauthenticated caller, a field the caller may not read.
    const missing = `{ organization(id: "0190d2a0-0000-7000-8000-000000000000") { id } }`;
    expect((await admin.gql(missing)).errors).toEqual((await overHttp.gql(missing)).errors);
    const anonymous = new Client(stack.url);
    const anonymousOverHttp = new Client(overHttp.url);
    const page = await anonymous.gql(PAGE, { id: root.id });
    expect(page.status).toBe((await anonymousOverHttp.gql(PAGE, { id: root.id })).status);
    expect(page.errors).toEqual((await anonymousOverHttp.gql(PAGE, { id: root.id })).errors);
    const viewer = await principal(root.id, 'org_viewer');
    const denied = `mutation($id: ID!) { deleteOrganization(id: $id) }`;
    const refused = await viewer.client.gql(denied, { id: root.id });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.errors).toEqual((await new Client(overHttp.url, viewer.client.token).gql(denied, { id: root.id })).errors);
  });

  it('answers the token endpoint in process: tokens that work, invalid_client for a wrong secret', async ({ stack, organization, principal }) => {
    const { clientId, clientSecret } = await principal(organization.id, 'org_viewer');
    const issued = await stack.requestToken({ grant_type: 'client_credentials' }, { id: clientId, secret: clientSecret });
    expect(issued.status).toBe(200);
    expect(issued.headers.get('cache-control')).toBe('no-store');
    const me = await new Client(stack.url, issued.body.access_token as string).ok(`{ organization(id: "${organization.id}") { id } }`);
    expect(me.organization.id).toBe(organization.id);
    const wrong = await stack.requestToken({ grant_type: 'client_credentials' }, { id: clientId, secret: `${clientSecret}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/);
  });
});
