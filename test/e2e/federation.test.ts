import { describe, expect } from 'vitest';
import { INTERNAL_HEADER } from '../../lib/auth/internal.js';
import { it, unique } from '../harness/fixtures.js';
import type { TestStack } from '../harness/stack.js';

const ROUND_TRIP = `query($id: ID!) {
  organization(id: $id) {
    id name
    permissions { action allowed }
    serviceAccounts(first: 10) { totalCount edges { node { id name organization { id name label } credentials { clientId } } } }
  }
}`;

describe('federation under permissions', () => {
  it('resolves Organization.serviceAccounts (identities), ServiceAccount.organization (organizations) and Organization.permissions (access) in one query', async ({ organization: org, principal }) => {
    const member = await principal(org.id, 'org_member');
    const data = await member.client.ok(ROUND_TRIP, { id: org.id });
    expect(data.organization.serviceAccounts.totalCount).toBe(1);
    const account = data.organization.serviceAccounts.edges[0].node;
    expect(account.id).toBe(member.id);
    expect(account.organization).toEqual({ id: org.id, name: data.organization.name, label: org.label });
    expect(account.credentials).toEqual([{ clientId: member.clientId }]);
    const allowed = Object.fromEntries(data.organization.permissions.map((p: { action: string; allowed: boolean }) => [p.action, p.allowed]));
    expect(allowed['organization:read']).toBe(true);
    expect(allowed['service_account:read']).toBe(true);
    expect(allowed['service_account:manage']).toBe(false);
    expect(allowed['organization:delete']).toBe(false);
  });

  it('a viewer sees the organization but not its service accounts, and the rest of the answer survives', async ({ organization: org, principal }) => {
    const viewer = await principal(org.id, 'org_viewer');
    const result = await viewer.client.gql(ROUND_TRIP, { id: org.id });
    expect(result.data?.organization?.name).toBeTruthy();
    expect(result.data?.organization?.permissions.find((p: { action: string }) => p.action === 'service_account:read').allowed).toBe(false);
    const error = result.errors?.find((e) => e.path?.includes('serviceAccounts'));
    expect(error?.extensions?.code).toBe('FORBIDDEN');
  });

  it('an organization outside the caller\'s reach is NOT_FOUND through every subgraph', async ({ stack, organization: mine, principal }) => {
    const theirs = await stack.createOrganization(unique('Theirs'));
    const outsider = await principal(mine.id, 'org_owner');
    const result = await outsider.client.gql(ROUND_TRIP, { id: theirs.id });
    expect(result.data?.organization ?? null).toBeNull();
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
  });
});

describe('entity resolution is for the gateway only', () => {
  const entities = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Organization { id name } } }`;

  async function direct(stack: TestStack, subgraphUrl: string, token: string | undefined, headers: Record<string, string> = {}) {
    const org = await stack.createOrganization(unique('Entities'));
    const response = await fetch(`${subgraphUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: JSON.stringify({ query: entities, variables: { representations: [{ __typename: 'Organization', id: org.id }] } }),
    });
    return { org, body: (await response.json()) as { data?: { _entities: unknown[] } | null; errors?: { extensions?: { code?: string } }[] } };
  }

  it('refuses _entities without the internal credential, even to a platform admin', async ({ stack, admin }) => {
    const { body } = await direct(stack, stack.stack.subgraphs.organizations.url, admin.token);
    expect(body.data?._entities ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses a wrong internal credential', async ({ stack, admin }) => {
    const { body } = await direct(stack, stack.stack.subgraphs.organizations.url, admin.token, { [INTERNAL_HEADER]: 'guessed' });
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a client-sent internal credential header is not what lets the gateway through', async ({ admin }) => {
    const result = await admin.gql(`{ _service { sdl } }`, {}, { [INTERNAL_HEADER]: 'guessed' });
    // The gateway does not expose _service at all; the header changes nothing.
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('applies visibility inside __resolveReference: what the caller may not see resolves to null', async ({ stack, organization: mine, principal }) => {
    const other = await stack.createOrganization(unique('Ref other'));
    const outsider = await principal(mine.id, 'org_owner');
    const asGateway = { [INTERNAL_HEADER]: stack.stack.internalSecret };
    for (const subgraph of ['organizations', 'identities', 'access'] as const) {
      const response = await fetch(`${stack.stack.subgraphs[subgraph].url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${outsider.client.token}`, ...asGateway },
        body: JSON.stringify({
          query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Organization { id } } }`,
          variables: { r: [{ __typename: 'Organization', id: mine.id }, { __typename: 'Organization', id: other.id }] },
        }),
      });
      const body = (await response.json()) as { data: { _entities: ({ id: string } | null)[] } };
      expect(body.data._entities, subgraph).toEqual([{ id: mine.id }, null]);
    }
  });

  it('a service account of another organization is NOT_FOUND, like a random id', async ({ stack, organization: mine, principal }) => {
    const other = await stack.createOrganization(unique('Sa other'));
    const outsider = await principal(mine.id, 'org_owner');
    const foreign = await principal(other.id, null);
    const query = `query($id: ID!) { serviceAccount(id: $id) { id organization { id } } }`;
    const own = await outsider.client.ok(query, { id: outsider.id });
    expect(own.serviceAccount.organization.id).toBe(mine.id);
    const denied = await outsider.client.gql(query, { id: foreign.id });
    expect(denied.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    expect(denied.errors?.[0]?.message).toBe('ServiceAccount not found');
  });
});
