/**
 * The playground's opening tabs (gateway/playground/examples.ts) against the API schema the
 * gateway serves from schema/supergraph.graphql: each parses, validates, names its operation
 * and takes the variables its tab gives it. A schema change that breaks an example fails here
 * rather than greeting a newcomer with a validation error.
 */
import { readFile } from 'node:fs/promises';
import { ApolloGateway } from '@apollo/gateway';
import { getVariableValues, Kind, parse, validate, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_TABS } from '../gateway/playground/examples.js';

let schema: GraphQLSchema;

beforeAll(async () => {
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
  // The gateway's own reading of the supergraph: the API schema clients see (no join__ types, no inaccessible fields).
  const gateway = new ApolloGateway({ supergraphSdl: await readFile(new URL('../schema/supergraph.graphql', import.meta.url), 'utf8') });
  ({ schema } = await gateway.load());
  await gateway.stop();
});

describe('the playground examples', () => {
  it('open more than one tab, each with a different operation', () => {
    expect(EXAMPLE_TABS.length).toBeGreaterThan(1);
    const names = EXAMPLE_TABS.map((tab) => (parse(tab.query).definitions[0] as OperationDefinitionNode).name?.value);
    expect(new Set(names).size).toBe(EXAMPLE_TABS.length);
  });

  it.for(EXAMPLE_TABS.map((tab, index) => [index, tab] as const))('tab %i is one named operation that validates against the API schema', ([, tab]) => {
    const document = parse(tab.query);
    expect(validate(schema, document)).toEqual([]);
    const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
    expect(operations).toHaveLength(1);
    expect(operations[0]!.name?.value).toBeTruthy();
  });

  it.for(EXAMPLE_TABS.map((tab, index) => [index, tab] as const))('tab %i has variables its operation accepts', ([, tab]) => {
    const operation = parse(tab.query).definitions[0] as OperationDefinitionNode;
    const variables: unknown = tab.variables === undefined ? {} : JSON.parse(tab.variables);
    expect(typeof variables === 'object' && variables !== null && !Array.isArray(variables)).toBe(true);
    const declared = new Set((operation.variableDefinitions ?? []).map((definition) => definition.variable.name.value));
    // No variable the operation does not declare (GraphiQL would send it and the gateway ignore it).
    expect(Object.keys(variables as object).filter((name) => !declared.has(name))).toEqual([]);
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables as Record<string, unknown>);
    expect(coerced.errors ?? []).toEqual([]);
  });
});
