import { describe, expect } from 'vitest';
import { test, unique } from '../harness/fixtures.js';
import type { Client } from '../harness/stack.js';

/** `childCount(id)`: the children of an organization, as the platform admin counts them. */
const it = test.extend('childCount', ({ admin }) => async (id: string) =>
  (await admin.ok(`query($id: ID!) { organization(id: $id) { children { totalCount } } }`, { id })).organization.children.totalCount as number,
);

type Action = (client: Client, ids: { middle: string; leaf: string }) => Promise<{ errors?: { extensions?: { code?: string } }[] }>;

const actions: Record<string, Action> = {
  'read a descendant': (c, { leaf }) => c.gql(`query($id: ID!) { organization(id: $id) { id name } }`, { id: leaf }),
  'update a descendant': (c, { leaf }) => c.gql(`mutation($id: ID!) { updateOrganization(id: $id, input: { name: "Renamed" }) { id } }`, { id: leaf }),
  'create a child below': (c, { leaf }) =>
    c.gql(`mutation($p: ID!, $n: String!) { createOrganization(input: { name: $n, parentId: $p }) { id } }`, { p: leaf, n: unique('Child') }),
  'create a tenant': (c, { middle }) => c.gql(`mutation($o: ID!, $n: String!) { createTenant(organizationId: $o, input: { name: $n }) { id } }`, { o: middle, n: unique('Tenant') }),
  'list service accounts': (c, { middle }) => c.gql(`query($id: ID!) { organization(id: $id) { serviceAccounts { totalCount } } }`, { id: middle }),
  'create a service account': (c, { middle }) => c.gql(`mutation($o: ID!) { createServiceAccount(organizationId: $o, input: { name: "bot" }) { id } }`, { o: middle }),
  'protect a descendant from deletion': (c, { leaf }) => c.gql(`mutation($id: ID!) { setDeleteProtection(id: $id, enabled: false) { id } }`, { id: leaf }),
};

// What each built-in organization role may do on descendants of the organization it is held on.
const expectations: Record<string, Record<string, boolean>> = {
  org_owner: { 'read a descendant': true, 'update a descendant': true, 'create a child below': true, 'create a tenant': true, 'list service accounts': true, 'create a service account': true, 'protect a descendant from deletion': true },
  org_admin: { 'read a descendant': true, 'update a descendant': true, 'create a child below': true, 'create a tenant': true, 'list service accounts': true, 'create a service account': true, 'protect a descendant from deletion': false },
  org_member: { 'read a descendant': true, 'update a descendant': false, 'create a child below': false, 'create a tenant': false, 'list service accounts': true, 'create a service account': false, 'protect a descendant from deletion': false },
  org_viewer: { 'read a descendant': true, 'update a descendant': false, 'create a child below': false, 'create a tenant': false, 'list service accounts': false, 'create a service account': false, 'protect a descendant from deletion': false },
};

// The role is held on the top of a three-level tree; the checks run on the levels below.
describe('built-in organization roles apply to the organization and every descendant', () => {
  for (const [role, allowed] of Object.entries(expectations)) {
    it(`${role}: allowed and denied, two levels below the assignment`, async ({ tree: { root: top, child: middle, grandchild: leaf }, principal }) => {
      const { client } = await principal(top.id, role);
      for (const [name, action] of Object.entries(actions)) {
        const result = await action(client, { middle: middle.id, leaf: leaf.id });
        if (allowed[name]) expect(result.errors, `${role} should ${name}`).toBeUndefined();
        else expect(result.errors?.[0]?.extensions?.code, `${role} should not ${name}`).toBe('FORBIDDEN');
      }
    });
  }

  it('a role on a descendant grants nothing on its ancestors or siblings (NOT_FOUND, not FORBIDDEN)', async ({ stack, tree: { root: top, child: middle }, principal }) => {
    const sibling = await stack.createOrganization('Sibling', top.id);
    const { client } = await principal(middle.id, 'org_owner');
    for (const id of [top.id, sibling.id]) {
      const read = await client.gql(`query($id: ID!) { organization(id: $id) { id } }`, { id });
      expect(read.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const update = await client.gql(`mutation($id: ID!) { updateOrganization(id: $id, input: { name: "x" }) { id } }`, { id });
      expect(update.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
  });

  it('only the platform creates root organizations', async ({ admin, tree: { root: top }, principal }) => {
    const { client } = await principal(top.id, 'org_owner');
    const denied = await client.gql(`mutation { createOrganization(input: { name: "Rogue root" }) { id } }`);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const allowed = await admin.gql(`mutation($n: String!) { createOrganization(input: { name: $n }) { id depth } }`, { n: unique('Root by admin') });
    expect(allowed.data?.createOrganization.depth).toBe(0);
  });

  it('no token: UNAUTHENTICATED for queries and mutations', async ({ stack, organization: top }) => {
    for (const [query, variables] of [
      [`query($id: ID!) { organization(id: $id) { id } }`, { id: top.id }],
      [`mutation($id: ID!) { deleteOrganization(id: $id) }`, { id: top.id }],
      [`mutation($id: ID!) { createServiceAccount(organizationId: $id, input: { name: "x" }) { id } }`, { id: top.id }],
      [`{ roles { key } }`, {}],
    ] as const) {
      const result = await stack.anonymous.gql(query, variables);
      expect(result.errors?.[0]?.extensions?.code, query).toBe('UNAUTHENTICATED');
    }
  });
});

describe('assignRole and unassignRole', () => {
  const assign = `mutation($input: AssignRoleInput!) { assignRole(input: $input) { id role { key scope } organization { id } principal { ... on ServiceAccount { id name } } } }`;
  const unassign = `mutation($input: UnassignRoleInput!) { unassignRole(input: $input) }`;

  it('assigns, refuses a duplicate with CONFLICT, and the grant works and stops on the very next request', async ({ admin, tree: { root: top, grandchild: leaf }, principal }) => {
    const subject = await principal(top.id, null);
    const read = () => subject.client.gql(`query($id: ID!) { organization(id: $id) { id } }`, { id: leaf.id });
    expect((await read()).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const input = { principalId: subject.id, roleKey: 'org_viewer', organizationId: top.id };
    const assigned = await admin.ok(assign, { input });
    expect(assigned.assignRole).toMatchObject({ role: { key: 'org_viewer', scope: 'ORGANIZATION' }, organization: { id: top.id }, principal: { id: subject.id, name: 'test principal' } });
    expect((await read()).errors).toBeUndefined();

    const again = await admin.gql(assign, { input });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const removed = await admin.ok(unassign, { input });
    expect(removed.unassignRole).toBe(assigned.assignRole.id);
    expect((await read()).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const notHeld = await admin.gql(unassign, { input });
    expect(notHeld.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('refuses unknown roles and scope mismatches with BAD_USER_INPUT on roleKey', async ({ admin, organization: top, principal }) => {
    const subject = await principal(top.id, null);
    for (const input of [
      { principalId: subject.id, roleKey: 'org_superuser', organizationId: top.id },
      { principalId: subject.id, roleKey: 'platform_admin', organizationId: top.id },
      { principalId: subject.id, roleKey: 'tenant_admin', organizationId: top.id },
      { principalId: subject.id, roleKey: 'org_admin' },
    ]) {
      const result = await admin.gql(assign, { input });
      expect(result.errors?.[0]?.extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'roleKey' });
    }
    const unknownPrincipal = await admin.gql(assign, { input: { principalId: '01890a5d-ac96-774b-bcce-b302099a8057', roleKey: 'org_viewer', organizationId: top.id } });
    expect(unknownPrincipal.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('an admin cannot grant what it does not hold (org_owner), but can grant org_member', async ({ tree: { root: top, child: middle }, principal }) => {
    const orgAdmin = await principal(top.id, 'org_admin');
    const subject = await principal(top.id, null);
    const escalate = await orgAdmin.client.gql(assign, { input: { principalId: subject.id, roleKey: 'org_owner', organizationId: middle.id } });
    expect(escalate.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const ok = await orgAdmin.client.gql(assign, { input: { principalId: subject.id, roleKey: 'org_member', organizationId: middle.id } });
    expect(ok.errors).toBeUndefined();
    const member = await principal(top.id, 'org_member');
    const notAllowed = await member.client.gql(assign, { input: { principalId: subject.id, roleKey: 'org_viewer', organizationId: middle.id } });
    expect(notAllowed.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('keeps the last org_owner of an organization', async ({ admin, organization: top, principal }) => {
    const first = await principal(top.id, 'org_owner');
    const second = await principal(top.id, 'org_owner');
    await admin.ok(unassign, { input: { principalId: second.id, roleKey: 'org_owner', organizationId: top.id } });
    const last = await admin.gql(unassign, { input: { principalId: first.id, roleKey: 'org_owner', organizationId: top.id } });
    expect(last.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'LAST_OWNER' });
    expect((await first.client.gql(`query($id: ID!) { organization(id: $id) { id } }`, { id: top.id })).errors).toBeUndefined();
  });
});

describe('createOrganization with ownerId', () => {
  const create = `mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }`;

  it('makes the owner org_owner of the new organization in the same call', async ({ admin, tree: { root: top }, principal }) => {
    const owner = await principal(top.id, null);
    const created = await admin.ok(create, { input: { name: unique('Owned'), parentId: top.id, ownerId: owner.id } });
    const id = created.createOrganization.id;
    const permissions = await owner.client.ok(`query($id: ID!) { organization(id: $id) { permissions { action allowed } } }`, { id });
    expect(permissions.organization.permissions.every((p: { allowed: boolean }) => p.allowed)).toBe(true);
    // Ownership of the new organization reaches down, never up.
    const parent = await owner.client.gql(`query($id: ID!) { organization(id: $id) { id } }`, { id: top.id });
    expect(parent.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('an unknown owner is BAD_USER_INPUT on ownerId and leaves no organization behind', async ({ admin, tree: { root: top }, childCount }) => {
    const before = await childCount(top.id);
    const result = await admin.gql(create, { input: { name: unique('Orphan'), parentId: top.id, ownerId: '01890a5d-ac96-774b-bcce-b302099a8057' } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ownerId' });
    expect(await childCount(top.id)).toBe(before);
    const malformed = await admin.gql(create, { input: { name: unique('Orphan'), parentId: top.id, ownerId: 'nope' } });
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ownerId' });
    expect(await childCount(top.id)).toBe(before);
  });

  it('an admin cannot hand out ownership it does not hold: FORBIDDEN, nothing created', async ({ tree: { root: top }, principal, childCount }) => {
    const orgAdmin = await principal(top.id, 'org_admin');
    const before = await childCount(top.id);
    const result = await orgAdmin.client.gql(create, { input: { name: unique('Escalated'), parentId: top.id, ownerId: orgAdmin.id } });
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await childCount(top.id)).toBe(before);
  });
});
