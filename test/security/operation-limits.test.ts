/**
 * The gateway refuses operations over its limits before the query planner sees them: one
 * OPERATION_LIMIT_EXCEEDED error, HTTP 400, the same with or without a token. The planner is
 * watched directly (a spy on QueryPlanner.buildQueryPlan, the synchronous work an attacker
 * would hold the event loop with), so "before planning" is observed, not assumed.
 */
import { readFileSync } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import { getIntrospectionQuery, getNullableType, isListType, isObjectType, parse, validate, type OperationDefinitionNode, type TypeNode } from 'graphql';
import { describe, expect, vi } from 'vitest';
import { DEFAULT_LIMITS, LIST_SIZES, PERMISSION_LIST_SIZE, limitRules, operationCost, operationFields } from '../../gateway/limits.js';
import { ALL_PERMISSIONS } from '../../subgraphs/common/authz/catalog.js';
import { EXAMPLE_TABS } from '../../gateway/playground/examples.js';
import { SUPERGRAPH_PATH } from '../../gateway/server.js';
import { test } from '../harness/fixtures.js';
import type { Client, GraphQLResponse } from '../harness/stack.js';
import { WIDE, aliases, directives, doublingFragments, nestedAncestors, nestedFragments, parentChildrenChain, tokens } from './attacks.js';


const ATTACKS: { name: string; query: string; variables?: Record<string, unknown>; message: RegExp }[] = [
  { name: 'seven nested fragments (the planner took 2 to 4 s)', query: nestedFragments(7), message: /^Query depth \d+ exceeds the limit of 18$/ },
  { name: 'a fragment doubling over ten levels', query: doublingFragments(10), message: /^Query selects \d+ fields, over the limit of 1000$/ },
  { name: 'children { parent { children … } } twenty deep', query: parentChildrenChain(20), message: /^Query depth \d+ exceeds the limit of 18$/ },
  { name: '1,000 aliases (3,000 tokens)', query: aliases(1000), message: /^Query exceeds the limit of 2000 tokens$/ },
  { name: '100 aliases', query: aliases(100), message: /^Number of aliases 100 exceeds the limit of 30$/ },
  { name: '50 directives', query: directives(25), message: /^Number of directives 50 exceeds the limit of 30$/ },
  { name: '3,000 tokens', query: tokens(3000), message: /^Query exceeds the limit of 2000 tokens$/ },
  { name: 'ancestors nested ten deep', query: nestedAncestors(10), message: /^Query cost \d+ exceeds the limit of 1000000$/ },
  { name: 'three nested pages of 100', query: WIDE, variables: { n: 100 }, message: /^Query cost \d+ exceeds the limit of 1000000$/ },
];

// eslint-disable-next-line no-empty-pattern
const it = test.extend('plans', ({}, { onCleanup }) => {
  const spy = vi.spyOn(QueryPlanner.prototype, 'buildQueryPlan');
  onCleanup(() => spy.mockRestore());
  return spy;
});

function expectRefused(response: GraphQLResponse, message: RegExp): void {
  expect(response.status).toBe(400);
  expect(response.data).toBeUndefined();
  expect(response.errors).toHaveLength(1);
  const [error] = response.errors!;
  expect(error!.extensions?.code).toBe('OPERATION_LIMIT_EXCEEDED');
  expect(error!.message).toMatch(message);
  expect(Object.keys(error!.extensions ?? {})).toEqual(['code']);
}

describe('operation limits at the gateway', () => {
  for (const attack of ATTACKS) {
    it(`refuses ${attack.name} before planning, with or without a token`, async ({ stack, admin, organization, plans }) => {
      const variables = { id: organization.id, ...attack.variables };
      for (const client of [stack.anonymous, admin] as Client[]) {
        const before = plans.mock.calls.length;
        expectRefused(await client.gql(attack.query, variables), attack.message);
        expect(plans.mock.calls.length).toBe(before);
      }
    });
  }

  it('plans and answers what stays inside the limits (the spy sees the planner work)', async ({ admin, organization, plans }) => {
    const before = plans.mock.calls.length;
    const small = await admin.gql(WIDE.replace('query Wide', 'query Narrow'), { n: 10 });
    expect(small.errors).toBeUndefined();
    expect(small.data.organizations.edges.length).toBeGreaterThan(0);
    expect(plans.mock.calls.length).toBeGreaterThan(before);
    expect((await admin.gql(aliases(30), { id: organization.id })).data.organization.a29).toBe(organization.name);
    expect((await admin.gql(directives(15), { id: organization.id })).data.organization.d14).toBe(organization.name);
    // Four levels: each spreads under ancestors, a list priced at ASSUMED_TREE_DEPTH, so a fifth is over the cost limit.
    expect((await admin.gql(doublingFragments(4), { id: organization.id })).errors).toBeUndefined();
  });

  it('refuses batches whole, so no operation escapes its own limits by riding in one', async ({ stack, admin, organization }) => {
    const response = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
      body: JSON.stringify([
        { query: 'mutation Rename($id: ID!) { updateOrganization(id: $id, input: { name: "Renamed by a batch" }) { name } }', variables: { id: organization.id } },
        { query: aliases(31), variables: { id: organization.id } },
      ]),
    });
    expect(response.status).toBe(400);
    const after = await admin.ok('query Name($id: ID!) { organization(id: $id) { name } }', { id: organization.id });
    expect(after.organization.name).toBe(organization.name);
  });

  it('prices variables by their values and refuses variables that do not fit as bad input', async ({ admin }) => {
    expectRefused(await admin.gql(WIDE, { n: 100 }), /^Query cost/);
    expect((await admin.gql(WIDE, { n: 5 })).errors).toBeUndefined();
    const wrong = await admin.gql(WIDE, { n: 'many' });
    expect(wrong.errors![0]!.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('the default limits admit what users are shown', () => {
  const api = Supergraph.build(readFileSync(SUPERGRAPH_PATH, 'utf8')).apiSchema().toGraphQLJSSchema();

  /** A value of each variable's type, so the cost is priced as a client would send it. */
  function sampleValue(type: TypeNode): unknown {
    if (type.kind === 'NonNullType') return sampleValue(type.type);
    if (type.kind === 'ListType') return [sampleValue(type.type)];
    return type.name.value === 'Int' ? 20 : type.name.value === 'Boolean' ? true : 'x';
  }

  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const documents = [
    ...[...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].flatMap((block) => block[1]!.split(/\n(?=(?:query|mutation)\b)/).filter((part) => part.includes('{'))),
    ...EXAMPLE_TABS.map((tab) => tab.query),
    getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true }),
  ];

  test('every list field without pagination has a considered bound, and permission lists fit theirs', () => {
    const unpaginated: string[] = [];
    for (const type of Object.values(api.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const list = isListType(getNullableType(field.type));
        const paginated = field.args.some((arg) => arg.name === 'first' || arg.name === 'last');
        if (list && !paginated && !(type.name.endsWith('Connection') && field.name === 'edges')) unpaginated.push(`${type.name}.${field.name}`);
      }
    }
    expect(unpaginated.sort()).toEqual(Object.keys(LIST_SIZES).sort());
    expect(ALL_PERMISSIONS.length).toBeLessThanOrEqual(PERMISSION_LIST_SIZE);
  });

  test('a breadcrumb query on ancestors is well inside the cost limit', () => {
    const breadcrumbs = parse('query($id: ID!) { organization(id: $id) { name ancestors { id name } children { edges { node { name ancestors { label } } } } } }');
    expect(operationCost(api, breadcrumbs, undefined, { id: 'x' })).toBeLessThan(DEFAULT_LIMITS.maxCost / 100);
  });

  test('the README has queries to check', () => {
    expect(documents.length).toBeGreaterThan(15);
  });

  for (const source of documents) {
    test(`${source.trim().split('\n').find((line) => !line.startsWith('#'))!.slice(0, 70)}`, () => {
      const document = parse(source);
      expect(validate(api, document)).toEqual([]);
      expect(validate(api, document, limitRules(DEFAULT_LIMITS))).toEqual([]);
      const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
      const variables = Object.fromEntries((operation.variableDefinitions ?? []).map((v) => [v.variable.name.value, sampleValue(v.type)]));
      expect(operationFields(api, document, undefined, variables)).toBeLessThanOrEqual(DEFAULT_LIMITS.maxFields);
      expect(operationCost(api, document, undefined, variables)).toBeLessThanOrEqual(DEFAULT_LIMITS.maxCost);
    });
  }
});
