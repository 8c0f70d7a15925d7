/**
 * Memberships: addMember, updateMember, removeMember, Organization.members, User.memberships and
 * Membership.roleAssignments, both ways for member:read and member:manage.
 */
import { describe, expect } from 'vitest';
import { it } from '../harness/fixtures.js';

const ADD = `mutation($o: ID!, $u: ID!, $role: String) { addMember(organizationId: $o, userId: $u, roleKey: $role) {
  id status organization { id } user { id email } roleAssignments { role { key } tenant { id } } permissions { action allowed } } }`;
const UPDATE = `mutation($o: ID!, $u: ID!, $status: MembershipStatus) { updateMember(organizationId: $o, userId: $u, input: { status: $status }) { id status } }`;
const REMOVE = `mutation($o: ID!, $u: ID!) { removeMember(organizationId: $o, userId: $u) }`;
const MEMBERS = `query($o: ID!, $status: MembershipStatus, $search: String) { organization(id: $o) {
  members(status: $status, search: $search) { totalCount edges { node { user { id email } status roleAssignments { role { key } } } } } } }`;
const ORG_ASSIGNMENTS = `query($o: ID!) { roleAssignments(organizationId: $o, first: 100) { edges { node { role { key } principal { ... on User { id } } } } } }`;

describe('memberships', () => {
  it('adds a member with a role, lists, disables, filters and removes; the role goes with the membership', async ({ admin, organization, user }) => {
    const ann = await user();
    const bob = await user();
    const added = (await admin.ok(ADD, { o: organization.id, u: ann.id, role: 'org_admin' })).addMember;
    expect(added).toMatchObject({
      status: 'ACTIVE',
      organization: { id: organization.id },
      user: { id: ann.id, email: ann.email },
      roleAssignments: [{ role: { key: 'org_admin' }, tenant: null }],
    });
    expect(added.permissions).toEqual(expect.arrayContaining([{ action: 'member:read', allowed: true }, { action: 'member:manage', allowed: true }]));
    // Without a roleKey a member gets org_member.
    expect((await admin.ok(ADD, { o: organization.id, u: bob.id })).addMember.roleAssignments).toEqual([{ role: { key: 'org_member' }, tenant: null }]);
    const again = await admin.gql(ADD, { o: organization.id, u: ann.id, role: 'org_viewer' });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const all = (await admin.ok(MEMBERS, { o: organization.id })).organization.members;
    expect(all.totalCount).toBe(2);
    expect(all.edges.map((e: { node: { user: { id: string } } }) => e.node.user.id)).toEqual([ann.id, bob.id]);
    const searched = (await admin.ok(MEMBERS, { o: organization.id, search: bob.email.toUpperCase() })).organization.members;
    expect(searched.edges.map((e: { node: { user: { id: string } } }) => e.node.user.id)).toEqual([bob.id]);

    expect((await admin.ok(UPDATE, { o: organization.id, u: bob.id, status: 'DISABLED' })).updateMember.status).toBe('DISABLED');
    const disabled = (await admin.ok(MEMBERS, { o: organization.id, status: 'DISABLED' })).organization.members;
    expect(disabled.edges.map((e: { node: { user: { id: string }; status: string } }) => [e.node.user.id, e.node.status])).toEqual([[bob.id, 'DISABLED']]);
    // A disabled member keeps its roles, unused, for when it is enabled again.
    expect(disabled.edges[0].node.roleAssignments).toEqual([{ role: { key: 'org_member' } }]);

    const membershipOfBob = (await admin.ok(`query($u: ID!) { user(id: $u) { memberships { edges { node { id organization { id } status } } } } }`, { u: bob.id })).user.memberships.edges;
    expect(membershipOfBob.map((e: { node: { organization: { id: string } } }) => e.node.organization.id)).toEqual([organization.id]);
    expect((await admin.ok(REMOVE, { o: organization.id, u: bob.id })).removeMember).toBe(membershipOfBob[0].node.id);
    const assignments = (await admin.ok(ORG_ASSIGNMENTS, { o: organization.id })).roleAssignments.edges;
    expect(assignments.filter((e: { node: { principal: { id?: string } } }) => e.node.principal.id === bob.id)).toEqual([]);
    expect((await admin.ok(MEMBERS, { o: organization.id })).organization.members.totalCount).toBe(1);
    expect((await admin.gql(REMOVE, { o: organization.id, u: bob.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const events = await admin.ok(`query($o: ID!) { auditEvents(organizationId: $o, first: 50) { edges { node { action } } } }`, { o: organization.id });
    expect(events.auditEvents.edges.map((e: { node: { action: string } }) => e.node.action)).toEqual(
      expect.arrayContaining(['membership.create', 'membership.update', 'membership.delete']),
    );
  });

  it('a membership lists the assignments on its organization and its tenants', async ({ admin, organization, tenant, user }) => {
    const ann = await user();
    await admin.ok(ADD, { o: organization.id, u: ann.id, role: 'org_viewer' });
    await admin.ok(`mutation($u: ID!, $t: ID!) { assignRole(input: { principalId: $u, roleKey: "tenant_editor", tenantId: $t }) { id } }`, { u: ann.id, t: tenant.id });
    const members = (await admin.ok(MEMBERS, { o: organization.id })).organization.members.edges;
    expect(members[0].node.roleAssignments.map((a: { role: { key: string } }) => a.role.key)).toEqual(['org_viewer', 'tenant_editor']);
  });

  it('a user gets roles in an organization only as an active member there or above', async ({ admin, tree, user }) => {
    const ann = await user();
    const assign = `mutation($u: ID!, $o: ID!) { assignRole(input: { principalId: $u, roleKey: "org_viewer", organizationId: $o }) { id } }`;
    const outsider = await admin.gql(assign, { u: ann.id, o: tree.child.id });
    expect(outsider.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'principalId' });
    // A member of the root may be given roles below it.
    await admin.ok(ADD, { o: tree.root.id, u: ann.id, role: 'org_viewer' });
    await admin.ok(assign, { u: ann.id, o: tree.child.id });
    // But not while the membership is disabled.
    await admin.ok(UPDATE, { o: tree.root.id, u: ann.id, status: 'DISABLED' });
    const disabled = await admin.gql(assign, { u: ann.id, o: tree.grandchild.id });
    expect(disabled.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'principalId' });
  });

  it('a refused role takes the membership back; bad input changes nothing', async ({ admin, organization, principal, user, stack }) => {
    const ann = await user();
    const unknown = await admin.gql(ADD, { o: organization.id, u: ann.id, role: 'no_such_role' });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'roleKey' });
    expect((await admin.ok(MEMBERS, { o: organization.id })).organization.members.totalCount).toBe(0);
    // org_admin cannot hand out org_owner (organization:delete is not theirs), here to a member of the parent.
    const child = await stack.createOrganization('Child', organization.id);
    await admin.ok(ADD, { o: organization.id, u: ann.id, role: 'org_viewer' });
    const { client: orgAdmin } = await principal(organization.id, 'org_admin');
    const escalation = await orgAdmin.gql(ADD, { o: child.id, u: ann.id, role: 'org_owner' });
    expect(escalation.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await admin.ok(MEMBERS, { o: child.id })).organization.members.totalCount).toBe(0);
    expect((await orgAdmin.ok(ADD, { o: child.id, u: ann.id, role: 'org_viewer' })).addMember.user.id).toBe(ann.id);

    for (const [variables, field] of [
      [{ o: 'nope', u: ann.id }, 'organizationId'],
      [{ o: organization.id, u: 'nope' }, 'userId'],
    ] as const) {
      expect((await admin.gql(ADD, variables)).errors?.[0]?.extensions, JSON.stringify(variables)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect((await admin.gql(ADD, { o: organization.id, u: '01900000-0000-7000-8000-000000000000' })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const stranger = await stack.user();
    expect((await admin.gql(UPDATE, { o: organization.id, u: stranger.id, status: 'DISABLED' })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await admin.gql(UPDATE, { o: organization.id, u: ann.id, status: 'GONE' })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('the last org_owner cannot be removed as a member; nothing changes', async ({ admin, organization, user }) => {
    const owner = await user();
    await admin.ok(ADD, { o: organization.id, u: owner.id, role: 'org_owner' });
    const refused = await admin.gql(REMOVE, { o: organization.id, u: owner.id });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'LAST_OWNER' });
    const members = (await admin.ok(MEMBERS, { o: organization.id })).organization.members;
    expect(members.edges.map((e: { node: { user: { id: string }; roleAssignments: { role: { key: string } }[] } }) => [e.node.user.id, e.node.roleAssignments[0]?.role.key])).toEqual([
      [owner.id, 'org_owner'],
    ]);
  });

  it('removing a member ends its roles below too, unless another membership backs them; re-adding brings none back', async ({ admin, tree, user }) => {
    const dave = await user();
    const bea = await user();
    for (const person of [dave, bea]) await admin.ok(ADD, { o: tree.root.id, u: person.id, role: 'org_viewer' });
    const assign = `mutation($u: ID!, $o: ID!) { assignRole(input: { principalId: $u, roleKey: "org_admin", organizationId: $o }) { id } }`;
    await admin.ok(assign, { u: dave.id, o: tree.child.id });
    await admin.ok(assign, { u: bea.id, o: tree.child.id });
    // Bea also belongs to the child itself: her role there does not hang on the root membership.
    await admin.ok(ADD, { o: tree.child.id, u: bea.id, role: 'org_viewer' });

    for (const person of [dave, bea]) await admin.ok(REMOVE, { o: tree.root.id, u: person.id });
    const left = (await admin.ok(ORG_ASSIGNMENTS, { o: tree.child.id })).roleAssignments.edges.map(
      (e: { node: { role: { key: string }; principal: { id?: string } } }) => [e.node.principal.id, e.node.role.key],
    );
    expect(left).toEqual(expect.arrayContaining([[bea.id, 'org_admin'], [bea.id, 'org_viewer']]));
    expect(left.filter(([id]: [string]) => id === dave.id)).toEqual([]);

    await admin.ok(ADD, { o: tree.root.id, u: dave.id, role: 'org_viewer' });
    const again = (await admin.ok(ORG_ASSIGNMENTS, { o: tree.child.id })).roleAssignments.edges;
    expect(again.filter((e: { node: { principal: { id?: string } } }) => e.node.principal.id === dave.id)).toEqual([]);
  });

  it('nobody disables or removes a member who holds more than they do, and an organization keeps an active owner', async ({ admin, organization, principal, user }) => {
    const owner = await user();
    await admin.ok(ADD, { o: organization.id, u: owner.id, role: 'org_owner' });
    const { client: orgAdmin } = await principal(organization.id, 'org_admin');
    expect((await orgAdmin.gql(UPDATE, { o: organization.id, u: owner.id, status: 'DISABLED' })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await orgAdmin.gql(REMOVE, { o: organization.id, u: owner.id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // The platform may, but not the last active owner.
    const last = await admin.gql(UPDATE, { o: organization.id, u: owner.id, status: 'DISABLED' });
    expect(last.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'LAST_OWNER' });
    const members = (await admin.ok(MEMBERS, { o: organization.id })).organization.members.edges;
    expect(members.map((e: { node: { status: string } }) => e.node.status)).toEqual(['ACTIVE']);
    // With a second owner, the first may be disabled.
    const second = await user();
    await admin.ok(ADD, { o: organization.id, u: second.id, role: 'org_owner' });
    expect((await admin.ok(UPDATE, { o: organization.id, u: owner.id, status: 'DISABLED' })).updateMember.status).toBe('DISABLED');
    // Now the second is the last active one.
    expect((await admin.gql(UPDATE, { o: organization.id, u: second.id, status: 'DISABLED' })).errors?.[0]?.extensions?.reason).toBe('LAST_OWNER');
  });

  it('member:read lists members and member:manage changes them; without them FORBIDDEN, and NOT_FOUND outside', async ({ admin, organization, principal, user, stack }) => {
    const ann = await user();
    const { client: viewer } = await principal(organization.id, 'org_viewer');
    const { client: member } = await principal(organization.id, 'org_member');
    const { client: orgAdmin } = await principal(organization.id, 'org_admin');
    // Ann is visible to the org admin only once she belongs somewhere it can read: so the platform adds her first.
    await admin.ok(ADD, { o: organization.id, u: ann.id, role: 'org_viewer' });

    const asViewer = await viewer.gql(MEMBERS, { o: organization.id });
    expect(asViewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await member.ok(MEMBERS, { o: organization.id })).organization.members.totalCount).toBe(1);
    expect((await member.gql(UPDATE, { o: organization.id, u: ann.id, status: 'DISABLED' })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await member.gql(REMOVE, { o: organization.id, u: ann.id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await orgAdmin.ok(UPDATE, { o: organization.id, u: ann.id, status: 'DISABLED' })).updateMember.status).toBe('DISABLED');

    // Another organization's admin sees neither the organization nor its members.
    const other = await stack.createOrganization('Elsewhere');
    const { client: otherAdmin } = await principal(other.id, 'org_admin');
    expect((await otherAdmin.gql(MEMBERS, { o: organization.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await otherAdmin.gql(ADD, { o: organization.id, u: ann.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // Nor can it add a user it cannot see to its own organization.
    expect((await otherAdmin.gql(ADD, { o: other.id, u: ann.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const membershipsSeenByOther = await otherAdmin.gql(`query($u: ID!) { user(id: $u) { id } }`, { u: ann.id });
    expect(membershipsSeenByOther.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
