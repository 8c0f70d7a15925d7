import { describe, expect } from 'vitest';
import { it, unique } from '../harness/fixtures.js';

const CREATE = `mutation($org: ID!, $input: CreateServiceAccountInput!) { createServiceAccount(organizationId: $org, input: $input) { id name description organization { id } credentials { id } } }`;
const CREDENTIAL = `mutation($id: ID!, $input: CreateServiceAccountCredentialInput) {
  createServiceAccountCredential(serviceAccountId: $id, input: $input) { clientSecret credential { id clientId name expiresAt lastUsedAt } } }`;
const READ = `query($id: ID!) { serviceAccount(id: $id) { id name description credentials { id clientId name } } }`;

describe('service accounts', () => {
  it('lives through create, credential, token, update, credential deletion and account deletion', async ({ stack, organization: org, principal }) => {
    const { client: admin } = await principal(org.id, 'org_admin');
    const created = await admin.ok(CREATE, { org: org.id, input: { name: '  deployer  ', description: 'ships builds' } });
    const account = created.createServiceAccount;
    expect(account).toMatchObject({ name: 'deployer', description: 'ships builds', organization: { id: org.id }, credentials: [] });

    const first = (await admin.ok(CREDENTIAL, { id: account.id, input: { name: 'github' } })).createServiceAccountCredential;
    expect(first.clientSecret).toMatch(/^cs_[A-Za-z0-9_-]{43}$/);
    expect(first.credential).toMatchObject({ name: 'github', lastUsedAt: null, expiresAt: null });
    const second = (await admin.ok(CREDENTIAL, { id: account.id, input: { expiresAt: new Date(Date.now() + 86_400_000).toISOString() } })).createServiceAccountCredential;

    const token = await stack.requestToken({ grant_type: 'client_credentials' }, { id: first.credential.clientId, secret: first.clientSecret });
    expect(token.status).toBe(200);
    const listed = await admin.ok(READ, { id: account.id });
    expect(listed.serviceAccount.credentials.map((c: { id: string }) => c.id)).toEqual([first.credential.id, second.credential.id]);
    expect(JSON.stringify(listed)).not.toContain(first.clientSecret);

    // The account's own token works while the account exists, and nothing it held outlives it.
    const robot = await principal(org.id, 'org_viewer');
    expect((await robot.client.gql(`query($id: ID!) { organization(id: $id) { id } }`, { id: org.id })).errors).toBeUndefined();
    await admin.ok(`mutation($id: ID!) { deleteServiceAccount(id: $id) }`, { id: robot.id });
    // Its token is still unexpired, but the principal is gone: the request is refused as a whole.
    expect((await robot.client.gql(`query($id: ID!) { organization(id: $id) { id } }`, { id: org.id })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const updated = await admin.ok(`mutation($id: ID!) { updateServiceAccount(id: $id, input: { name: "deployer-2", description: null }) { name description } }`, { id: account.id });
    expect(updated.updateServiceAccount).toEqual({ name: 'deployer-2', description: null });

    expect((await admin.ok(`mutation($id: ID!) { deleteServiceAccountCredential(id: $id) }`, { id: first.credential.id })).deleteServiceAccountCredential).toBe(first.credential.id);
    const revoked = await stack.requestToken({ grant_type: 'client_credentials' }, { id: first.credential.clientId, secret: first.clientSecret });
    expect(revoked.body.error).toBe('invalid_client');

    expect((await admin.ok(`mutation($id: ID!) { deleteServiceAccount(id: $id) }`, { id: account.id })).deleteServiceAccount).toBe(account.id);
    expect((await admin.gql(READ, { id: account.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const gone = await stack.requestToken({ grant_type: 'client_credentials' }, { id: second.credential.clientId, secret: second.clientSecret });
    expect(gone.body.error).toBe('invalid_client');
  });

  it('refuses bad input with BAD_USER_INPUT on the field, and creates nothing', async ({ admin, organization: org }) => {
    for (const [input, field] of [
      [{ name: '' }, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(201) }, 'name'],
      [{ name: 'bell\u0007' }, 'name'],
      [{ name: 'ok', description: 'd'.repeat(1001) }, 'description'],
    ] as const) {
      const result = await admin.gql(CREATE, { org: org.id, input });
      expect(result.errors?.[0]?.extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const malformed = await admin.gql(CREATE, { org: 'not-an-id', input: { name: 'x' } });
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'organizationId' });
    const count = await admin.ok(`query($id: ID!) { organization(id: $id) { serviceAccounts { totalCount } } }`, { id: org.id });
    expect(count.organization.serviceAccounts.totalCount).toBe(0);

    const account = (await admin.ok(CREATE, { org: org.id, input: { name: 'bot' } })).createServiceAccount;
    const past = await admin.gql(CREDENTIAL, { id: account.id, input: { expiresAt: '2001-01-01T00:00:00Z' } });
    expect(past.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'expiresAt' });
    expect((await admin.ok(READ, { id: account.id })).serviceAccount.credentials).toEqual([]);
  });

  it('members see service accounts but cannot manage them; outsiders get NOT_FOUND', async ({ stack, admin, organization: org, principal }) => {
    const account = (await admin.ok(CREATE, { org: org.id, input: { name: 'bot' } })).createServiceAccount;
    const { client: member } = await principal(org.id, 'org_member');
    expect((await member.ok(READ, { id: account.id })).serviceAccount.name).toBe('bot');
    for (const [query, variables] of [
      [CREATE, { org: org.id, input: { name: 'nope' } }],
      [CREDENTIAL, { id: account.id, input: {} }],
      [`mutation($id: ID!) { deleteServiceAccount(id: $id) }`, { id: account.id }],
    ] as const) {
      expect((await member.gql(query, variables)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const other = await stack.createOrganization(unique('Elsewhere'));
    const { client: outsider } = await principal(other.id, 'org_owner');
    expect((await outsider.gql(READ, { id: account.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await outsider.gql(`mutation($id: ID!) { deleteServiceAccount(id: $id) }`, { id: account.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await admin.ok(READ, { id: account.id })).serviceAccount.name).toBe('bot');
  });
});
