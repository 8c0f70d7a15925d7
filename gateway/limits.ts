/**
 * Operation limits, checked before @apollo/gateway plans anything: planning is synchronous and
 * a small document of nested fragment spreads can hold the event loop for seconds.
 *
 * Order inside Apollo Server's request pipeline:
 *   parse      graphql-js stops at `maxTokens` (Apollo's `parseOptions`), so an oversized
 *              document is never built, let alone validated;
 *   validate   the standard rules (cheap on a document the token limit has bounded);
 *   didResolveOperation (here)  GraphQL Armor's depth (through fragments), aliases and
 *              directives rules, then the cost of the chosen operation;
 *   execute    the gateway's query planner, then the subgraphs.
 * Every refusal is one error with code OPERATION_LIMIT_EXCEEDED and HTTP 400.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  getNullableType,
  getOperationAST,
  isListType,
  validate,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { ComplexityEstimator } from 'graphql-query-complexity';
import type * as QueryComplexity from 'graphql-query-complexity';
import { createRequire } from 'node:module';
import { envInt } from '../lib/config.js';
import { apiError } from '../lib/errors.js';
import { DEFAULT_PAGE_SIZE } from '../lib/pagination.js';

// The library's ESM build imports `graphql/index.mjs`, a second graphql beside the CommonJS one
// the gateway's schema is built with, which graphql refuses ("from another module or realm");
// its CommonJS build shares ours.
const { getComplexity, simpleEstimator } = createRequire(import.meta.url)('graphql-query-complexity/cjs') as typeof QueryComplexity;

export const OPERATION_LIMIT_EXCEEDED = 'OPERATION_LIMIT_EXCEEDED' as const;

export interface OperationLimits {
  /** Field nesting, fragments followed (MAX_QUERY_DEPTH). */
  maxDepth: number;
  /** Aliased fields in a document, fragments followed (MAX_ALIASES). */
  maxAliases: number;
  /** Directive uses in a document, fragments followed (MAX_DIRECTIVES). */
  maxDirectives: number;
  /** Lexical tokens of the document (MAX_TOKENS). */
  maxTokens: number;
  /** See operationCost (MAX_QUERY_COST). */
  maxCost: number;
  /**
   * Field selections once every fragment spread is expanded (MAX_FIELDS): what the query
   * planner works through. A fragment spread twice per level doubles it at every level
   * while depth and cost stay modest: `parent { ...F } ancestors { ...F }` ten levels deep
   * is 27,000 fields and a second of planning.
   */
  maxFields: number;
}

/**
 * The deepest query in the README and the tests nests organization → children → edges → node
 * five times (18 levels); the abusive `children { parent { children … } } }` chains go past 20.
 * A page is at most 100 items, so cost grows by up to 100 per nested connection: 1,000,000
 * admits a tree five levels deep in pages of 10 (877,775), three levels in pages of 20 or two
 * in pages of 100, and refuses three nested pages of 100 (8 million). GitHub's API draws its
 * line at 500,000 nodes with the same arithmetic (counting nodes, where this counts fields).
 * The largest document in the README, the tests and GraphiQL's introspection query selects
 * 229 fields: 1,000 leaves room and holds the planner to tens of milliseconds.
 */
export const DEFAULT_LIMITS: OperationLimits = {
  maxDepth: 18,
  maxAliases: 30,
  maxDirectives: 30,
  maxTokens: 2000,
  maxCost: 1_000_000,
  maxFields: 1_000,
};

/** Each setting from the environment, the default when unset. */
export function limitsFromEnv(): OperationLimits {
  return {
    maxDepth: envInt('MAX_QUERY_DEPTH', DEFAULT_LIMITS.maxDepth),
    maxAliases: envInt('MAX_ALIASES', DEFAULT_LIMITS.maxAliases),
    maxDirectives: envInt('MAX_DIRECTIVES', DEFAULT_LIMITS.maxDirectives),
    maxTokens: envInt('MAX_TOKENS', DEFAULT_LIMITS.maxTokens),
    maxCost: envInt('MAX_QUERY_COST', DEFAULT_LIMITS.maxCost),
    maxFields: envInt('MAX_FIELDS', DEFAULT_LIMITS.maxFields),
  };
}

/**
 * How deep the estimate assumes an organization tree to be: `ancestors` is priced at this many
 * items. Trees may be deeper (nothing enforces a depth); a response that holds more than its
 * estimate is charged the difference after (gateway/rate-limit.ts), so a deep tree costs its
 * reader what it returned, but only this bound keeps a single nested `ancestors` query small.
 */
export const ASSUMED_TREE_DEPTH = 20;
/** A `permissions` list has one entry per catalog action of its type (22 actions in all today). */
export const PERMISSION_LIST_SIZE = 32;

/**
 * Each list field without pagination, priced at this many items (each item costs what it
 * selects), so that nesting lists multiplies the estimate as it multiplies the response. Lists
 * of scalars cost 1 however long (resultCost counts them so too). A list field missing here is
 * priced at DEFAULT_PAGE_SIZE; operation-limits.test.ts checks that every list in the schema is
 * named here, so a new one gets a considered bound.
 */
export const LIST_SIZES: Readonly<Record<string, number>> = {
  'Organization.ancestors': ASSUMED_TREE_DEPTH,
  'Organization.permissions': PERMISSION_LIST_SIZE,
  'Tenant.permissions': PERMISSION_LIST_SIZE,
  'ServiceAccount.permissions': PERMISSION_LIST_SIZE,
  'ServiceAccountCredential.permissions': PERMISSION_LIST_SIZE,
  'RoleAssignment.permissions': PERMISSION_LIST_SIZE,
  'Role.permissions': PERMISSION_LIST_SIZE,
  'Viewer.platformPermissions': PERMISSION_LIST_SIZE,
  'User.permissions': PERMISSION_LIST_SIZE,
  'Membership.permissions': PERMISSION_LIST_SIZE,
  'ApiKey.permissions': PERMISSION_LIST_SIZE,
  'Invitation.permissions': PERMISSION_LIST_SIZE,
  // A member's assignments on one organization and its tenants.
  'Membership.roleAssignments': 50,
  // Built-in roles plus an organization's custom ones.
  'Query.roles': 50,
  'AccessDecision.rolesThatGrant': 50,
  'AccessDecision.grantedBy': DEFAULT_PAGE_SIZE,
  'ViewerOrganizationEdge.roles': DEFAULT_PAGE_SIZE,
  'ViewerTenantEdge.roles': DEFAULT_PAGE_SIZE,
  'Viewer.roleAssignments': 50,
  'ServiceAccount.credentials': DEFAULT_PAGE_SIZE,
};

/** A connection's `edges` are its page: priced by the connection field's first/last, not again here. */
const isConnectionEdges = (type: { name: string }, field: { name: string }) => type.name.endsWith('Connection') && field.name === 'edges';

/**
 * A paginated field costs one plus its page size (`first`, else `last`, else the default page)
 * times what each item selects, so nested pages multiply; a list without pagination the same
 * with its LIST_SIZES bound; any other field costs one plus its selection (simpleEstimator).
 * Introspection is priced as plain fields: its lists are as long as the schema is, whoever asks.
 * Variables count with their values.
 */
const pageEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  const paginated = field.args.some((arg) => arg.name === 'first' || arg.name === 'last');
  if (paginated) {
    const requested = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : DEFAULT_PAGE_SIZE;
    return 1 + Math.max(requested, 0) * childComplexity;
  }
  if (type.name.startsWith('__') || !isListType(getNullableType(field.type)) || isConnectionEdges(type, field)) return undefined;
  return 1 + (LIST_SIZES[`${type.name}.${field.name}`] ?? DEFAULT_PAGE_SIZE) * childComplexity;
};

/** The library's own guard against documents whose fragment expansion is huge; past it, the cost is unbounded for us. */
const MAX_COST_NODES = 10_000;

type Estimators = Parameters<typeof getComplexity>[0]['estimators'];

/** getComplexity with the library's guard on expansion; `Infinity` past it. */
function complexity(estimators: Estimators, schema: GraphQLSchema, document: DocumentNode, operationName?: string | null, variables?: Record<string, unknown>): number {
  try {
    return getComplexity({ schema, query: document, operationName: operationName ?? undefined, variables: variables ?? {}, estimators, maxQueryNodes: MAX_COST_NODES });
  } catch (error) {
    if (error instanceof GraphQLError && error.message.startsWith('Query exceeds the maximum allowed number of nodes')) return Infinity;
    throw error;
  }
}

/**
 * The cost of one operation of `document` (validated against `schema`): see pageEstimator.
 * `Infinity` for a document whose expansion exceeds MAX_COST_NODES selections. Throws
 * GraphQLError when the variables do not fit the operation.
 */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null, variables?: Record<string, unknown>): number {
  return complexity([pageEstimator, simpleEstimator({ defaultComplexity: 1 })], schema, document, operationName, variables);
}

/** How many field selections one operation of `document` makes with its fragments expanded (each field 1, lists not multiplied). */
export function operationFields(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null, variables?: Record<string, unknown>): number {
  return complexity([simpleEstimator({ defaultComplexity: 1 })], schema, document, operationName, variables);
}

export function limitExceeded(message: string): GraphQLError {
  return apiError(OPERATION_LIMIT_EXCEEDED, message, { http: { status: 400 } });
}

type Rejection = (found: number | undefined) => string;

/** Armor reports "... exceeded, found N."; our message names the limit in the API's words. */
function armorRule(
  make: (options: object) => ValidationRule,
  options: object,
  message: Rejection,
): ValidationRule {
  return make({
    ...options,
    propagateOnRejection: false,
    exposeLimits: true,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        const found = /found (\d+)/.exec(error.message)?.[1];
        context?.reportError(limitExceeded(message(found === undefined ? undefined : Number(found))));
      },
    ],
  });
}

const counted = (what: string, limit: number) => (found: number | undefined) =>
  found === undefined ? `${what} exceeds the limit of ${limit}` : `${what} ${found} exceeds the limit of ${limit}`;

export function limitRules(limits: OperationLimits): ValidationRule[] {
  return [
    // flattenFragments: a spread adds no level of its own, so depth is the depth of the fields.
    armorRule(maxDepthRule as never, { n: limits.maxDepth, flattenFragments: true, ignoreIntrospection: true }, counted('Query depth', limits.maxDepth)),
    armorRule(maxAliasesRule as never, { n: limits.maxAliases }, counted('Number of aliases', limits.maxAliases)),
    armorRule(maxDirectivesRule as never, { n: limits.maxDirectives }, counted('Number of directives', limits.maxDirectives)),
  ];
}

/**
 * The request pipeline's checks. `check` prices an operation and throws when it is over a
 * limit; the throttling plugin calls it before charging (gateway/rate-limit.ts), so a refused
 * operation is neither charged nor priced past the first limit it breaks. `plugin` turns the
 * planner's own refusals into client errors; `parseOptions` goes to ApolloServer's options.
 */
export function operationLimits<TContext extends BaseContext>(limits: OperationLimits): {
  check: (schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown>) => number;
  plugin: ApolloServerPlugin<TContext>;
  parseOptions: { maxTokens: number };
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError | undefined;
} {
  const rules = limitRules(limits);
  // Apollo Server hands the same parsed document for the same query text (its document cache):
  // an operation that passed is priced once per schema, document, operation and variables.
  const passed = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, number>>>();
  const check = (schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown>): number => {
    let byDocument = passed.get(schema);
    if (!byDocument) passed.set(schema, (byDocument = new WeakMap()));
    let costs = byDocument.get(document);
    if (!costs) byDocument.set(document, (costs = new Map()));
    const key = `${operationName ?? ''}\n${JSON.stringify(variables)}`;
    const known = costs.get(key);
    if (known !== undefined) return known;
    const cost = price(schema, document, operationName, variables);
    // Small variable sets only, a few per document (the common case): nothing big is kept.
    if (key.length > 1024) return cost;
    if (costs.size >= 32) costs.clear();
    costs.set(key, cost);
    return cost;
  };
  const price = (schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown>): number => {
    // Apollo Server resolves the operation before this hook without refusing a name the document
    // lacks; the query planner would then fail with an INTERNAL_SERVER_ERROR.
    if (!getOperationAST(document, operationName ?? undefined)) {
      const message = operationName ? `Unknown operation named "${operationName}"` : 'Must provide operationName when the query contains several operations';
      throw apiError('OPERATION_RESOLUTION_FAILURE', message, { http: { status: 400 } });
    }
    // The first limit exceeded, cheapest first: depth, aliases, directives (whole document), fields, cost.
    const [refused] = validate(schema, document, rules, { maxErrors: 1 });
    if (refused) throw refused;
    const measure = (count: typeof operationCost) => {
      try {
        return count(schema, document, operationName, variables);
      } catch (error) {
        // The library reports variables that do not fit as graphql-js's own GraphQLErrors: what
        // execution would answer, without planning first. Anything else is a fault, not the
        // client's: thrown on, formatError logs it and answers a generic INTERNAL_SERVER_ERROR.
        if (!(error instanceof GraphQLError)) throw error;
        throw apiError('BAD_USER_INPUT', error.message, { http: { status: 400 } });
      }
    };
    const fields = measure(operationFields);
    if (fields > limits.maxFields) {
      throw limitExceeded(Number.isFinite(fields) ? `Query selects ${fields} fields, over the limit of ${limits.maxFields}` : `Query selects more fields than the limit of ${limits.maxFields}`);
    }
    const cost = measure(operationCost);
    if (cost > limits.maxCost) {
      throw limitExceeded(Number.isFinite(cost) ? `Query cost ${cost} exceeds the limit of ${limits.maxCost}` : `Query cost exceeds the limit of ${limits.maxCost}`);
    }
    return cost;
  };
  const plugin: ApolloServerPlugin<TContext> = {
    async requestDidStart() {
      return {
        async willSendResponse({ errors, response }) {
          // The planner's refusal reaches Apollo as an execution failure (HTTP 500); it is the client's query.
          if (errors?.some(isPlannerLimit)) response.http.status = 400;
        },
      };
    },
  };
  return { check, plugin, parseOptions: { maxTokens: limits.maxTokens }, formatError: limitErrorFormatter(limits) };
}

/**
 * graphql-js refuses an oversized document while parsing, as a GRAPHQL_PARSE_FAILED syntax
 * error ("Document contains more that N tokens", its spelling); the client gets it as the one limit error instead. The query planner's own
 * complexity refusals (it gives up on an operation with too many possible plans or paths)
 * become the same error rather than an INTERNAL_SERVER_ERROR.
 */
function limitErrorFormatter(limits: OperationLimits) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError | undefined => {
    const code = formatted.extensions?.code;
    if (code === 'GRAPHQL_PARSE_FAILED' && /Document contains more tha[nt] \d+ tokens/.test(formatted.message)) {
      return { message: `Query exceeds the limit of ${limits.maxTokens} tokens`, extensions: { code: OPERATION_LIMIT_EXCEEDED } };
    }
    if (isPlannerLimit(error)) return { message: 'Query is too complex to plan', extensions: { code: OPERATION_LIMIT_EXCEEDED } };
    return undefined;
  };
}

/** What @apollo/query-planner 2.14 throws when an operation is too big to plan (both plain Errors). */
const PLANNER_LIMIT_MESSAGES = [/^Number of non-local selections exceeds limit of \d+/, /^Exceeded maximum recursive selections in this operation/];

export function isPlannerLimit(error: unknown): boolean {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (!(original instanceof Error)) return false;
  return PLANNER_LIMIT_MESSAGES.some((pattern) => pattern.test(original.message));
}
