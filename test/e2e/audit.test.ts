import { describe, expect } from 'vitest';
import { test, unique } from '../harness/fixtures.js';

const EVENTS = `query($id: ID!, $first: Int, $after: String) { auditEvents(organizationId: $id, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id action targetType targetId requestId changes occurredAt actor { ... on ServiceAccount { id } } organization { id } } } } }`;

/** `events(organizationId)`: the audit log of an organization as the platform admin reads it. */
const it = test.extend('events', ({ admin }) => async (id: string) => {
  const data = await admin.ok(EVENTS, { id, first: 100 });
  return data.auditEvents as { totalCount: number; edges: { node: Record<string, any> }[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
});

describe('audit log', () => {
  it('records every mutation of every subgraph, with actor, request id and changes, descendants included, newest first', async ({ stack, admin, organization: top, events }) => {
    const child = await stack.createOrganization('Child', top.id);
    const response = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}`, 'x-request-id': 'audit-request-0001' },
      body: JSON.stringify({ query: `mutation($id: ID!) { updateOrganization(id: $id, input: { name: "Renamed child" }) { id } }`, variables: { id: child.id } }),
    });
    expect(response.status).toBe(200);
    // The id stored is the gateway's own, the one it answered with, never the client's.
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const tenant = (await admin.ok(`mutation($o: ID!) { createTenant(organizationId: $o, input: { name: "T" }) { id } }`, { o: child.id })).createTenant.id;
    const account = (await admin.ok(`mutation($o: ID!) { createServiceAccount(organizationId: $o, input: { name: "bot" }) { id } }`, { o: child.id })).createServiceAccount.id;
    const credential = (await admin.ok(`mutation($id: ID!) { createServiceAccountCredential(serviceAccountId: $id, input: {}) { clientSecret credential { id clientId } } }`, { id: account }))
      .createServiceAccountCredential;
    await admin.ok(`mutation($input: AssignRoleInput!) { assignRole(input: $input) { id } }`, { input: { principalId: account, roleKey: 'org_viewer', organizationId: child.id } });
    await admin.ok(`mutation($id: ID!) { setDeleteProtection(id: $id, enabled: true) { id } }`, { id: child.id });

    const log = await events(top.id);
    const actions = log.edges.map((e) => e.node.action);
    expect(actions).toEqual([
      'organization.set_delete_protection',
      'role_assignment.create',
      'service_account_credential.create',
      'service_account.create',
      'tenant.create',
      'organization.update',
      'organization.create',
      'organization.create',
    ]);
    const byAction = Object.fromEntries(log.edges.map((e) => [e.node.action, e.node]));
    expect(byAction['organization.update']).toMatchObject({
      targetId: child.id,
      requestId,
      changes: { name: 'Renamed child' },
      actor: { id: stack.stack.bootstrap.serviceAccountId },
      organization: { id: child.id },
    });
    expect(byAction['tenant.create']).toMatchObject({ targetType: 'Tenant', targetId: tenant });
    expect(byAction['service_account_credential.create'].changes).toMatchObject({ clientId: credential.credential.clientId });
    expect(JSON.stringify(log)).not.toContain(credential.clientSecret);
    // The child's own log has its events but not the parent's creation.
    expect((await events(child.id)).totalCount).toBe(log.totalCount - 1);
  });

  it('a failed mutation writes nothing', async ({ stack, admin, organization: top, principal, events }) => {
    await stack.createOrganization('Taken', top.id);
    const before = (await events(top.id)).totalCount;
    const viewer = await principal(top.id, 'org_viewer');
    const after = () => events(top.id).then((l) => l.totalCount);
    // Making the viewer: its service account, its credential, its role.
    const principalEvents = (await after()) - before;
    expect(principalEvents).toBe(3);

    const failures = [
      admin.gql(`mutation($p: ID!) { createOrganization(input: { name: "Taken", parentId: $p }) { id } }`, { p: top.id }),
      admin.gql(`mutation($p: ID!) { createOrganization(input: { name: "", parentId: $p }) { id } }`, { p: top.id }),
      viewer.client.gql(`mutation($id: ID!) { updateOrganization(id: $id, input: { name: "no" }) { id } }`, { id: top.id }),
      admin.gql(`mutation($p: ID!) { createOrganization(input: { name: "Orphan", parentId: $p, ownerId: "01890a5d-ac96-774b-bcce-b302099a8057" }) { id } }`, { p: top.id }),
      admin.gql(`mutation($id: ID!) { moveOrganization(id: $id, parentId: $id) { id } }`, { id: top.id }),
    ];
    for (const result of await Promise.all(failures)) expect(result.errors).toBeDefined();
    expect(await after()).toBe(before + principalEvents);
  });

  it('is for those holding audit:read', async ({ stack, organization: top, principal }) => {
    const member = await principal(top.id, 'org_member');
    const outsider = await principal((await stack.createOrganization(unique('Outside'))).id, 'org_owner');
    expect((await member.client.gql(EVENTS, { id: top.id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await outsider.client.gql(EVENTS, { id: top.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const orgAdmin = await principal(top.id, 'org_admin');
    expect((await orgAdmin.client.gql(EVENTS, { id: top.id })).data?.auditEvents.totalCount).toBeGreaterThan(0);
  });
});
