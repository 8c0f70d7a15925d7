/**
 * What NODE_ENV=production and INTROSPECTION change at the gateway: no "Did you mean" hints
 * (they spell out names near a typo, in validation and in variable coercion alike), and
 * introspection on unless switched off. Each test starts a gateway of its own with the
 * switches it is about, in front of the file's subgraphs.
 */
import { describe, expect } from 'vitest';
import { productionSwitchesFromEnv } from '../../gateway/production.js';
import { test } from '../harness/fixtures.js';
import { Client } from '../harness/stack.js';

/** A typo in a field, one in an enum value of a variable, one in an input field: each near a real name. */
const TYPOS: { query: string; variables?: Record<string, unknown> }[] = [
  { query: '{ organizatons(first: 1) { totalCount } }' },
  { query: 'query($scope: Scope) { roles(scope: $scope) { key } }', variables: { scope: 'ORGANISATION' } },
  { query: 'mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }', variables: { input: { nam: 'Typo' } } },
];

const INTROSPECTION = '{ __schema { queryType { name } } __type(name: "Organization") { fields { name } } }';

describe('production switches', () => {
  test('field suggestions are given by default and withheld in production, the errors otherwise the same', async ({ gateway, admin }) => {
    const development = new Client(await gateway({ production: { hideSuggestions: false } }), admin.token);
    const production = new Client(await gateway({ production: { hideSuggestions: true } }), admin.token);
    for (const { query, variables } of TYPOS) {
      const hinted = await development.gql(query, variables);
      const plain = await production.gql(query, variables);
      expect(hinted.errors![0]!.message).toMatch(/Did you mean/);
      expect(hinted.errors![0]!.message).not.toMatch(/Unknown type/);
      expect(plain.errors![0]!.message).not.toMatch(/Did you mean/);
      expect(plain.status).toBe(hinted.status);
      expect(plain.errors![0]!.extensions?.code).toBe(hinted.errors![0]!.extensions?.code);
      expect(plain.errors![0]!.message).toBe(hinted.errors![0]!.message.replace(/ ?Did you mean [^?]*\?/, ''));
    }
  });

  test('introspection answers unless switched off, in production too', async ({ gateway, stack }) => {
    const on = await new Client(await gateway({ production: { hideSuggestions: true, introspection: true } })).gql(INTROSPECTION);
    expect(on.data.__schema.queryType.name).toBe('Query');
    expect(on.data.__type.fields.map((f: { name: string }) => f.name)).toContain('permissions');
    // Anonymous callers read the contract through the stack's default gateway as well.
    expect((await stack.anonymous.gql(INTROSPECTION)).data.__schema.queryType.name).toBe('Query');

    const off = await new Client(await gateway({ production: { introspection: false } })).gql(INTROSPECTION);
    expect(off.data).toBeUndefined();
    expect(off.errors![0]!.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(off.errors![0]!.message).toMatch(/introspection/i);
  });

  test('the environment sets them: NODE_ENV=production hides suggestions, INTROSPECTION=false alone turns introspection off', () => {
    const saved = { NODE_ENV: process.env.NODE_ENV, INTROSPECTION: process.env.INTROSPECTION };
    try {
      process.env.NODE_ENV = 'production';
      delete process.env.INTROSPECTION;
      expect(productionSwitchesFromEnv()).toEqual({ hideSuggestions: true, introspection: true });
      process.env.INTROSPECTION = 'false';
      expect(productionSwitchesFromEnv()).toEqual({ hideSuggestions: true, introspection: false });
      process.env.NODE_ENV = 'development';
      process.env.INTROSPECTION = 'true';
      expect(productionSwitchesFromEnv()).toEqual({ hideSuggestions: false, introspection: true });
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
