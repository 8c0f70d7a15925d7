/**
 * People as callers: a user made by an administrator works with the API key pair handed over,
 * their roles count only while their membership is active, they own organizations, and they
 * show up as creators of what they did.
 */
import { describe, expect } from 'vitest';
import { it, unique } from '../harness/fixtures.js';
import { sql } from '../../subgraphs/common/db/orm.js';
import { Client, type TestStack } from '../harness/stack.js';

const CREATE = `mutation($input: CreateUserInput!) { createUser(input: $input) { user { id email } apiKey { id keyId name } secret } }`;
const ADD = `mutation($o: ID!, $u: ID!, $role: String) { addMember(organizationId: $o, userId: $u, roleKey: $role) { id } }`;
const UPDATE = `mutation($o: ID!, $u: ID!, $status: MembershipStatus) { updateMember(organizationId: $o, userId: $u, input: { status: $status }) { status } }`;
const READ_ORG = `query($o: ID!) { organization(id: $o) { id name } }`;

const address = (prefix: string) => `${unique(prefix).replace(' ', '.')}@example.com`;

/** A user created by the platform admin, and a client calling with the API key createUser handed over. */
async function person(stack: TestStack, roleKeys: string[] = []): Promise<{ id: string; email: string; client: Client; secret: string }> {
  const admin = await stack.admin();
  const created = (await admin.ok(CREATE, { input: { email: address('person'), roleKeys } })).createUser;
  return { id: created.user.id, email: created.user.email, secret: created.secret, client: new Client(stack.url, created.secret) };
}

describe('people as callers', () => {
  it('createUser without notify hands over an API key pair, once, that acts as the user; nothing is mailed', async ({ stack, admin }) => {
    const email = address('keyed');
    const created = (await admin.ok(CREATE, { input: { email } })).createUser;
    expect(created.secret).toMatch(/^igs_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(created.apiKey.keyId).toBe(`igk_${created.secret.slice(4, 20)}`);

    const me = await new Client(stack.url, created.secret).ok(`{ me { principal { __typename ... on User { id email apiKeys { totalCount edges { node { keyId } } } } } } }`);
    expect(me.me.principal).toEqual({ __typename: 'User', id: created.user.id, email, apiKeys: { totalCount: 1, edges: [{ node: { keyId: created.apiKey.keyId } }] } });
    // The admin (user:read) sees the keys too, never the secret.
    const listed = await admin.ok(`query($id: ID!) { user(id: $id) { apiKeys { edges { node { keyId name } } } } }`, { id: created.user.id });
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    const [outbox] = await sql<{ n: number }>(stack.stack.databases.identities.orm.em.fork(), `select count(*)::int as n from identities.mail_outbox where recipient = ?`, [email]);
    expect(outbox!.n).toBe(0);
  });

  it('createUser with notify mails a welcome with a sign-in link and returns no secret', async ({ stack, admin }) => {
    const email = address('welcomed');
    const created = (await admin.ok(CREATE, { input: { email, displayName: 'Wendy', notify: true } })).createUser;
    expect(created).toMatchObject({ apiKey: null, secret: null });
    const [mail] = await stack.mailbox.waitFor(email);
    expect(mail!.subject).toBe('Your account is ready');
    expect(mail!.text).toContain('Hello Wendy,');
    const link = /(https?:\/\/\S+\/sign-in\?\S+)/.exec(mail!.text)?.[1];
    expect(link!.startsWith(`${stack.stack.issuer}/sign-in?`)).toBe(true);
    expect(new URL(link!).searchParams.get('email')).toBe(email);
  });

  it("a user's organization roles count only while the membership is ACTIVE: disabled or removed, gone on the next request", async ({ stack, admin, tree }) => {
    const ann = await person(stack);
    await admin.ok(ADD, { o: tree.root.id, u: ann.id, role: 'org_admin' });
    // Inherited below the membership's organization.
    expect((await ann.client.ok(READ_ORG, { o: tree.grandchild.id })).organization.id).toBe(tree.grandchild.id);
    const orgs = await ann.client.ok(`{ me { organizations(first: 10) { edges { roles node { id } } } } }`);
    expect(orgs.me.organizations.edges.map((e: { roles: string[]; node: { id: string } }) => [e.node.id, e.roles])).toEqual([
      [tree.root.id, ['org_admin']],
      [tree.child.id, ['org_admin']],
      [tree.grandchild.id, ['org_admin']],
    ]);

    await admin.ok(UPDATE, { o: tree.root.id, u: ann.id, status: 'DISABLED' });
    expect((await ann.client.gql(READ_ORG, { o: tree.child.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await ann.client.ok(`{ me { organizations { totalCount } } }`)).me.organizations.totalCount).toBe(0);

    await admin.ok(UPDATE, { o: tree.root.id, u: ann.id, status: 'ACTIVE' });
    expect((await ann.client.ok(READ_ORG, { o: tree.child.id })).organization.id).toBe(tree.child.id);

    await admin.ok(`mutation($o: ID!, $u: ID!) { removeMember(organizationId: $o, userId: $u) }`, { o: tree.root.id, u: ann.id });
    expect((await ann.client.gql(READ_ORG, { o: tree.root.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // A member of the organization below alone still reaches only that one.
    await admin.ok(ADD, { o: tree.child.id, u: ann.id, role: 'org_viewer' });
    expect((await ann.client.ok(READ_ORG, { o: tree.grandchild.id })).organization.id).toBe(tree.grandchild.id);
    expect((await ann.client.gql(READ_ORG, { o: tree.root.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('a user named as owner of a new organization becomes its member and org_owner, and runs it', async ({ stack, admin }) => {
    const owner = await person(stack);
    const created = await admin.ok(`mutation($owner: ID!, $name: String!) { createOrganization(input: { name: $name, ownerId: $owner }) { id } }`, {
      owner: owner.id,
      name: unique('Owned'),
    });
    const orgId = created.createOrganization.id;
    const members = await owner.client.ok(`query($o: ID!) { organization(id: $o) { members { edges { node { user { id } status roleAssignments { role { key } } } } } } }`, { o: orgId });
    expect(members.organization.members.edges).toEqual([{ node: { user: { id: owner.id }, status: 'ACTIVE', roleAssignments: [{ role: { key: 'org_owner' } }] } }]);
    // The owner creates what an owner creates, and is named as its creator.
    const child = await owner.client.ok(`mutation($o: ID!) { createOrganization(input: { name: "Team", parentId: $o }) { id } }`, { o: orgId });
    const assigned = await owner.client.ok(
      `mutation($o: ID!, $u: ID!) { assignRole(input: { principalId: $u, roleKey: "org_viewer", organizationId: $o }) { createdBy { __typename ... on User { id email } } principal { ... on User { id } } } }`,
      { o: child.createOrganization.id, u: owner.id },
    );
    expect(assigned.assignRole).toEqual({ createdBy: { __typename: 'User', id: owner.id, email: owner.email }, principal: { id: owner.id } });
  });

  it('deleteUser: the API key stops on the next request', async ({ stack, admin, organization }) => {
    const gone = await person(stack);
    await admin.ok(ADD, { o: organization.id, u: gone.id, role: 'org_viewer' });
    expect((await gone.client.ok(READ_ORG, { o: organization.id })).organization.id).toBe(organization.id);
    await admin.ok(`mutation($id: ID!) { deleteUser(id: $id) }`, { id: gone.id });
    const after = await gone.client.gql(READ_ORG, { o: organization.id });
    expect(after.status).toBe(401);
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it("a user's API keys are its own and the platform's to see: organization readers get none", async ({ stack, admin, organization, principal }) => {
    const ann = await person(stack);
    await admin.ok(ADD, { o: organization.id, u: ann.id, role: 'org_viewer' });
    const { client: orgAdmin } = await principal(organization.id, 'org_admin');
    const seen = await orgAdmin.gql(`query($id: ID!) { user(id: $id) { email apiKeys { totalCount } } }`, { id: ann.id });
    expect(seen.data?.user).toBeNull();
    expect(seen.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await orgAdmin.ok(`query($id: ID!) { user(id: $id) { email } }`, { id: ann.id })).user.email).toBe(ann.email);
  });
});
