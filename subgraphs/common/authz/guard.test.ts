/**
 * guardSchema's shortcuts give graphql-shield's answers: `allow` fields and fields whose rule is
 * known to allow on their object run without an asynchronous round (a fully known query executes
 * synchronously), while fields without a rule, denials and anything not yet known go through the
 * rules for the same errors.
 */
import { buildSchema, execute, parse, type ExecutionResult, type GraphQLObjectType } from 'graphql';
import { allow } from 'graphql-shield';
import { describe, expect, it } from 'vitest';
import type { SubgraphContext } from '../context.js';
import { Place } from './decision.js';
import { can, guardSchema } from './rules.js';

const typeDefs = /* GraphQL */ `
  type Query { items: [Item!]! item(id: ID!): Item }
  type Item { id: ID name: String secret: String }
`;
const rows = Array.from({ length: 100 }, (_, i) => ({ id: `o${i}`, name: `Item ${i}`, secret: 'never shown' }));

const unguarded = buildSchema(typeDefs);
const queries = (unguarded.getQueryType() as GraphQLObjectType).getFields();
queries.items!.resolve = () => rows;
queries.item!.resolve = (_parent, { id }: { id: string }) => rows.find((row) => row.id === id) ?? null;

const schema = guardSchema(
  unguarded,
  {
    Query: { items: allow, item: can('organization:read', (_parent: unknown, args: { id: string }) => Place.organization(args.id)) },
    // `secret` has no rule: denied by default.
    Item: { id: can('organization:read', (item: { id: string }) => Place.organization(item.id)), name: can('organization:read', (item: { id: string }) => Place.organization(item.id)) },
  },
);

/** A decision point that can read `o0`..`o<readableBelow - 1>` and knows its answers once `settled`; `rounds` counts asynchronous asks. */
function context(settled: boolean, readableBelow = 50) {
  const readable = (place: Place) => place.kind === 'organization' && Number(place.organizationId.slice(1)) < readableBelow;
  const authz = {
    rounds: 0,
    canNow: (_permission: string, place: Place) => (settled ? readable(place) : undefined),
    async can(_permission: string, place: Place) {
      authz.rounds += 1;
      return readable(place);
    },
  };
  const ctx = { principal: { id: 'caller', type: 'service_account' }, authz } as unknown as SubgraphContext;
  return { ctx, authz };
}

const run = (query: string, ctx: SubgraphContext) => execute({ schema, document: parse(query), contextValue: ctx });

describe('guardSchema', () => {
  it('runs a query whose every decision is known without a single promise', () => {
    const { ctx, authz } = context(true, 100);
    const result = run('{ items { id name } }', ctx) as ExecutionResult;
    expect(result).not.toBeInstanceOf(Promise);
    expect(authz.rounds).toBe(0);
    expect(result.errors).toBeUndefined();
    expect((result.data!.items as unknown[]).slice(0, 2)).toEqual([{ id: 'o0', name: 'Item 0' }, { id: 'o1', name: 'Item 1' }]);
  });

  it('sends what is known to be denied through the rule, for its error', async () => {
    const { ctx } = context(true);
    const result = await run('{ items { id } }', ctx);
    expect(result.errors).toHaveLength(50);
    expect(result.errors!.every((error) => error.extensions.code === 'NOT_FOUND')).toBe(true);
    expect((result.data!.items as unknown[]).slice(49, 51)).toEqual([{ id: 'o49' }, { id: null }]);
  });

  it('gives the rules their say on what is not known yet, and on every denial', async () => {
    const { ctx, authz } = context(false);
    const result = await run('{ items { id } }', ctx);
    expect(authz.rounds).toBeGreaterThanOrEqual(100);
    expect(result.errors).toHaveLength(50);
    expect(result.errors!.every((error) => error.extensions.code === 'NOT_FOUND')).toBe(true);
  });

  it('denies a field without a rule even on an object whose other fields are allowed at once', async () => {
    const { ctx } = context(true, 100);
    const result = await run('{ items { id secret } }', ctx);
    expect(result.errors).toHaveLength(100);
    expect(result.errors!.every((error) => error.extensions.code === 'FORBIDDEN' && error.path![2] === 'secret')).toBe(true);
  });

  it('always asks the rules of root fields, whose places come from arguments', async () => {
    const { ctx, authz } = context(true);
    const visible = await run('{ item(id: "o3") { name } }', ctx);
    expect(visible.data).toEqual({ item: { name: 'Item 3' } });
    expect(authz.rounds).toBe(1);
    const hidden = await run('{ item(id: "o70") { name } }', ctx);
    expect(hidden.errors![0]!.extensions.code).toBe('NOT_FOUND');
  });
});
