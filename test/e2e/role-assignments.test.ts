import { describe, expect } from 'vitest';
import { it, unique } from '../harness/fixtures.js';

const LIST = `query($o: ID, $t: ID, $p: ID, $first: Int, $after: String) {
  roleAssignments(organizationId: $o, tenantId: $t, principalId: $p, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id role { key } principal { ... on ServiceAccount { id } } } } } }`;
const code = (r: { errors?: { extensions?: { code?: string } }[] }) => r.errors?.[0]?.extensions?.code;

describe('listing role assignments', () => {
  it('lists the assignments made on an organization, pages them, filters by principal, and on the organization itself', async ({ organization: org, principal }) => {
    const member = await principal(org.id, 'org_member');
    const others = [await principal(org.id, 'org_viewer'), await principal(org.id, 'org_admin')];
    const all = await member.client.ok(LIST, { o: org.id, first: 2 });
    expect(all.roleAssignments.totalCount).toBe(3);
    expect(all.roleAssignments.edges).toHaveLength(2);
    const rest = await member.client.ok(LIST, { o: org.id, first: 2, after: all.roleAssignments.pageInfo.endCursor });
    expect([...all.roleAssignments.edges, ...rest.roleAssignments.edges].map((e: { node: { role: { key: string } } }) => e.node.role.key)).toEqual([
      'org_member',
      'org_viewer',
      'org_admin',
    ]);
    const one = await member.client.ok(LIST, { o: org.id, p: others[1]!.id });
    expect(one.roleAssignments.edges.map((e: { node: { principal: { id: string } } }) => e.node.principal.id)).toEqual([others[1]!.id]);
    const field = await member.client.ok(`query($id: ID!) { organization(id: $id) { roleAssignments { totalCount } } }`, { id: org.id });
    expect(field.organization.roleAssignments.totalCount).toBe(3);
  });

  it('needs role_assignment:read there; outsiders get NOT_FOUND', async ({ stack, organization: org, principal }) => {
    const viewer = await principal(org.id, 'org_viewer');
    expect(code(await viewer.client.gql(LIST, { o: org.id }))).toBe('FORBIDDEN');
    const field = await viewer.client.gql(`query($id: ID!) { organization(id: $id) { name roleAssignments { totalCount } } }`, { id: org.id });
    expect(field.data?.organization.name).toBeTruthy();
    expect(field.data?.organization.roleAssignments).toBeNull();
    expect(code(field)).toBe('FORBIDDEN');
    const outsider = await principal((await stack.createOrganization(unique('Out'))).id, 'org_owner');
    expect(code(await outsider.client.gql(LIST, { o: org.id }))).toBe('NOT_FOUND');
  });

  it('lists tenant assignments, the caller\'s own anywhere, and platform ones for platform admins', async ({ admin, organization: org, tenant: { id: tenant }, principal }) => {
    const subject = await principal(org.id, 'org_viewer');
    await admin.ok(`mutation($input: AssignRoleInput!) { assignRole(input: $input) { id } }`, { input: { principalId: subject.id, roleKey: 'tenant_admin', tenantId: tenant } });
    const onTenant = await subject.client.ok(LIST, { t: tenant });
    expect(onTenant.roleAssignments.edges.map((e: { node: { role: { key: string } } }) => e.node.role.key)).toEqual(['tenant_admin']);
    const own = await subject.client.ok(LIST, { p: subject.id });
    expect(own.roleAssignments.totalCount).toBe(2);
    expect((await subject.client.gql(LIST, {})).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'organizationId' });
    const platform = await admin.ok(LIST, {});
    expect(platform.roleAssignments.edges.some((e: { node: { role: { key: string } } }) => e.node.role.key === 'platform_admin')).toBe(true);
  });

  it('never reuses one organization\'s answer for another within a request', async ({ stack, organization: mine, principal }) => {
    const theirs = await stack.createOrganization(unique('Cache theirs'));
    const owner = await principal(mine.id, 'org_owner');
    const result = await owner.client.gql(`query($a: ID!, $b: ID!) { a: organization(id: $a) { id } b: organization(id: $b) { id } c: organization(id: $a) { permissions { allowed } } }`, {
      a: mine.id,
      b: theirs.id,
    });
    expect(result.data?.a).toEqual({ id: mine.id });
    expect(result.data?.b).toBeNull();
    expect(result.data?.c.permissions.every((p: { allowed: boolean }) => p.allowed)).toBe(true);
    expect(result.errors?.map((e) => [e.path?.[0], e.extensions?.code])).toEqual([['b', 'NOT_FOUND']]);
  });
});
