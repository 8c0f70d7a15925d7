/**
 * Invitations: inviteUser by email or userId, the mail on a real SMTP server, acceptInvitation
 * signed in or not (user, membership, role, sign-in, all or nothing), replayed, revoked, expired
 * and wrong-email tokens, resendInvitation, revokeInvitation, invitation(id),
 * Organization.invitations, invitationPreview, member:invite and member:read both ways, and no
 * token anywhere but in the mail.
 */
import { createHash } from 'node:crypto';
import { describe, expect } from 'vitest';
import { sql } from '../../subgraphs/common/db/orm.js';
import { it, unique } from '../harness/fixtures.js';
import { Client, type TestStack } from '../harness/stack.js';

const FIELDS = `id email roleKey status expiresAt createdAt updatedAt tenant { id } createdBy { ... on ServiceAccount { id } ... on User { id } } permissions { action allowed }`;
const INVITE = `mutation($o: ID!, $input: InviteUserInput!) { inviteUser(organizationId: $o, input: $input) { ${FIELDS} } }`;
const RESEND = `mutation($id: ID!) { resendInvitation(id: $id) { id status expiresAt } }`;
const REVOKE = `mutation($id: ID!) { revokeInvitation(id: $id) { id status } }`;
const ACCEPT = `mutation($token: String!) { acceptInvitation(token: $token) {
  invitation { id status email } user { id email emailVerified source } signIn { accessToken refreshToken tokenType expiresIn } } }`;
const PREVIEW = `query($token: String!) { invitationPreview(token: $token) { email organizationName tenantName roleKey expiresAt } }`;
const INVITATION = `query($id: ID!) { invitation(id: $id) { id status email roleKey } }`;
const LIST = `query($o: ID!, $status: InvitationStatus) { organization(id: $o) { invitations(status: $status, first: 50) { totalCount edges { node { id email status } } } } }`;
const MEMBERSHIPS = `query($u: ID!) { user(id: $u) { memberships { edges { node { status organization { id } roleAssignments { role { key } tenant { id } } } } } } }`;
const WHO = `{ me { principal { ... on User { id email } } } }`;
const EVENTS = `query($o: ID!) { auditEvents(organizationId: $o, first: 100) { edges { node { action targetId changes actor { ... on User { id } ... on ServiceAccount { id } } } } } }`;

const INVALID_LINK = 'This invitation link is not valid: it may have been used already, revoked, or replaced by a newer one';
const TOKEN = /#token=(igi_[A-Za-z0-9_-]{43})/;

const newEmail = () => `${unique('invitee').replace(' ', '.')}@example.com`;

function identitiesDb(stack: TestStack) {
  return stack.stack.databases.identities.orm.em.fork();
}

/** The token of the `count`th invitation mail to `email` (1 = the first). */
async function mailedToken(stack: TestStack, email: string, count = 1): Promise<string> {
  const mails = await stack.mailbox.waitFor(email, { count });
  const mail = mails[count - 1]!;
  const match = TOKEN.exec(mail.text);
  if (!match) throw new Error(`no invitation link in: ${mail.text}`);
  return match[1]!;
}

/** A user with an API key pair, and a client calling as that user with the key. */
async function userWithKey(stack: TestStack, email = newEmail()): Promise<{ id: string; email: string; client: Client }> {
  const admin = await stack.admin();
  const created = (await admin.ok(`mutation($input: CreateUserInput!) { createUser(input: $input) { user { id email } secret } }`, { input: { email } })).createUser;
  return { id: created.user.id, email: created.user.email, client: new Client(stack.url, created.secret) };
}

async function outboxCount(stack: TestStack, email: string): Promise<number> {
  const [row] = await sql<{ n: number }>(identitiesDb(stack), `select count(*)::int as n from identities.mail_outbox where lower(recipient) = lower(?)`, [email]);
  return row!.n;
}

describe('invitations', () => {
  it('invited by email, the person gets a mail with a link, accepts without an account and is a signed-in member with the role', async ({ stack, admin, organization }) => {
    const email = newEmail();
    const before = Date.now();
    const invitation = (await admin.ok(INVITE, { o: organization.id, input: { email } })).inviteUser;
    expect(invitation).toMatchObject({ email, roleKey: 'org_member', status: 'PENDING', tenant: null });
    // A week by default (INVITATION_TTL).
    const ttl = new Date(invitation.expiresAt).getTime() - before;
    expect(ttl).toBeGreaterThan(7 * 24 * 3600_000 - 60_000);
    expect(ttl).toBeLessThan(7 * 24 * 3600_000 + 60_000);
    expect(invitation.permissions).toEqual(expect.arrayContaining([{ action: 'member:read', allowed: true }, { action: 'member:invite', allowed: true }]));
    const me = (await admin.ok(`{ me { principal { ... on ServiceAccount { id } } } }`)).me.principal.id;
    expect(invitation.createdBy).toEqual({ id: me });

    const [mail] = await stack.mailbox.waitFor(email);
    expect(mail!.subject).toBe(`You are invited to join ${organization.name}`);
    expect(mail!.text).toContain(`${stack.url}/invitations/accept#token=igi_`);
    const token = await mailedToken(stack, email);
    // Only the hash is stored.
    const [row] = await sql<Record<string, unknown>>(identitiesDb(stack), `select * from identities.invitation where id = ?`, [invitation.id]);
    expect(row!.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(token);

    // What the link shows before accepting, to whoever holds it.
    expect((await stack.anonymous.ok(PREVIEW, { token })).invitationPreview).toMatchObject({ email, organizationName: organization.name, tenantName: null, roleKey: 'org_member' });

    const accepted = (await stack.anonymous.ok(ACCEPT, { token })).acceptInvitation;
    expect(accepted.invitation).toEqual({ id: invitation.id, status: 'ACCEPTED', email });
    expect(accepted.user).toMatchObject({ email, emailVerified: true, source: 'local' });
    expect(accepted.signIn).toMatchObject({ tokenType: 'Bearer', expiresIn: expect.any(Number), refreshToken: expect.stringMatching(/^igr_/) });

    // The tokens work: the person is signed in, a member with the role.
    const person = stack.anonymous.as(accepted.signIn.accessToken);
    expect((await person.ok(WHO)).me.principal).toEqual({ id: accepted.user.id, email });
    const memberships = (await person.ok(MEMBERSHIPS, { u: accepted.user.id })).user.memberships.edges;
    expect(memberships).toEqual([{ node: { status: 'ACTIVE', organization: { id: organization.id }, roleAssignments: [{ role: { key: 'org_member' }, tenant: null }] } }]);
    expect((await person.ok(`query($o: ID!) { organization(id: $o) { name } }`, { o: organization.id })).organization.name).toBe(organization.name);

    // Single use: the link, replayed, is as dead as an unknown one.
    for (const replay of [ACCEPT, PREVIEW]) {
      const again = await stack.anonymous.gql(replay, { token });
      expect(again.errors?.[0]).toMatchObject({ message: INVALID_LINK, extensions: { code: 'NOT_FOUND' } });
    }
    const unknown = await stack.anonymous.gql(ACCEPT, { token: `igi_${'A'.repeat(43)}` });
    expect(unknown.errors?.[0]).toMatchObject({ message: INVALID_LINK, extensions: { code: 'NOT_FOUND' } });
    const malformed = await stack.anonymous.gql(ACCEPT, { token: 'nonsense' });
    expect(malformed.errors?.[0]).toMatchObject({ message: INVALID_LINK, extensions: { code: 'NOT_FOUND' } });
    expect((await admin.ok(INVITATION, { id: invitation.id })).invitation.status).toBe('ACCEPTED');

    // The role was the inviter's to give: the assignment says so; the events name the invitee as actor.
    const assignments = (await admin.ok(`query($o: ID!, $u: ID!) { roleAssignments(organizationId: $o, principalId: $u) { edges { node { role { key } createdBy { ... on ServiceAccount { id } ... on User { id } } } } } }`, { o: organization.id, u: accepted.user.id })).roleAssignments.edges;
    expect(assignments).toEqual([{ node: { role: { key: 'org_member' }, createdBy: { id: me } } }]);
    const events = (await admin.ok(EVENTS, { o: organization.id })).auditEvents.edges.map((e: { node: { action: string } }) => e.node);
    expect(events.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['invitation.create', 'invitation.accept', 'membership.create', 'role_assignment.create']));
    expect(events.find((e: { action: string }) => e.action === 'invitation.accept').actor).toEqual({ id: accepted.user.id });
    expect(JSON.stringify(events)).not.toContain(token);
    expect(JSON.stringify(events)).not.toContain('igi_');
  });

  it('a revoked link is refused like an unknown one; revoking or resending it again is CONFLICT', async ({ stack, admin, organization }) => {
    const email = newEmail();
    const invitation = (await admin.ok(INVITE, { o: organization.id, input: { email } })).inviteUser;
    const token = await mailedToken(stack, email);
    expect((await admin.ok(REVOKE, { id: invitation.id })).revokeInvitation).toEqual({ id: invitation.id, status: 'REVOKED' });
    for (const query of [ACCEPT, PREVIEW]) {
      expect((await stack.anonymous.gql(query, { token })).errors?.[0]).toMatchObject({ message: INVALID_LINK, extensions: { code: 'NOT_FOUND' } });
    }
    expect((await admin.gql(REVOKE, { id: invitation.id })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await admin.gql(RESEND, { id: invitation.id })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const [user] = await sql(identitiesDb(stack), `select id from identities.user_account where lower(email) = lower(?)`, [email]);
    expect(user).toBeUndefined();
    expect((await admin.gql(REVOKE, { id: '01890000-0000-7000-8000-000000000000' })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('an expired link is refused with EXPIRED; resending mails a new link, kills the old one and restarts the time', async ({ stack, admin, organization }) => {
    const email = newEmail();
    const invitation = (await admin.ok(INVITE, { o: organization.id, input: { email } })).inviteUser;
    const old = await mailedToken(stack, email);
    await sql(identitiesDb(stack), `update identities.invitation set expires_at = now() - interval '1 second' where id = ?`, [invitation.id]);
    expect((await admin.ok(INVITATION, { id: invitation.id })).invitation.status).toBe('EXPIRED');
    expect((await admin.ok(LIST, { o: organization.id, status: 'EXPIRED' })).organization.invitations.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([invitation.id]);
    expect((await admin.ok(LIST, { o: organization.id, status: 'PENDING' })).organization.invitations.totalCount).toBe(0);
    for (const query of [ACCEPT, PREVIEW]) {
      const refused = await stack.anonymous.gql(query, { token: old });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token', reason: 'EXPIRED' });
    }

    const before = Date.now();
    const resent = (await admin.ok(RESEND, { id: invitation.id })).resendInvitation;
    expect(resent.status).toBe('PENDING');
    expect(new Date(resent.expiresAt).getTime()).toBeGreaterThan(before + 6 * 24 * 3600_000);
    const fresh = await mailedToken(stack, email, 2);
    expect(fresh).not.toBe(old);
    expect((await stack.anonymous.gql(ACCEPT, { token: old })).errors?.[0]).toMatchObject({ message: INVALID_LINK, extensions: { code: 'NOT_FOUND' } });
    const accepted = (await stack.anonymous.ok(ACCEPT, { token: fresh })).acceptInvitation;
    expect(accepted.user.email).toBe(email);
    const events = (await admin.ok(EVENTS, { o: organization.id })).auditEvents.edges.map((e: { node: unknown }) => e.node);
    expect(events.map((e: { action: string }) => e.action)).toContain('invitation.resend');
    expect(JSON.stringify(events)).not.toMatch(/igi_/);
  });

  it('an expired pending invitation does not stand in the way of a new one', async ({ stack, admin, organization }) => {
    const email = newEmail();
    const first = (await admin.ok(INVITE, { o: organization.id, input: { email } })).inviteUser;
    await sql(identitiesDb(stack), `update identities.invitation set expires_at = now() - interval '1 second' where id = ?`, [first.id]);
    const second = (await admin.ok(INVITE, { o: organization.id, input: { email } })).inviteUser;
    expect(second.status).toBe('PENDING');
    expect((await admin.ok(INVITATION, { id: first.id })).invitation.status).toBe('EXPIRED');
    // The old one cannot come back while the new one is pending.
    expect((await admin.gql(RESEND, { id: first.id })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('signed in as someone else, the invitee cannot accept, and nothing changes; signed in as the invited user, it can', async ({ stack, admin, organization }) => {
    const email = newEmail();
    const invitation = (await admin.ok(INVITE, { o: organization.id, input: { email } })).inviteUser;
    const token = await mailedToken(stack, email);
    const other = await userWithKey(stack);
    const refused = await other.client.gql(ACCEPT, { token });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(refused)).not.toContain(token);
    expect((await admin.ok(INVITATION, { id: invitation.id })).invitation.status).toBe('PENDING');
    expect((await admin.ok(MEMBERSHIPS, { u: other.id })).user.memberships.edges).toEqual([]);
    expect(await sql(identitiesDb(stack), `select id from identities.user_account where lower(email) = lower(?)`, [email])).toEqual([]);

    // The invited person, with an account and signed in (here with an API key), accepts.
    const invited = await userWithKey(stack, email.toUpperCase().replace('@EXAMPLE.COM', '@example.com'));
    const accepted = (await invited.client.ok(ACCEPT, { token })).acceptInvitation;
    expect(accepted.user).toMatchObject({ id: invited.id, emailVerified: true });
    expect((await admin.ok(MEMBERSHIPS, { u: invited.id })).user.memberships.edges[0].node.status).toBe('ACTIVE');
  });

  it('an existing user invited by id; a user the inviter cannot see is NOT_FOUND', async ({ stack, admin, organization, principal, user }) => {
    const existing = await userWithKey(stack);
    const invitation = (await admin.ok(INVITE, { o: organization.id, input: { userId: existing.id, roleKey: 'org_viewer' } })).inviteUser;
    expect(invitation).toMatchObject({ email: existing.email, roleKey: 'org_viewer' });
    const token = await mailedToken(stack, existing.email);
    const accepted = (await stack.anonymous.ok(ACCEPT, { token })).acceptInvitation;
    expect(accepted.user).toMatchObject({ id: existing.id, email: existing.email, emailVerified: true });
    const memberships = (await admin.ok(MEMBERSHIPS, { u: existing.id })).user.memberships.edges;
    expect(memberships).toEqual([{ node: { status: 'ACTIVE', organization: { id: organization.id }, roleAssignments: [{ role: { key: 'org_viewer' }, tenant: null }] } }]);
    // Its API key still works, and so do the new sign-in's tokens.
    expect((await existing.client.ok(WHO)).me.principal.id).toBe(existing.id);
    expect((await stack.anonymous.as(accepted.signIn.accessToken).ok(WHO)).me.principal.id).toBe(existing.id);

    const orgAdmin = await principal(organization.id, 'org_admin');
    const stranger = await user();
    const hidden = await orgAdmin.client.gql(INVITE, { o: organization.id, input: { userId: stranger.id } });
    expect(hidden.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const both = await admin.gql(INVITE, { o: organization.id, input: { userId: stranger.id, email: newEmail() } });
    expect(both.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    const neither = await admin.gql(INVITE, { o: organization.id, input: {} });
    expect(neither.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
  });

  it('deleting the invited user deletes its invitation: the link stops working', async ({ stack, admin, organization, user }) => {
    const person = await user();
    const invitation = (await admin.ok(INVITE, { o: organization.id, input: { email: person.email } })).inviteUser;
    const token = await mailedToken(stack, person.email);
    await admin.ok(`mutation($id: ID!) { deleteUser(id: $id) }`, { id: person.id });
    expect((await stack.anonymous.gql(ACCEPT, { token })).errors?.[0]).toMatchObject({ message: INVALID_LINK, extensions: { code: 'NOT_FOUND' } });
    expect((await admin.gql(INVITATION, { id: invitation.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('CONFLICT for a member, and for an email with a pending invitation (in any case)', async ({ stack, admin, organization, user }) => {
    const member = await user();
    await admin.ok(`mutation($o: ID!, $u: ID!) { addMember(organizationId: $o, userId: $u) { id } }`, { o: organization.id, u: member.id });
    for (const input of [{ email: member.email }, { userId: member.id }]) {
      expect((await admin.gql(INVITE, { o: organization.id, input })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    }
    const email = newEmail();
    await admin.ok(INVITE, { o: organization.id, input: { email } });
    const twice = await admin.gql(INVITE, { o: organization.id, input: { email: email.toUpperCase().replace('@EXAMPLE.COM', '@example.com') } });
    expect(twice.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'email' });
    expect((await admin.ok(LIST, { o: organization.id })).organization.invitations.totalCount).toBe(1);
    expect(await outboxCount(stack, email)).toBe(1);
  });

  it('a member added while the invitation waited keeps the membership and gets the role', async ({ stack, admin, organization, user }) => {
    const person = await user();
    const invitation = (await admin.ok(INVITE, { o: organization.id, input: { userId: person.id, roleKey: 'org_admin' } })).inviteUser;
    const token = await mailedToken(stack, person.email);
    await admin.ok(`mutation($o: ID!, $u: ID!) { addMember(organizationId: $o, userId: $u, roleKey: "org_viewer") { id } }`, { o: organization.id, u: person.id });
    await stack.anonymous.ok(ACCEPT, { token });
    const memberships = (await admin.ok(MEMBERSHIPS, { u: person.id })).user.memberships.edges;
    expect(memberships).toHaveLength(1);
    expect(memberships[0].node.roleAssignments.map((a: { role: { key: string } }) => a.role.key).sort()).toEqual(['org_admin', 'org_viewer']);
    expect((await admin.ok(INVITATION, { id: invitation.id })).invitation.status).toBe('ACCEPTED');
  });

  it('nobody invites into a role it could not grant itself; bad roles are BAD_USER_INPUT; nothing is written or mailed', async ({ stack, admin, organization, principal }) => {
    const orgAdmin = await principal(organization.id, 'org_admin');
    const email = newEmail();
    const escalation = await orgAdmin.client.gql(INVITE, { o: organization.id, input: { email, roleKey: 'org_owner' } });
    expect(escalation.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    for (const roleKey of ['no_such_role', 'platform_admin', 'tenant_viewer']) {
      const bad = await orgAdmin.client.gql(INVITE, { o: organization.id, input: { email, roleKey } });
      expect(bad.errors?.[0]?.extensions, roleKey).toMatchObject({ code: 'BAD_USER_INPUT', field: 'roleKey' });
    }
    expect((await orgAdmin.client.gql(INVITE, { o: organization.id, input: { email: 'not an email' } })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    expect((await admin.ok(LIST, { o: organization.id })).organization.invitations.totalCount).toBe(0);
    expect(await outboxCount(stack, email)).toBe(0);
    // org_admin may give what it holds.
    expect((await orgAdmin.client.ok(INVITE, { o: organization.id, input: { email, roleKey: 'org_admin' } })).inviteUser.roleKey).toBe('org_admin');
  });

  it('custom roles: invited into one defined above; when it is gone before acceptance, accepting leaves nothing behind', async ({ stack, admin, tree }) => {
    const role = (await admin.ok(`mutation($o: ID!) { createRole(organizationId: $o, input: { key: "billing", name: "Billing", scope: ORGANIZATION, permissions: ["organization:read", "organization:update"] }) { id } }`, { o: tree.root.id })).createRole;
    const email = newEmail();
    const invitation = (await admin.ok(INVITE, { o: tree.child.id, input: { email, roleKey: 'billing' } })).inviteUser;
    const token = await mailedToken(stack, email);
    await admin.ok(`mutation($id: ID!) { deleteRole(id: $id) }`, { id: role.id });
    const refused = await stack.anonymous.gql(ACCEPT, { token });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ROLE_CHANGED' });
    // All or nothing: no user, no membership, no session, no event; the invitation waits.
    expect(await sql(identitiesDb(stack), `select id from identities.user_account where lower(email) = lower(?)`, [email])).toEqual([]);
    expect((await admin.ok(INVITATION, { id: invitation.id })).invitation.status).toBe('PENDING');
    const events = (await admin.ok(EVENTS, { o: tree.child.id })).auditEvents.edges.map((e: { node: { action: string } }) => e.node.action);
    expect(events.filter((action: string) => !action.startsWith('organization.'))).toEqual(['invitation.create']);

    // Defined again, it is granted.
    await admin.ok(`mutation($o: ID!) { createRole(organizationId: $o, input: { key: "billing", name: "Billing", scope: ORGANIZATION, permissions: ["organization:read"] }) { id } }`, { o: tree.root.id });
    const accepted = (await stack.anonymous.ok(ACCEPT, { token })).acceptInvitation;
    const memberships = (await admin.ok(MEMBERSHIPS, { u: accepted.user.id })).user.memberships.edges;
    expect(memberships[0].node.roleAssignments).toEqual([{ role: { key: 'billing' }, tenant: null }]);
  });

  it('member:invite both ways: org_viewer may not; tenant_admin invites to its tenant with a tenant role, not to the organization', async ({ stack, admin, organization, tenant, principal }) => {
    const viewer = await principal(organization.id, 'org_viewer');
    const denied = await viewer.client.gql(INVITE, { o: organization.id, input: { email: newEmail() } });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const tenantAdmin = await principal(organization.id, null);
    await admin.ok(`mutation($p: ID!, $t: ID!) { assignRole(input: { principalId: $p, roleKey: "tenant_admin", tenantId: $t }) { id } }`, { p: tenantAdmin.id, t: tenant.id });
    const email = newEmail();
    const invitation = (await tenantAdmin.client.ok(INVITE, { o: organization.id, input: { email, roleKey: 'tenant_editor', tenantId: tenant.id } })).inviteUser;
    expect(invitation).toMatchObject({ roleKey: 'tenant_editor', tenant: { id: tenant.id } });
    expect((await tenantAdmin.client.gql(INVITE, { o: organization.id, input: { email: newEmail() } })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const orgRole = await tenantAdmin.client.gql(INVITE, { o: organization.id, input: { email: newEmail(), roleKey: 'org_viewer', tenantId: tenant.id } });
    expect(orgRole.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'roleKey' });
    const noRole = await tenantAdmin.client.gql(INVITE, { o: organization.id, input: { email: newEmail(), tenantId: tenant.id } });
    expect(noRole.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'roleKey' });
    // The tenant admin manages its tenant's invitations.
    expect((await tenantAdmin.client.ok(INVITATION, { id: invitation.id })).invitation.email).toBe(email);

    const token = await mailedToken(stack, email);
    expect((await stack.anonymous.ok(PREVIEW, { token })).invitationPreview).toMatchObject({ tenantName: tenant.name, roleKey: 'tenant_editor' });
    const accepted = (await stack.anonymous.ok(ACCEPT, { token })).acceptInvitation;
    const memberships = (await admin.ok(MEMBERSHIPS, { u: accepted.user.id })).user.memberships.edges;
    expect(memberships).toEqual([{ node: { status: 'ACTIVE', organization: { id: organization.id }, roleAssignments: [{ role: { key: 'tenant_editor' }, tenant: { id: tenant.id } }] } }]);
    const person = stack.anonymous.as(accepted.signIn.accessToken);
    expect((await person.ok(`query($t: ID!) { tenant(id: $t) { name } }`, { t: tenant.id })).tenant.name).toBe(tenant.name);
  });

  it('listing by status, and member:read both ways for the list, invitation(id), resend and revoke', async ({ stack, admin, organization, principal }) => {
    const [a, b, c] = [newEmail(), newEmail(), newEmail()];
    const pending = (await admin.ok(INVITE, { o: organization.id, input: { email: a } })).inviteUser;
    const revoked = (await admin.ok(INVITE, { o: organization.id, input: { email: b } })).inviteUser;
    const accepted = (await admin.ok(INVITE, { o: organization.id, input: { email: c } })).inviteUser;
    await admin.ok(REVOKE, { id: revoked.id });
    await stack.anonymous.ok(ACCEPT, { token: await mailedToken(stack, c) });
    const ids = async (status: string | null) =>
      (await admin.ok(LIST, { o: organization.id, status })).organization.invitations.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(await ids(null)).toEqual([pending.id, revoked.id, accepted.id]);
    expect(await ids('PENDING')).toEqual([pending.id]);
    expect(await ids('REVOKED')).toEqual([revoked.id]);
    expect(await ids('ACCEPTED')).toEqual([accepted.id]);

    const viewer = await principal(organization.id, 'org_viewer');
    const list = await viewer.client.gql(LIST, { o: organization.id });
    expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    for (const query of [INVITATION, RESEND, REVOKE]) {
      expect((await viewer.client.gql(query, { id: pending.id })).errors?.[0]?.extensions?.code, query).toBe('NOT_FOUND');
    }
    const member = await principal(organization.id, 'org_member');
    expect((await member.client.ok(LIST, { o: organization.id })).organization.invitations.totalCount).toBe(3);
    const seen = (await member.client.ok(`query($id: ID!) { invitation(id: $id) { permissions { action allowed } } }`, { id: pending.id })).invitation;
    expect(seen.permissions).toEqual([{ action: 'member:read', allowed: true }, { action: 'member:invite', allowed: false }]);
    for (const query of [RESEND, REVOKE]) {
      expect((await member.client.gql(query, { id: pending.id })).errors?.[0]?.extensions?.code, query).toBe('FORBIDDEN');
    }
    expect((await admin.ok(INVITATION, { id: pending.id })).invitation.status).toBe('PENDING');
    // Outside the organization, as for an id that does not exist.
    const outsider = await principal((await stack.createOrganization(unique('Other'))).id, 'org_admin');
    expect((await outsider.client.gql(INVITATION, { id: pending.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await stack.anonymous.gql(INVITE, { o: organization.id, input: { email: newEmail() } })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('no field of the schema holds a token or its hash', async ({ admin }) => {
    for (const type of ['Invitation', 'AcceptInvitationPayload', 'InvitationPreview']) {
      const fields = (await admin.ok(`query($t: String!) { __type(name: $t) { fields { name } } }`, { t: type })).__type.fields.map((f: { name: string }) => f.name);
      expect(fields.filter((name: string) => /token|hash|secret/i.test(name)), type).toEqual([]);
    }
  });
});
