import { describe, expect } from 'vitest';
import { it, unique } from '../harness/fixtures.js';

const CAN = `query($action: String!, $org: ID, $tenant: ID) {
  can(action: $action, organizationId: $org, tenantId: $tenant) {
    allowed reason rolesThatGrant grantedBy { id role { key } organization { id } }
  }
}`;

describe('can: the answer and why', () => {
  it('names the granting assignment and the inheritance path through three levels', async ({ stack, admin, principal }) => {
    const acme = await stack.createOrganization(unique('Acme'));
    const eu = await stack.createOrganization('EU', acme.id);
    const berlin = await stack.createOrganization('Berlin', eu.id);
    const orgAdmin = await principal(acme.id, 'org_admin');
    const result = (await orgAdmin.client.ok(CAN, { action: 'tenant:create', org: berlin.id })).can;
    expect(result.allowed).toBe(true);
    expect(result.grantedBy).toHaveLength(1);
    expect(result.grantedBy[0]).toMatchObject({ role: { key: 'org_admin' }, organization: { id: acme.id } });
    const acmeName = (await admin.ok(`query($id: ID!) { organization(id: $id) { name } }`, { id: acme.id })).organization.name;
    expect(result.reason).toBe(`Allowed on ${acmeName}/EU/Berlin by org_admin on ${acmeName}, inherited by ${acmeName}/EU/Berlin`);
  });

  it('says what is missing when denied', async ({ organization: org, principal }) => {
    const viewer = await principal(org.id, 'org_viewer');
    const result = (await viewer.client.ok(CAN, { action: 'organization:delete', org: org.id })).can;
    expect(result.allowed).toBe(false);
    expect(result.grantedBy).toEqual([]);
    expect(result.rolesThatGrant).toEqual(['platform_admin', 'org_owner']);
    expect(result.reason).toContain('you hold org_viewer on');
    expect(result.reason).toContain('none of which grants organization:delete');
  });

  it('explains platform grants and tenant grants', async ({ admin, organization: org, principal }) => {
    const platform = (await admin.ok(CAN, { action: 'organization:delete', org: org.id })).can;
    expect(platform.allowed).toBe(true);
    expect(platform.reason).toContain('platform_admin on the platform');
    expect(platform.grantedBy[0].role.key).toBe('platform_admin');

    const tenant = (await admin.ok(`mutation($o: ID!) { createTenant(organizationId: $o, input: { name: "Prod" }) { id } }`, { o: org.id })).createTenant.id;
    const editor = await principal(org.id, null);
    await admin.ok(`mutation($input: AssignRoleInput!) { assignRole(input: $input) { id } }`, { input: { principalId: editor.id, roleKey: 'tenant_editor', tenantId: tenant } });
    const onTenant = (await editor.client.ok(CAN, { action: 'tenant:update', tenant })).can;
    expect(onTenant.allowed).toBe(true);
    expect(onTenant.reason).toContain('tenant_editor on this tenant');
    const onOrganization = await editor.client.gql(CAN, { action: 'tenant:update', org: org.id });
    expect(onOrganization.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses unknown actions, and hides what the caller cannot see', async ({ stack, admin, organization: org, principal }) => {
    const outsider = await principal((await stack.createOrganization(unique('Elsewhere'))).id, 'org_owner');
    expect((await admin.gql(CAN, { action: 'organization:fly', org: org.id })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'action' });
    expect((await outsider.client.gql(CAN, { action: 'organization:read', org: org.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
