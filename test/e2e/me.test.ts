import { describe, expect } from 'vitest';
import { it, unique } from '../harness/fixtures.js';

const ME = `{
  me {
    principal { ... on ServiceAccount { id name } }
    platformPermissions
    roleAssignments { id role { key } organization { id } tenant { id } }
    organizations(first: 100) { totalCount edges { roles node { id name permissions { action allowed } } } }
    tenants(first: 100) { totalCount edges { roles node { id name } } }
  }
}`;

describe('me', () => {
  it('returns the caller, what it reaches (inherited included) with its roles there, and its own assignments', async ({ stack, admin, organization: top, principal }) => {
    const child = await stack.createOrganization('Child', top.id);
    const sibling = await stack.createOrganization(unique('Me sibling'));
    const create = `mutation($o: ID!, $n: String!) { createTenant(organizationId: $o, input: { name: $n }) { id } }`;
    const childTenant = (await admin.ok(create, { o: child.id, n: 'Child tenant' })).createTenant.id;
    const siblingTenant = (await admin.ok(create, { o: sibling.id, n: 'Sibling tenant' })).createTenant.id;
    const subject = await principal(top.id, 'org_viewer');
    await admin.ok(`mutation($input: AssignRoleInput!) { assignRole(input: $input) { id } }`, { input: { principalId: subject.id, roleKey: 'tenant_editor', tenantId: siblingTenant } });

    const { me } = await subject.client.ok(ME);
    expect(me.principal).toEqual({ id: subject.id, name: 'test principal' });
    expect(me.platformPermissions).toEqual([]);
    expect(me.roleAssignments.map((a: { role: { key: string } }) => a.role.key).sort()).toEqual(['org_viewer', 'tenant_editor']);

    expect(me.organizations.totalCount).toBe(2);
    const orgs = me.organizations.edges.map((e: { roles: string[]; node: { id: string; permissions: { action: string; allowed: boolean }[] } }) => ({ id: e.node.id, roles: e.roles }));
    expect(orgs).toEqual([{ id: top.id, roles: ['org_viewer'] }, { id: child.id, roles: ['org_viewer'] }]);
    const childPermissions = me.organizations.edges[1].node.permissions.filter((p: { allowed: boolean }) => p.allowed).map((p: { action: string }) => p.action);
    expect(childPermissions).toEqual(['organization:read', 'tenant:read', 'role:read']);

    const tenants = me.tenants.edges.map((e: { roles: string[]; node: { id: string } }) => ({ id: e.node.id, roles: e.roles }));
    expect(tenants).toEqual(expect.arrayContaining([{ id: childTenant, roles: ['org_viewer'] }, { id: siblingTenant, roles: ['tenant_editor'] }]));
    expect(tenants).toHaveLength(2);
  });

  // The tree makes a second page of two, whatever else the database holds.
  it('pages through what a platform admin reaches', async ({ admin, tree: _tree }) => {
    const first = await admin.ok(`{ me { platformPermissions organizations(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { roles } } } }`);
    expect(first.me.platformPermissions).toContain('organization:delete');
    expect(first.me.organizations.edges).toHaveLength(2);
    expect(first.me.organizations.edges[0].roles).toEqual(['platform_admin']);
    expect(first.me.organizations.pageInfo.hasNextPage).toBe(true);
  });

  it('needs a token', async ({ stack }) => {
    expect((await stack.anonymous.gql(`{ me { platformPermissions } }`)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
