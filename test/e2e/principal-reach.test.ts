import { describe, expect } from 'vitest';
import { newId } from '../../subgraphs/common/ids.js';
import { test, unique } from '../harness/fixtures.js';
import type { GraphQLResponse } from '../harness/stack.js';

const ASSIGN = `mutation($input: AssignRoleInput!) { assignRole(input: $input) { id } }`;
const UNASSIGN = `mutation($input: UnassignRoleInput!) { unassignRole(input: $input) }`;
const LIST = `query($org: ID, $principal: ID) { roleAssignments(organizationId: $org, principalId: $principal) { totalCount } }`;
const code = (result: GraphQLResponse) => result.errors?.[0]?.extensions?.code;

/** `traces(principalId, organizationId)`: assignments a principal holds, and audit events about it, as the platform admin sees them. */
const it = test.extend('traces', ({ admin }) => async (principalId: string, organizationId: string) => {
  const onOrg = await admin.ok(LIST, { org: organizationId, principal: principalId });
  const events = await admin.ok(`query($o: ID!) { auditEvents(organizationId: $o, first: 100) { edges { node { action changes } } } }`, { o: organizationId });
  const mentions = events.auditEvents.edges.filter((e: { node: { changes: { principalId?: string } } }) => e.node.changes.principalId === principalId);
  return { held: onOrg.roleAssignments.totalCount, mentions: mentions.length };
});

describe('principals outside the caller\'s reach do not exist for it', () => {
  it('assignRole naming a service account of an organization the caller cannot read is NOT_FOUND, like a random id, and writes nothing', async ({ stack, organization: mine, principal, traces }) => {
    const theirs = await stack.createOrganization(unique('Reach theirs'));
    const owner = await principal(mine.id, 'org_owner');
    const stranger = await principal(theirs.id, null);

    const foreign = await owner.client.gql(ASSIGN, { input: { principalId: stranger.id, roleKey: 'org_viewer', organizationId: mine.id } });
    const random = await owner.client.gql(ASSIGN, { input: { principalId: newId(), roleKey: 'org_viewer', organizationId: mine.id } });
    for (const result of [foreign, random]) {
      expect(code(result)).toBe('NOT_FOUND');
      expect(result.data?.assignRole ?? null).toBeNull();
    }
    expect(foreign.errors?.[0]?.message).toBe(random.errors?.[0]?.message);
    expect(await traces(stranger.id, mine.id)).toEqual({ held: 0, mentions: 0 });
  });

  it('unassignRole and roleAssignments(principalId) answer the same for such a principal', async ({ stack, admin, organization: mine, principal, traces }) => {
    const theirs = await stack.createOrganization(unique('Reach other'));
    const owner = await principal(mine.id, 'org_owner');
    const stranger = await principal(theirs.id, null);
    // Held for real (the platform admin reaches everyone), so only reach can explain a refusal.
    await admin.ok(ASSIGN, { input: { principalId: stranger.id, roleKey: 'org_viewer', organizationId: mine.id } });

    expect(code(await owner.client.gql(UNASSIGN, { input: { principalId: stranger.id, roleKey: 'org_viewer', organizationId: mine.id } }))).toBe('NOT_FOUND');
    expect(code(await owner.client.gql(LIST, { org: mine.id, principal: stranger.id }))).toBe('NOT_FOUND');
    expect(code(await owner.client.gql(LIST, { org: mine.id, principal: newId() }))).toBe('NOT_FOUND');
    expect((await traces(stranger.id, mine.id)).held).toBe(1);
  });

  it('the principals of the organization, of its ancestors, and the caller itself are within reach', async ({ stack, organization: parent, principal }) => {
    const child = await stack.createOrganization('Child', parent.id);
    const admin = await principal(child.id, 'org_admin');
    const local = await principal(child.id, null);
    const upstairs = await principal(parent.id, null);
    for (const principalId of [local.id, upstairs.id]) {
      expect(code(await admin.client.gql(ASSIGN, { input: { principalId, roleKey: 'org_viewer', organizationId: child.id } }))).toBeUndefined();
    }
    expect((await admin.client.ok(LIST, { org: child.id, principal: upstairs.id })).roleAssignments.totalCount).toBe(1);
    expect((await admin.client.ok(LIST, { org: child.id, principal: admin.id })).roleAssignments.totalCount).toBe(1);
  });

  it('createOrganization with an owner out of reach is refused like an unknown owner, and leaves no organization', async ({ stack, organization: mine, principal }) => {
    const theirs = await stack.createOrganization(unique('Reach owner other'));
    const owner = await principal(mine.id, 'org_owner');
    const stranger = await principal(theirs.id, null);
    const name = unique('Never');
    const create = `mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }`;
    const foreign = await owner.client.gql(create, { input: { name, parentId: mine.id, ownerId: stranger.id } });
    const random = await owner.client.gql(create, { input: { name, parentId: mine.id, ownerId: newId() } });
    expect([code(foreign), code(random)]).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
    expect(foreign.errors?.[0]?.message).toBe(random.errors?.[0]?.message);
    const children = await owner.client.ok(`query($id: ID!) { organization(id: $id) { children { totalCount } } }`, { id: mine.id });
    expect(children.organization.children.totalCount).toBe(0);
  });
});

describe('a deleted principal\'s token', () => {
  it('is refused as UNAUTHENTICATED on the next request, through the gateway and at every subgraph', async ({ stack, admin, organization: org, principal }) => {
    const robot = await principal(org.id, 'org_admin');
    expect((await robot.client.ok(`{ me { platformPermissions } }`)).me.platformPermissions).toEqual([]);
    await admin.ok(`mutation($id: ID!) { deleteServiceAccount(id: $id) }`, { id: robot.id });

    const me = await robot.client.gql(`{ me { platformPermissions } }`);
    expect(me.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(me.data?.me ?? null).toBeNull();
    for (const [name, subgraph] of Object.entries(stack.stack.subgraphs)) {
      const response = await fetch(`${subgraph.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${robot.client.token}` },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(response.status, name).toBe(401);
      const body = (await response.json()) as GraphQLResponse;
      expect(body.errors?.[0]?.extensions?.code, name).toBe('UNAUTHENTICATED');
    }
  });
});
