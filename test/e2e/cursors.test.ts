/**
 * Every connection through the gateway with forged cursors and contradictory page arguments:
 * the client's mistake is BAD_USER_INPUT on the argument, never an INTERNAL_SERVER_ERROR
 * from the database choking on a value of the wrong type.
 */
import { v7 as uuidv7 } from 'uuid';
import { describe, expect } from 'vitest';
import { test } from '../harness/fixtures.js';
import type { GraphQLResponse } from '../harness/stack.js';

/** Something on every connection: an organization with a child, a tenant and a principal holding a role there. */
const it = test.extend('world', async ({ stack, organization, tenant, principal }) => {
  await stack.createOrganization('Cursor child', organization.id);
  await principal(organization.id, 'org_viewer');
  return { organizationId: organization.id, tenantId: tenant.id };
});
type World = { organizationId: string; tenantId: string };

type Column = 'text' | 'int' | 'uuid';
const ARGS = 'first: $first, after: $after, last: $last, before: $before';
const VARS = '$first: Int, $after: String, $last: Int, $before: String';

/** Each connection: a query taking the four page arguments, its variables, and its sort key's column types. */
const connections: { name: string; query: string; variables: (world: World) => Record<string, unknown>; order: Column[] }[] = [
  { name: 'organizations', query: `query(${VARS}) { organizations(${ARGS}) { totalCount } }`, variables: () => ({}), order: ['text', 'uuid'] },
  {
    name: 'Organization.children',
    query: `query($id: ID!, ${VARS}) { organization(id: $id) { children(${ARGS}) { totalCount } } }`,
    variables: ({ organizationId }) => ({ id: organizationId }),
    order: ['text', 'uuid'],
  },
  {
    name: 'Organization.descendants',
    query: `query($id: ID!, ${VARS}) { organization(id: $id) { descendants(${ARGS}) { totalCount } } }`,
    variables: ({ organizationId }) => ({ id: organizationId }),
    order: ['int', 'text', 'uuid'],
  },
  {
    name: 'Organization.tenants',
    query: `query($id: ID!, ${VARS}) { organization(id: $id) { tenants(${ARGS}) { totalCount } } }`,
    variables: ({ organizationId }) => ({ id: organizationId }),
    order: ['text', 'uuid'],
  },
  {
    name: 'Organization.serviceAccounts',
    query: `query($id: ID!, ${VARS}) { organization(id: $id) { serviceAccounts(${ARGS}) { totalCount } } }`,
    variables: ({ organizationId }) => ({ id: organizationId }),
    order: ['text', 'uuid'],
  },
  {
    name: 'Organization.roleAssignments',
    query: `query($id: ID!, ${VARS}) { organization(id: $id) { roleAssignments(${ARGS}) { totalCount } } }`,
    variables: ({ organizationId }) => ({ id: organizationId }),
    order: ['uuid'],
  },
  {
    name: 'Tenant.roleAssignments',
    query: `query($id: ID!, ${VARS}) { tenant(id: $id) { roleAssignments(${ARGS}) { totalCount } } }`,
    variables: ({ tenantId }) => ({ id: tenantId }),
    order: ['uuid'],
  },
  {
    name: 'roleAssignments',
    query: `query($org: ID, ${VARS}) { roleAssignments(organizationId: $org, ${ARGS}) { totalCount } }`,
    variables: ({ organizationId }) => ({ org: organizationId }),
    order: ['uuid'],
  },
  {
    name: 'roleAssignments (platform)',
    query: `query(${VARS}) { roleAssignments(${ARGS}) { totalCount } }`,
    variables: () => ({}),
    order: ['uuid'],
  },
  {
    name: 'auditEvents',
    query: `query($org: ID!, ${VARS}) { auditEvents(organizationId: $org, ${ARGS}) { totalCount } }`,
    variables: ({ organizationId }) => ({ org: organizationId }),
    order: ['uuid'],
  },
  { name: 'me.organizations', query: `query(${VARS}) { me { organizations(${ARGS}) { totalCount } } }`, variables: () => ({}), order: ['int', 'uuid'] },
  { name: 'me.tenants', query: `query(${VARS}) { me { tenants(${ARGS}) { totalCount } } }`, variables: () => ({}), order: ['int', 'uuid'] },
];

const cursor = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
const valid: Record<Column, () => unknown> = { text: () => 'm', int: () => 1, uuid: () => uuidv7() };

/** Values of the right JSON shape (string or number) that the column cannot hold. */
const wrong: Record<Column, unknown[]> = {
  uuid: ['not-a-uuid', '', `${uuidv7()}x`, `'; drop table x; --`, 'a\u0000b', '\ud800', 'x'.repeat(5000), 42, 1.5],
  int: [2 ** 40, 1e300, -1, 1.5, 2 ** 31, '1', 'one'],
  text: ['a\u0000b', '\u0000', 'x\ud800', '\udfff', 'x'.repeat(5000), 7],
};

/** A well-typed key with position `index` replaced by `value`. */
const forged = (order: Column[], index: number, value: unknown) => order.map((type, i) => (i === index ? value : valid[type]()));

function expectBadInput(result: GraphQLResponse, field: string, context: string): void {
  const codes = (result.errors ?? []).map((e) => e.extensions?.code);
  expect(codes, context).not.toContain('INTERNAL_SERVER_ERROR');
  expect(result.errors?.[0]?.extensions, context).toMatchObject({ code: 'BAD_USER_INPUT', field });
}

describe.each(connections)('$name', ({ query, variables, order }) => {
  it('accepts a forged cursor whose values fit the sort key', async ({ admin, world }) => {
    for (const page of [{ first: 2, after: cursor(order.map((t) => valid[t]())) }, { last: 2, before: cursor(order.map((t) => valid[t]())) }]) {
      const result = await admin.gql(query, { ...variables(world), ...page });
      expect(result.errors, JSON.stringify(page)).toBeUndefined();
    }
  });

  it('answers BAD_USER_INPUT on after/before for every wrongly typed value, in every position', async ({ admin, world }) => {
    for (const [index, type] of order.entries()) {
      for (const value of wrong[type]) {
        const key = forged(order, index, value);
        const context = `${type} position ${index}: ${JSON.stringify(value)?.slice(0, 40)}`;
        expectBadInput(await admin.gql(query, { ...variables(world), first: 2, after: cursor(key) }), 'after', context);
        expectBadInput(await admin.gql(query, { ...variables(world), last: 2, before: cursor(key) }), 'before', context);
      }
    }
  });

  it('answers BAD_USER_INPUT for cursors of the wrong shape', async ({ admin, world }) => {
    const well = order.map((t) => valid[t]());
    for (const after of [cursor([...well, 'extra']), cursor(well.slice(1)), cursor({}), cursor(null), 'x'.repeat(10_000), '%%%', cursor([...well.slice(0, -1), null])]) {
      expectBadInput(await admin.gql(query, { ...variables(world), first: 2, after }), 'after', after.slice(0, 40));
    }
  });

  it('refuses first with before and last with after, as after with before', async ({ admin, world }) => {
    const key = cursor(order.map((t) => valid[t]()));
    expectBadInput(await admin.gql(query, { ...variables(world), first: 2, before: key }), 'before', 'first+before');
    expectBadInput(await admin.gql(query, { ...variables(world), last: 2, after: key }), 'after', 'last+after');
    expectBadInput(await admin.gql(query, { ...variables(world), after: key, before: key }), 'before', 'after+before');
    expectBadInput(await admin.gql(query, { ...variables(world), first: 2, last: 2 }), 'last', 'first+last');
  });

  it('keeps refusing page sizes out of range', async ({ admin, world }) => {
    for (const [page, field] of [
      [{ first: -1 }, 'first'],
      [{ first: 101 }, 'first'],
      [{ last: -1 }, 'last'],
      [{ last: 101 }, 'last'],
    ] as const) {
      expectBadInput(await admin.gql(query, { ...variables(world), ...page }), field, JSON.stringify(page));
    }
  });
});
