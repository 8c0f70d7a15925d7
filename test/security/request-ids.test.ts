/**
 * The request id in logs and audit events is ours: the gateway mints it, and a subgraph takes
 * one from a request only when that request carries the gateway's internal credential.
 */
import { describe, expect } from 'vitest';
import { INTERNAL_HEADER } from '../../lib/auth/internal.js';
import { it, unique } from '../harness/fixtures.js';
import type { Client, TestStack } from '../harness/stack.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Renames `organizationId` straight at the organizations subgraph, with the given headers. */
async function renameAtSubgraph(stack: TestStack, admin: Client, organizationId: string, headers: Record<string, string>): Promise<Response> {
  const response = await fetch(`${stack.stack.subgraphs.organizations.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}`, ...headers },
    body: JSON.stringify({
      query: `mutation($id: ID!, $name: String!) { updateOrganization(id: $id, input: { name: $name }) { id } }`,
      variables: { id: organizationId, name: unique('Renamed') },
    }),
  });
  expect(response.status).toBe(200);
  return response;
}

async function lastUpdateRequestId(admin: Client, organizationId: string): Promise<string> {
  const data = await admin.ok(`query($id: ID!) { auditEvents(organizationId: $id, first: 1) { edges { node { action requestId } } } }`, { id: organizationId });
  const node = data.auditEvents.edges[0].node as { action: string; requestId: string };
  expect(node.action).toBe('organization.update');
  return node.requestId;
}

describe('request ids', () => {
  it('a subgraph ignores the x-request-id of a request without the internal credential, and mints its own', async ({ stack, admin, organization }) => {
    const response = await renameAtSubgraph(stack, admin, organization.id, { 'x-request-id': 'forged-request-0001' });
    const stored = await lastUpdateRequestId(admin, organization.id);
    expect(stored).toMatch(UUID);
    expect(response.headers.get('x-request-id')).toBe(stored);
  });

  it('a subgraph keeps the x-request-id the gateway sent with its credential', async ({ stack, admin, organization }) => {
    await renameAtSubgraph(stack, admin, organization.id, { 'x-request-id': 'gateway-request-0001', [INTERNAL_HEADER]: stack.stack.internalSecret });
    expect(await lastUpdateRequestId(admin, organization.id)).toBe('gateway-request-0001');
  });

  it('a wrong credential counts as none', async ({ stack, admin, organization }) => {
    await renameAtSubgraph(stack, admin, organization.id, { 'x-request-id': 'forged-request-0002', [INTERNAL_HEADER]: `${stack.stack.internalSecret}x` });
    expect(await lastUpdateRequestId(admin, organization.id)).toMatch(UUID);
  });

  it('through the gateway the stored id is the one the gateway answered with, whatever the client sent', async ({ stack, admin, organization }) => {
    for (const sent of ['client-request-0001', 'x'.repeat(500), '']) {
      const response = await fetch(`${stack.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}`, ...(sent ? { 'x-request-id': sent } : {}) },
        body: JSON.stringify({
          query: `mutation($id: ID!, $name: String!) { updateOrganization(id: $id, input: { name: $name }) { id } }`,
          variables: { id: organization.id, name: unique('Renamed') },
        }),
      });
      const echoed = response.headers.get('x-request-id');
      expect(echoed).toMatch(UUID);
      expect(await lastUpdateRequestId(admin, organization.id)).toBe(echoed);
    }
  });

  it('the OAuth routes answer with the gateway\'s id too', async ({ stack }) => {
    const response = await fetch(`${stack.url}/.well-known/jwks.json`, { headers: { 'x-request-id': 'client-request-0002' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toMatch(UUID);
  });
});
