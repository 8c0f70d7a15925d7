import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type GraphQLSchema } from 'graphql';
import type { IRules } from 'graphql-shield';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema, createResolversMap, type NonEmptyArray } from 'type-graphql';
import { federationRules, guardSchema } from './authz/rules.js';

const FEDERATION_LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides"])`;

/* eslint-disable @typescript-eslint/no-explicit-any */
export type ReferenceResolvers = Record<string, { __resolveReference: (reference: any, context: any) => unknown }>;

export interface SubgraphSchemaOptions {
  resolvers: NonEmptyArray<Function>; // eslint-disable-line @typescript-eslint/no-unsafe-function-type
  orphanedTypes?: Function[]; // eslint-disable-line @typescript-eslint/no-unsafe-function-type
  references?: ReferenceResolvers;
  rules: IRules;
}

export interface SubgraphSchema {
  /** What the gateway composes: the subgraph's SDL with federation directives. */
  sdl: string;
  /** The executable schema, permissions applied. */
  schema: GraphQLSchema;
}

/**
 * type-graphql classes -> Apollo subgraph schema -> graphql-shield. The SDL is printed with
 * directives (plain printSchema drops @key) and is also what `npm run compose` writes to schema/.
 */
export async function buildSubgraph(options: SubgraphSchemaOptions): Promise<SubgraphSchema> {
  const { sdl, schema } = await buildSubgraphWithoutPermissions(options);
  const rules = options.rules as Record<string, any>;
  const merged: IRules = { ...rules, ...federationRules, Query: { ...(rules.Query ?? {}), ...(federationRules as any).Query } };
  return { sdl, schema: guardSchema(schema, merged) };
}

/**
 * The same executable schema without graphql-shield: every field open to anyone. Never served;
 * it exists so that test/bench/permission-layer.bench.ts can measure what the permission layer
 * costs against exactly the schema it guards. Servers build with `buildSubgraph`.
 */
export async function buildSubgraphWithoutPermissions(options: Omit<SubgraphSchemaOptions, 'rules'>): Promise<SubgraphSchema> {
  const typeSchema = await buildSchema({
    resolvers: options.resolvers,
    orphanedTypes: options.orphanedTypes,
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validate: false,
    skipCheck: true,
    emitSchemaFile: false,
  });
  const sdl = `${FEDERATION_LINK}\n\n${printSchemaWithDirectives(typeSchema)}\n`;
  const resolverMap = createResolversMap(typeSchema) as Record<string, any>;
  for (const [typeName, reference] of Object.entries(options.references ?? {})) {
    resolverMap[typeName] = { ...(resolverMap[typeName] ?? {}), ...reference };
  }
  return { sdl, schema: buildSubgraphSchema({ typeDefs: parse(sdl), resolvers: resolverMap as any }) };
}
