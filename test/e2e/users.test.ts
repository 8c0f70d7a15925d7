/**
 * Users and the platform roles that manage them: createUser, user(id), users, deleteUser,
 * user_admin and custom PLATFORM roles, through the gateway.
 */
import { describe, expect } from 'vitest';
import { it, unique } from '../harness/fixtures.js';
import type { Client } from '../harness/stack.js';

const CREATE = `mutation($input: CreateUserInput!) { createUser(input: $input) { user { id email username displayName emailVerified source createdAt updatedAt } } }`;
const READ = `query($id: ID!) { user(id: $id) { id email permissions { action allowed } } }`;
const SEARCH = `query($search: String) { users(first: 100, search: $search) { totalCount edges { node { id email } } } }`;
const ASSIGNMENTS = `query($id: ID!) { roleAssignments(principalId: $id) { edges { node { role { key } organization { id } principal { __typename ... on User { id email } } } } } }`;

const email = (prefix: string) => `${unique(prefix).replace(' ', '.')}@Example.COM`;

async function userCount(admin: Client, search: string): Promise<number> {
  return (await admin.ok(SEARCH, { search })).users.totalCount;
}

describe('users', () => {
  it('creates a user: email and username unique case-insensitively, the domain lowercased, source local', async ({ admin }) => {
    const address = email('ann');
    const created = (await admin.ok(CREATE, { input: { email: `  ${address} `, displayName: 'Ann', username: unique('ann').replace(' ', '_') } })).createUser.user;
    const [local] = address.split('@');
    expect(created).toMatchObject({ email: `${local}@example.com`, displayName: 'Ann', emailVerified: false, source: 'local' });

    const sameEmail = await admin.gql(CREATE, { input: { email: address.toUpperCase() } });
    expect(sameEmail.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'email' });
    const sameUsername = await admin.gql(CREATE, { input: { email: email('other'), username: created.username.toUpperCase() } });
    expect(sameUsername.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'username' });
    expect(await userCount(admin, local!)).toBe(1);

    const read = (await admin.ok(READ, { id: created.id })).user;
    expect(read.permissions).toEqual([
      { action: 'user:read', allowed: true },
      { action: 'user:manage', allowed: true },
    ]);
    const listed = await admin.ok(SEARCH, { search: local!.toUpperCase() });
    expect(listed.users.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([created.id]);
  });

  it('refuses bad input with BAD_USER_INPUT on the field, and creates nothing', async ({ admin }) => {
    const marker = unique('bad').replace(' ', '-');
    for (const [input, field] of [
      [{ email: 'not-an-email' }, 'email'],
      [{ email: `${marker}@` }, 'email'],
      [{ email: `Ann <${marker}@example.com>` }, 'email'],
      [{ email: `${marker}@a@example.com` }, 'email'],
      [{ email: `${marker}@example.com`, username: 'x' }, 'username'],
      [{ email: `${marker}@example.com`, username: 'has space' }, 'username'],
      [{ email: `${marker}@example.com`, displayName: 'd'.repeat(201) }, 'displayName'],
      [{ email: `${marker}@example.com`, roleKeys: [''] }, 'roleKeys'],
    ] as const) {
      const result = await admin.gql(CREATE, { input });
      expect(result.errors?.[0]?.extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await userCount(admin, marker)).toBe(0);
    expect((await admin.gql(READ, { id: 'nope' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  it('shows a user to strangers as NOT_FOUND, exactly like an id that does not exist, and to readers of its organizations', async ({ admin, organization, principal, user }) => {
    const person = await user();
    const { client: stranger } = await principal(organization.id, 'org_admin');
    const hidden = await stranger.gql(READ, { id: person.id });
    const missing = await stranger.gql(READ, { id: '01900000-0000-7000-8000-000000000000' });
    expect(hidden.errors?.[0]).toMatchObject({ message: 'User not found', extensions: { code: 'NOT_FOUND' } });
    expect(missing.errors?.[0]).toMatchObject({ message: hidden.errors![0]!.message, extensions: hidden.errors![0]!.extensions });
    // Without user:read on the platform, the list is not theirs to read.
    expect((await stranger.gql(SEARCH, {})).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await stranger.gql(CREATE, { input: { email: email('nope') } })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await stranger.gql(`mutation($id: ID!) { deleteUser(id: $id) }`, { id: person.id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // A member of an organization the caller can read is visible, with what the caller may do.
    await admin.ok(`mutation($o: ID!, $u: ID!) { addMember(organizationId: $o, userId: $u, roleKey: "org_viewer") { id } }`, { o: organization.id, u: person.id });
    const visible = (await stranger.ok(READ, { id: person.id })).user;
    expect(visible).toMatchObject({ id: person.id, permissions: [{ action: 'user:read', allowed: false }, { action: 'user:manage', allowed: false }] });
  });

  it('user_admin creates, lists and deletes users, and grants only the platform roles it holds', async ({ admin, organization, principal }) => {
    const { id: userAdminId, client: userAdmin } = await principal(organization.id, null);
    await admin.ok(`mutation($id: ID!) { assignRole(input: { principalId: $id, roleKey: "user_admin" }) { id } }`, { id: userAdminId });

    const address = email('managed');
    const created = (await userAdmin.ok(CREATE, { input: { email: address, roleKeys: ['user_admin'] } })).createUser.user;
    const roles = await admin.ok(ASSIGNMENTS, { id: created.id });
    expect(roles.roleAssignments.edges.map((e: { node: { role: { key: string } } }) => e.node.role.key)).toEqual(['user_admin']);
    expect(roles.roleAssignments.edges[0].node.principal).toEqual({ __typename: 'User', id: created.id, email: created.email });
    expect(await userCount(userAdmin, address.split('@')[0]!)).toBe(1);

    // platform_admin is more than it holds: refused, and the user it would have made is not there.
    const escalation = email('escalation');
    const refused = await userAdmin.gql(CREATE, { input: { email: escalation, roleKeys: ['platform_admin'] } });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await userCount(admin, escalation.split('@')[0]!)).toBe(0);

    // Nor does it take away what it could not give: platform_admin stays, and so does a user holding it.
    const platformAdmin = (await admin.ok(CREATE, { input: { email: email('admin'), roleKeys: ['platform_admin'] } })).createUser.user;
    const unassign = await userAdmin.gql(`mutation($id: ID!) { unassignRole(input: { principalId: $id, roleKey: "platform_admin" }) }`, { id: platformAdmin.id });
    expect(unassign.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const deleteAdmin = await userAdmin.gql(`mutation($id: ID!) { deleteUser(id: $id) }`, { id: platformAdmin.id });
    expect(deleteAdmin.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await admin.ok(READ, { id: platformAdmin.id })).user.id).toBe(platformAdmin.id);
    const stillAdmin = await admin.ok(ASSIGNMENTS, { id: platformAdmin.id });
    expect(stillAdmin.roleAssignments.edges.map((e: { node: { role: { key: string } } }) => e.node.role.key)).toEqual(['platform_admin']);

    expect((await userAdmin.ok(`mutation($id: ID!) { deleteUser(id: $id) }`, { id: created.id })).deleteUser).toBe(created.id);
    expect((await admin.gql(READ, { id: created.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await userCount(admin, address.split('@')[0]!)).toBe(0);
    expect((await userAdmin.gql(`mutation($id: ID!) { deleteUser(id: $id) }`, { id: created.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('custom PLATFORM roles: platform administrators define them, createUser and assignRole grant them', async ({ admin, organization, principal }) => {
    const key = `reporter_${Math.random().toString(36).slice(2, 8)}`;
    const defined = await admin.ok(
      `mutation($input: CreateRoleInput!) { createRole(input: $input) { key scope builtIn organization { id } permissions } }`,
      { input: { key, name: 'Reporter', scope: 'PLATFORM', permissions: ['organization:read', 'audit:read'] } },
    );
    expect(defined.createRole).toEqual({ key, scope: 'PLATFORM', builtIn: false, organization: null, permissions: ['organization:read', 'audit:read'] });
    const listed = await admin.ok(`{ roles(scope: PLATFORM) { key } }`);
    expect(listed.roles.map((r: { key: string }) => r.key)).toEqual(expect.arrayContaining(['platform_admin', 'user_admin', key]));

    const created = (await admin.ok(CREATE, { input: { email: email('reporter'), roleKeys: [key] } })).createUser.user;
    const held = await admin.ok(ASSIGNMENTS, { id: created.id });
    expect(held.roleAssignments.edges.map((e: { node: { role: { key: string }; organization: null } }) => [e.node.role.key, e.node.organization])).toEqual([[key, null]]);
    const again = await admin.gql(`mutation($id: ID!, $key: String!) { assignRole(input: { principalId: $id, roleKey: $key }) { id } }`, { id: created.id, key });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const unknown = await admin.gql(CREATE, { input: { email: email('unknown-role'), roleKeys: ['no_such_role'] } });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'roleKeys' });
    const wrongScope = await admin.gql(CREATE, { input: { email: email('wrong-scope'), roleKeys: ['org_admin'] } });
    expect(wrongScope.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    // A platform role is defined without an organization, by whoever holds role:manage on the platform.
    const onOrganization = await admin.gql(`mutation($o: ID!) { createRole(organizationId: $o, input: { key: "p_role", name: "P", scope: PLATFORM, permissions: ["organization:read"] }) { key } }`, { o: organization.id });
    expect(onOrganization.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'scope' });
    const orgScoped = await admin.gql(`mutation { createRole(input: { key: "o_role", name: "O", scope: ORGANIZATION, permissions: ["organization:read"] }) { key } }`);
    expect(orgScoped.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'scope' });
    const { client: orgAdmin } = await principal(organization.id, 'org_admin');
    const notPlatform = await orgAdmin.gql(`mutation { createRole(input: { key: "mine", name: "Mine", scope: PLATFORM, permissions: ["organization:read"] }) { key } }`);
    expect(notPlatform.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const duplicate = await admin.gql(`mutation($key: String!) { createRole(input: { key: $key, name: "Again", scope: PLATFORM, permissions: ["organization:read"] }) { key } }`, { key });
    expect(duplicate.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'key' });
  });

  it('deleteUser takes memberships and role assignments with it: no listing shows them again', async ({ admin, organization, user }) => {
    const person = await user(['user_admin']);
    await admin.ok(`mutation($o: ID!, $u: ID!) { addMember(organizationId: $o, userId: $u, roleKey: "org_admin") { id } }`, { o: organization.id, u: person.id });
    const members = `query($o: ID!) { organization(id: $o) { members { totalCount } roleAssignments { edges { node { principal { ... on User { id } } } } } } }`;
    expect((await admin.ok(members, { o: organization.id })).organization.members.totalCount).toBe(1);

    await admin.ok(`mutation($id: ID!) { deleteUser(id: $id) }`, { id: person.id });
    const after = (await admin.ok(members, { o: organization.id })).organization;
    expect(after.members.totalCount).toBe(0);
    expect(after.roleAssignments.edges.filter((e: { node: { principal: { id?: string } } }) => e.node.principal.id === person.id)).toEqual([]);
    const platform = await admin.ok(`{ roleAssignments(first: 100) { edges { node { principal { ... on User { id } } } } } }`);
    expect(platform.roleAssignments.edges.filter((e: { node: { principal: { id?: string } } }) => e.node.principal.id === person.id)).toEqual([]);
    expect((await admin.gql(ASSIGNMENTS, { id: person.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const events = await admin.ok(`query($o: ID!) { auditEvents(organizationId: $o, first: 50) { edges { node { action } } } }`, { o: organization.id });
    expect(events.auditEvents.edges.map((e: { node: { action: string } }) => e.node.action)).toEqual(expect.arrayContaining(['membership.create', 'role_assignment.create']));
  });
});
