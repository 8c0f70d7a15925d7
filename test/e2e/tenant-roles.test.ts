import { beforeAll, describe, expect, it } from 'vitest';
import { useTestStack, unique, type Client } from '../harness/stack.js';

const stack = useTestStack();
let admin: Client;
beforeAll(async () => {
  admin = await stack.admin();
});

const ASSIGN = `mutation($input: AssignRoleInput!) { assignRole(input: $input) { id role { key scope } tenant { id } organization { id } } }`;
const TENANT = `query($id: ID!) { tenant(id: $id) { id name organization { id } } }`;
const code = (r: { errors?: { extensions?: { code?: string } }[] }) => r.errors?.[0]?.extensions?.code;

async function world() {
  const org = await stack.createOrganization(unique('Tenant roles'));
  const create = `mutation($o: ID!, $n: String!) { createTenant(organizationId: $o, input: { name: $n }) { id } }`;
  const mine = (await admin.ok(create, { o: org.id, n: 'Mine' })).createTenant.id as string;
  const other = (await admin.ok(create, { o: org.id, n: 'Other' })).createTenant.id as string;
  return { org, mine, other };
}

async function withTenantRole(orgId: string, tenantId: string, roleKey: string) {
  const principal = await stack.principal(orgId, null);
  await admin.ok(ASSIGN, { input: { principalId: principal.id, roleKey, tenantId } });
  return principal;
}

describe('tenant-scope roles apply to that tenant only', () => {
  it('tenant_viewer reads its tenant, not the other one, and not the organization', async () => {
    const { org, mine, other } = await world();
    const { client } = await withTenantRole(org.id, mine, 'tenant_viewer');
    const read = await client.ok(TENANT, { id: mine });
    expect(read.tenant).toEqual({ id: mine, name: 'Mine', organization: null });
    expect(code(await client.gql(TENANT, { id: other }))).toBe('NOT_FOUND');
    expect(code(await client.gql(`query($id: ID!) { organization(id: $id) { id } }`, { id: org.id }))).toBe('NOT_FOUND');
    expect(code(await client.gql(`mutation($id: ID!) { updateTenant(id: $id, input: { name: "x" }) { id } }`, { id: mine }))).toBe('FORBIDDEN');
  });

  it('tenant_editor updates its tenant but cannot delete it', async () => {
    const { org, mine } = await world();
    const { client } = await withTenantRole(org.id, mine, 'tenant_editor');
    const updated = await client.ok(`mutation($id: ID!) { updateTenant(id: $id, input: { name: "Edited" }) { name } }`, { id: mine });
    expect(updated.updateTenant.name).toBe('Edited');
    expect(code(await client.gql(`mutation($id: ID!) { deleteTenant(id: $id) }`, { id: mine }))).toBe('FORBIDDEN');
    expect((await admin.ok(TENANT, { id: mine })).tenant.name).toBe('Edited');
  });

  it('tenant_admin assigns tenant roles in its tenant only, and nothing it does not hold', async () => {
    const { org, mine, other } = await world();
    const { client } = await withTenantRole(org.id, mine, 'tenant_admin');
    const subject = await stack.principal(org.id, null);
    const granted = await client.ok(ASSIGN, { input: { principalId: subject.id, roleKey: 'tenant_viewer', tenantId: mine } });
    expect(granted.assignRole).toMatchObject({ role: { key: 'tenant_viewer', scope: 'TENANT' }, tenant: { id: mine }, organization: null });
    expect((await subject.client.ok(TENANT, { id: mine })).tenant.id).toBe(mine);
    expect(code(await client.gql(ASSIGN, { input: { principalId: subject.id, roleKey: 'tenant_viewer', tenantId: other } }))).toBe('NOT_FOUND');
    expect(code(await client.gql(ASSIGN, { input: { principalId: subject.id, roleKey: 'org_viewer', organizationId: org.id } }))).toBe('NOT_FOUND');
  });

  it('organization roles reach every tenant of the organization and its descendants', async () => {
    const { org, mine } = await world();
    const child = await stack.createOrganization('Child', org.id);
    const childTenant = (await admin.ok(`mutation($o: ID!) { createTenant(organizationId: $o, input: { name: "Deep" }) { id } }`, { o: child.id })).createTenant.id;
    const { client } = await stack.principal(org.id, 'org_viewer');
    for (const id of [mine, childTenant]) expect((await client.ok(TENANT, { id })).tenant.organization).not.toBeNull();
  });

  it('refuses organization roles on a tenant and tenant roles on an organization', async () => {
    const { org, mine } = await world();
    const subject = await stack.principal(org.id, null);
    for (const input of [
      { principalId: subject.id, roleKey: 'org_admin', tenantId: mine },
      { principalId: subject.id, roleKey: 'tenant_admin', organizationId: org.id },
    ]) {
      expect((await admin.gql(ASSIGN, { input })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'roleKey' });
    }
  });
});
