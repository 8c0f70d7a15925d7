import { describe, expect } from 'vitest';
import { it, unique } from '../harness/fixtures.js';

const CREATE = `mutation($o: ID!, $input: CreateRoleInput!) { createRole(organizationId: $o, input: $input) { id key name scope builtIn permissions organization { id } } }`;
const ASSIGN = `mutation($input: AssignRoleInput!) { assignRole(input: $input) { id role { id key builtIn } } }`;
const code = (r: { errors?: { extensions?: { code?: string } }[] }) => r.errors?.[0]?.extensions?.code;

describe('custom roles', () => {
  it('are defined by an organization, listed and assignable there and below, and their permissions apply', async ({ stack, admin, organization: top, principal }) => {
    const child = await stack.createOrganization('Child', top.id);
    const role = (await admin.ok(CREATE, { o: top.id, input: { key: 'tenant_creator', name: 'Tenant creator', scope: 'ORGANIZATION', permissions: ['organization:read', 'tenant:read', 'tenant:create'] } })).createRole;
    expect(role).toMatchObject({ key: 'tenant_creator', builtIn: false, scope: 'ORGANIZATION', organization: { id: top.id } });

    const listed = await admin.ok(`query($o: ID!) { roles(organizationId: $o, scope: ORGANIZATION) { key builtIn } }`, { o: child.id });
    expect(listed.roles.map((r: { key: string }) => r.key)).toEqual(['org_owner', 'org_admin', 'org_member', 'org_viewer', 'tenant_creator']);

    const subject = await principal(top.id, null);
    const assigned = await admin.ok(ASSIGN, { input: { principalId: subject.id, roleKey: 'tenant_creator', organizationId: child.id } });
    expect(assigned.assignRole.role).toEqual({ id: role.id, key: 'tenant_creator', builtIn: false });
    const created = await subject.client.gql(`mutation($o: ID!) { createTenant(organizationId: $o, input: { name: "By custom" }) { id } }`, { o: child.id });
    expect(created.errors).toBeUndefined();
    expect(code(await subject.client.gql(`mutation($id: ID!) { updateOrganization(id: $id, input: { name: "x" }) { id } }`, { id: child.id }))).toBe('FORBIDDEN');

    // Changing the role changes what its holders may do on their next request.
    await admin.ok(`mutation($id: ID!) { updateRole(id: $id, input: { permissions: ["organization:read", "tenant:read"] }) { permissions } }`, { id: role.id });
    expect(code(await subject.client.gql(`mutation($o: ID!) { createTenant(organizationId: $o, input: { name: "Again" }) { id } }`, { o: child.id }))).toBe('FORBIDDEN');

    // A sibling organization does not see the role.
    const elsewhere = await stack.createOrganization(unique('Elsewhere'));
    expect((await admin.gql(ASSIGN, { input: { principalId: subject.id, roleKey: 'tenant_creator', organizationId: elsewhere.id } })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'roleKey' });
  });

  it('cannot be deleted while assigned unless the caller says what happens to the assignments', async ({ admin, organization: top, principal }) => {
    const role = (await admin.ok(CREATE, { o: top.id, input: { key: 'auditor', name: 'Auditor', scope: 'ORGANIZATION', permissions: ['organization:read', 'audit:read'] } })).createRole;
    const a = await principal(top.id, null);
    const b = await principal(top.id, null);
    for (const p of [a, b]) await admin.ok(ASSIGN, { input: { principalId: p.id, roleKey: 'auditor', organizationId: top.id } });

    const refused = await admin.gql(`mutation($id: ID!) { deleteRole(id: $id) }`, { id: role.id });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ROLE_IN_USE', assignments: 2 });
    const bothWays = await admin.gql(`mutation($id: ID!) { deleteRole(id: $id, input: { removeAssignments: true, reassignTo: "org_viewer" }) }`, { id: role.id });
    expect(bothWays.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reassignTo' });

    expect((await admin.ok(`mutation($id: ID!) { deleteRole(id: $id, input: { reassignTo: "org_viewer" }) }`, { id: role.id })).deleteRole).toBe(role.id);
    const roles = await a.client.ok(`{ me { roleAssignments { role { key } } } }`);
    expect(roles.me.roleAssignments.map((r: { role: { key: string } }) => r.role.key)).toEqual(['org_viewer']);

    const second = (await admin.ok(CREATE, { o: top.id, input: { key: 'auditor', name: 'Auditor again', scope: 'ORGANIZATION', permissions: ['organization:read'] } })).createRole;
    await admin.ok(ASSIGN, { input: { principalId: b.id, roleKey: 'auditor', organizationId: top.id } });
    await admin.ok(`mutation($id: ID!) { deleteRole(id: $id, input: { removeAssignments: true }) }`, { id: second.id });
    const left = await b.client.ok(`{ me { roleAssignments { role { key } } } }`);
    expect(left.me.roleAssignments.map((r: { role: { key: string } }) => r.role.key)).toEqual(['org_viewer']);
  });

  it('refuses bad definitions and escalation', async ({ admin, organization: top, principal }) => {
    for (const [input, field] of [
      [{ key: 'Bad Key', name: 'x', scope: 'ORGANIZATION', permissions: ['organization:read'] }, 'key'],
      [{ key: 'ok_key', name: 'x', scope: 'ORGANIZATION', permissions: ['organization:fly'] }, 'permissions'],
      [{ key: 'ok_key', name: 'x', scope: 'ORGANIZATION', permissions: [] }, 'permissions'],
      [{ key: 'ok_key', name: 'x', scope: 'TENANT', permissions: ['organization:delete'] }, 'permissions'],
      [{ key: 'ok_key', name: 'x', scope: 'PLATFORM', permissions: ['organization:read'] }, 'scope'],
      [{ key: 'ok_key', name: '', scope: 'ORGANIZATION', permissions: ['organization:read'] }, 'name'],
    ] as const) {
      expect((await admin.gql(CREATE, { o: top.id, input })).errors?.[0]?.extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect((await admin.gql(CREATE, { o: top.id, input: { key: 'org_admin', name: 'x', scope: 'ORGANIZATION', permissions: ['organization:read'] } })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const orgAdmin = await principal(top.id, 'org_admin');
    const escalation = await orgAdmin.client.gql(CREATE, { o: top.id, input: { key: 'deleter', name: 'Deleter', scope: 'ORGANIZATION', permissions: ['organization:delete'] } });
    expect(code(escalation)).toBe('FORBIDDEN');
    const member = await principal(top.id, 'org_member');
    expect(code(await member.client.gql(CREATE, { o: top.id, input: { key: 'reader', name: 'Reader', scope: 'ORGANIZATION', permissions: ['organization:read'] } }))).toBe('FORBIDDEN');
    const roles = await admin.ok(`query($o: ID!) { roles(organizationId: $o) { key } }`, { o: top.id });
    expect(roles.roles.every((r: { key: string }) => !['deleter', 'reader', 'ok_key'].includes(r.key))).toBe(true);
  });
});
