import { describe, expect } from 'vitest';
import { it, unique } from '../harness/fixtures.js';

type Checks = { action: string; allowed: boolean }[];
const asMap = (checks: Checks) => Object.fromEntries(checks.map((c) => [c.action, c.allowed]));

describe('permissions on every object', () => {
  it('answers, for an org_member, every catalog action on tenants, service accounts, credentials and assignments', async ({ admin, organization: org, tenant: _tenant, principal }) => {
    const member = await principal(org.id, 'org_member');
    const data = await member.client.ok(
      `query($id: ID!, $sa: ID!) {
        organization(id: $id) { tenants { edges { node { permissions { action allowed } } } } }
        serviceAccount(id: $sa) { permissions { action allowed } credentials { permissions { action allowed } } }
      }`,
      { id: org.id, sa: member.id },
    );
    expect(asMap(data.organization.tenants.edges[0].node.permissions)).toEqual({
      'tenant:read': true,
      'tenant:update': false,
      'tenant:delete': false,
      'member:read': true,
      'member:invite': false,
      'role_assignment:read': true,
      'role_assignment:manage': false,
    });
    expect(asMap(data.serviceAccount.permissions)).toEqual({ 'service_account:read': true, 'service_account:manage': false });
    expect(asMap(data.serviceAccount.credentials[0].permissions)).toEqual({ 'service_account:read': true, 'service_account:manage': false });

    const subject = await principal(org.id, null);
    const assigned = await admin.ok(
      `mutation($input: AssignRoleInput!) { assignRole(input: $input) { permissions { action allowed } } }`,
      { input: { principalId: subject.id, roleKey: 'org_viewer', organizationId: org.id } },
    );
    expect(asMap(assigned.assignRole.permissions)).toEqual({ 'role_assignment:read': true, 'role_assignment:manage': true });
  });

  it('a tenant_editor sees tenant:update allowed on its tenant only', async ({ admin, organization: org, principal }) => {
    const create = `mutation($o: ID!, $n: String!) { createTenant(organizationId: $o, input: { name: $n }) { id } }`;
    const mine = (await admin.ok(create, { o: org.id, n: 'Mine' })).createTenant.id;
    const editor = await principal(org.id, null);
    await admin.ok(`mutation($input: AssignRoleInput!) { assignRole(input: $input) { id } }`, { input: { principalId: editor.id, roleKey: 'tenant_editor', tenantId: mine } });
    const data = await editor.client.ok(`query($id: ID!) { tenant(id: $id) { permissions { action allowed } } }`, { id: mine });
    expect(asMap(data.tenant.permissions)).toMatchObject({ 'tenant:read': true, 'tenant:update': true, 'tenant:delete': false });
  });

  it('tenants with their permissions cost the same statements for 50 as for 2', async ({ stack, admin }) => {
    const count = async (tenants: number) => {
      const org = await stack.createOrganization(unique('Many tenants'));
      for (let i = 0; i < tenants; i++) await admin.ok(`mutation($o: ID!, $n: String!) { createTenant(organizationId: $o, input: { name: $n }) { id } }`, { o: org.id, n: `t${i}` });
      const db = stack.stack.databases.organizations;
      const before = db.statements;
      const data = await admin.ok(`query($id: ID!) { organization(id: $id) { tenants(first: 100) { edges { node { id permissions { allowed } } } } } }`, { id: org.id });
      expect(data.organization.tenants.edges).toHaveLength(tenants);
      return db.statements - before;
    };
    expect(await count(50)).toBe(await count(2));
  });
});
