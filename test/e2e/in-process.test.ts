/**
 * The gateway of an all-in-one process calls its subgraphs in process (as `npm start` does):
 * the same answers as over HTTP, a token a subgraph refuses still refused with 401, a query's
 * subgraph calls reading the caller once between them, and a mutation's calls sharing nothing.
 */
import { describe, expect, vi } from 'vitest';
import type { InProcessSubgraph } from '../../lib/in-process.js';
import { test, unique } from '../harness/fixtures.js';
import { Client, type TestStack } from '../harness/stack.js';

const it = test.override('stackOptions', { scope: 'file' }, { subgraphCalls: 'in-process' });

const THREE = `query($id: ID!) { organization(id: $id) { id name children(first: 20) { edges { node {
  id name serviceAccounts { totalCount } permissions { action allowed } } } } } }`;

/** Statements each subgraph's database ran while `run` ran. */
async function statementsOf<T>(stack: TestStack, run: () => Promise<T>): Promise<{ result: T; organizations: number; identities: number; access: number }> {
  const { databases } = stack.stack;
  const before = { organizations: databases.organizations.statements, identities: databases.identities.statements, access: databases.access.statements };
  const result = await run();
  return {
    result,
    organizations: databases.organizations.statements - before.organizations,
    identities: databases.identities.statements - before.identities,
    access: databases.access.statements - before.access,
  };
}

describe('subgraphs called in process', () => {
  it('answer what they answer over HTTP, a query reading the caller once for all three subgraphs', async ({ stack, admin, gateway }) => {
    const root = await stack.createOrganization(unique('In process'));
    for (let i = 0; i < 3; i++) await stack.createOrganization(`Child ${i}`, root.id);
    const overHttp = new Client(await gateway(), admin.token);
    // A new gateway's first request also fetches identities' keys.
    await overHttp.ok(THREE, { id: root.id });

    const inProcess = await statementsOf(stack, () => admin.ok(THREE, { id: root.id }));
    const http = await statementsOf(stack, () => overHttp.ok(THREE, { id: root.id }));
    expect(inProcess.result).toEqual(http.result);
    expect(inProcess.result.organization.children.edges).toHaveLength(3);
    // The caller, the organization, its children page (organizations); the service accounts'
    // counts (identities); the permissions from the caller's grants and the children's ancestry
    // that organizations already read (access: nothing).
    // (identities' count is compared only: its mail worker polls the same database meanwhile.)
    expect(inProcess).toMatchObject({ organizations: 3, access: 0 });
    // Over HTTP each subgraph reads the caller, and identities and access the ancestry.
    expect(http).toMatchObject({ organizations: 3, access: 2 });
    expect(inProcess.identities).toBeLessThan(http.identities);
  });

  it('a mutation\'s subgraph calls share nothing: what follows it reads the caller afresh', async ({ stack, admin, organization }) => {
    const created = await statementsOf(stack, () =>
      admin.ok(`mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id permissions { action allowed } } }`, {
        input: { name: unique('Made'), parentId: organization.id },
      }),
    );
    expect(created.result.createOrganization.permissions.length).toBeGreaterThan(0);
    // access answered `permissions` after the mutation with a decision point of its own.
    expect(created.access).toBeGreaterThanOrEqual(1);
  });

  it('a token whose principal is gone is refused by the subgraph with 401, as over HTTP', async ({ admin, organization, principal }) => {
    const account = await principal(organization.id, 'org_viewer');
    expect((await account.client.gql(`query($id: ID!) { organization(id: $id) { id } }`, { id: organization.id })).data?.organization?.id).toBe(organization.id);
    await admin.ok(`mutation($id: ID!) { deleteServiceAccount(id: $id) }`, { id: account.id });
    const response = await fetch(`${account.client.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${account.client.token}` },
      body: JSON.stringify({ query: `query($id: ID!) { organization(id: $id) { id } }`, variables: { id: organization.id } }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('invalid_token');
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors).toEqual([{ message: 'The principal of this token no longer exists', extensions: { code: 'UNAUTHENTICATED' } }]);
  });

  it('a subgraph that fails, answers 500 or never answers: a generic error, the detail logged under the request id', async ({ stack, admin, gateway }) => {
    const leaky = 'relation "access.role" does not exist at /srv/app/subgraphs/access/role.ts:42';
    const fakes: Record<'organizations' | 'identities' | 'access', InProcessSubgraph> = {
      organizations: { execute: () => Promise.reject(new Error(leaky)) },
      access: { execute: () => Promise.resolve({ status: 500, body: { errors: [{ message: leaky }] } }) },
      identities: { execute: () => new Promise(() => undefined) },
    };
    const failing = await gateway({ inProcess: fakes, subgraphTimeoutMs: 300 });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      for (const query of [`{ organizations { totalCount } }`, `{ roles { key } }`, `query($id: ID!) { serviceAccount(id: $id) { id } }`]) {
        const started = Date.now();
        const response = await fetch(`${failing}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
          body: JSON.stringify({ query, variables: { id: stack.stack.bootstrap.serviceAccountId } }),
        });
        expect(Date.now() - started).toBeLessThan(5_000);
        const text = await response.text();
        expect(JSON.parse(text).errors).toEqual([{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
        expect(text).not.toMatch(/relation|\.ts:|127\.0\.0\.1|serviceName/);
        const requestId = response.headers.get('x-request-id')!;
        const about = logged.mock.calls.map((args) => args.map(String).join(' ')).filter((line) => line.includes(requestId));
        expect(about.join('\n')).toMatch(/subgraph (organizations|access|identities) \(http:\/\/127\.0\.0\.1:\d+\/graphql\) (failed|answered HTTP 500|did not answer within 300 ms)/);
      }
    } finally {
      logged.mockRestore();
    }
  });
});
