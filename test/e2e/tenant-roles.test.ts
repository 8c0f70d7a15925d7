import { describe, expect } from 'vitest';
import { test } from '../harness/fixtures.js';

const ASSIGN = `mutation($input: AssignRoleInput!) { assignRole(input: $input) { id role { key scope } tenant { id } organization { id } } }`;
const TENANT = `query($id: ID!) { tenant(id: $id) { id name organization { id } } }`;
const code = (r: { errors?: { extensions?: { code?: string } }[] }) => r.errors?.[0]?.extensions?.code;

const it = test
  /** An organization with two tenants, Mine and Other. */
  .extend('world', async ({ admin, organization: org }) => {
    const create = `mutation($o: ID!, $n: String!) { createTenant(organizationId: $o, input: { name: $n }) { id } }`;
    const mine = (await admin.ok(create, { o: org.id, n: 'Mine' })).createTenant.id as string;
    const other = (await admin.ok(create, { o: org.id, n: 'Other' })).createTenant.id as string;
    return { org, mine, other };
  })
  /** Makes a principal of the organization holding a tenant role on one tenant. */
  .extend('withTenantRole', ({ admin, principal }) => async (orgId: string, tenantId: string, roleKey: string) => {
    const holder = await principal(orgId, null);
    await admin.ok(ASSIGN, { input: { principalId: holder.id, roleKey, tenantId } });
    return holder;
  });

describe('tenant-scope roles apply to that tenant only', () => {
  it('tenant_viewer reads its tenant, not the other one, and not the organization', async ({ world: { org, mine, other }, withTenantRole }) => {
    const { client } = await withTenantRole(org.id, mine, 'tenant_viewer');
    const read = await client.ok(TENANT, { id: mine });
    expect(read.tenant).toEqual({ id: mine, name: 'Mine', organization: null });
    expect(code(await client.gql(TENANT, { id: other }))).toBe('NOT_FOUND');
    expect(code(await client.gql(`query($id: ID!) { organization(id: $id) { id } }`, { id: org.id }))).toBe('NOT_FOUND');
    expect(code(await client.gql(`mutation($id: ID!) { updateTenant(id: $id, input: { name: "x" }) { id } }`, { id: mine }))).toBe('FORBIDDEN');
  });

  it('tenant_editor updates its tenant but cannot delete it', async ({ admin, world: { org, mine }, withTenantRole }) => {
    const { client } = await withTenantRole(org.id, mine, 'tenant_editor');
    const updated = await client.ok(`mutation($id: ID!) { updateTenant(id: $id, input: { name: "Edited" }) { name } }`, { id: mine });
    expect(updated.updateTenant.name).toBe('Edited');
    expect(code(await client.gql(`mutation($id: ID!) { deleteTenant(id: $id) }`, { id: mine }))).toBe('FORBIDDEN');
    expect((await admin.ok(TENANT, { id: mine })).tenant.name).toBe('Edited');
  });

  it('tenant_admin assigns tenant roles in its tenant only, and nothing it does not hold', async ({ world: { org, mine, other }, withTenantRole, principal }) => {
    const { client } = await withTenantRole(org.id, mine, 'tenant_admin');
    const subject = await principal(org.id, null);
    const granted = await client.ok(ASSIGN, { input: { principalId: subject.id, roleKey: 'tenant_viewer', tenantId: mine } });
    expect(granted.assignRole).toMatchObject({ role: { key: 'tenant_viewer', scope: 'TENANT' }, tenant: { id: mine }, organization: null });
    expect((await subject.client.ok(TENANT, { id: mine })).tenant.id).toBe(mine);
    expect(code(await client.gql(ASSIGN, { input: { principalId: subject.id, roleKey: 'tenant_viewer', tenantId: other } }))).toBe('NOT_FOUND');
    expect(code(await client.gql(ASSIGN, { input: { principalId: subject.id, roleKey: 'org_viewer', organizationId: org.id } }))).toBe('NOT_FOUND');
  });

  it('organization roles reach every tenant of the organization and its descendants', async ({ stack, admin, world: { org, mine }, principal }) => {
    const child = await stack.createOrganization('Child', org.id);
    const childTenant = (await admin.ok(`mutation($o: ID!) { createTenant(organizationId: $o, input: { name: "Deep" }) { id } }`, { o: child.id })).createTenant.id;
    const { client } = await principal(org.id, 'org_viewer');
    for (const id of [mine, childTenant]) expect((await client.ok(TENANT, { id })).tenant.organization).not.toBeNull();
  });

  it('refuses organization roles on a tenant and tenant roles on an organization', async ({ admin, world: { org, mine }, principal }) => {
    const subject = await principal(org.id, null);
    for (const input of [
      { principalId: subject.id, roleKey: 'org_admin', tenantId: mine },
      { principalId: subject.id, roleKey: 'tenant_admin', organizationId: org.id },
    ]) {
      expect((await admin.gql(ASSIGN, { input })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'roleKey' });
    }
  });
});
