import { ArgsType, Directive, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { badInput } from '../../lib/errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Shared by every subgraph, hence shareable. */
@ObjectType()
@Directive('@shareable')
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => Boolean) hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: `At most ${MAX_PAGE_SIZE}; ${DEFAULT_PAGE_SIZE} when neither first nor last is given` })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;

  @Field(() => Int, { nullable: true })
  last?: number | null;

  @Field(() => String, { nullable: true })
  before?: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** `XConnection` and `XEdge` object types for a node type. */
export function connectionType<T extends object>(node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field(() => String) cursor!: string;
    @Field(() => node) node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(() => [EdgeType]) edges!: EdgeType[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    @Field(() => Int, { description: 'All items of the connection, whatever the page' }) totalCount!: number;
  }
  return ConnectionType;
}

/** A keyset position: the values of the sort columns of one row, id last. */
export type SortKey = (string | number)[];

export interface PageRequest {
  /** Rows to return (the query fetches one more to know whether another page exists). */
  limit: number;
  /** Walk backwards from `before` (last/before) instead of forwards from `after`. */
  backward: boolean;
  /** Rows strictly after (forward) or before (backward) this key; null from the start or end. */
  from: SortKey | null;
  hasCursor: boolean;
}

export function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string, field: string, arity: number): SortKey {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === arity && key.every((v) => typeof v === 'string' || typeof v === 'number')) {
      return key as SortKey;
    }
  } catch {
    // fall through to the uniform error below
  }
  throw badInput(field, `${field} is not a cursor of this connection`);
}

/** Validates Relay arguments once, for any connection whose sort key has `arity` columns. */
export function pageRequest(args: ConnectionArgs, arity: number): PageRequest {
  const { first, after, last, before } = args;
  if (first != null && last != null) throw badInput('last', 'Use first/after or last/before, not both');
  if (after != null && before != null) throw badInput('before', 'Use after or before, not both');
  for (const [name, value] of [['first', first], ['last', last]] as const) {
    if (value != null && (!Number.isInteger(value) || value < 0 || value > MAX_PAGE_SIZE)) {
      throw badInput(name, `${name} must be between 0 and ${MAX_PAGE_SIZE}`);
    }
  }
  const backward = last != null || (before != null && first == null);
  const cursor = backward ? before : after;
  return {
    limit: (backward ? last : first) ?? DEFAULT_PAGE_SIZE,
    backward,
    from: cursor != null ? decodeCursor(cursor, backward ? 'before' : 'after', arity) : null,
    hasCursor: cursor != null,
  };
}

/**
 * SQL pieces for a keyset page over `columns` (all in `order`, the unique id last):
 * a row comparison to continue from the cursor and the ORDER BY for the walking direction.
 */
export function keysetSql(
  columns: string[],
  page: PageRequest,
  order: 'asc' | 'desc' = 'asc',
): { where: string; params: unknown[]; orderBy: string } {
  // Walking backwards reverses the connection's own order.
  const ascending = (order === 'asc') !== page.backward;
  const orderBy = columns.map((c) => `${c} ${ascending ? 'asc' : 'desc'}`).join(', ');
  if (!page.from) return { where: 'true', params: [], orderBy };
  const op = ascending ? '>' : '<';
  return {
    where: `(${columns.join(', ')}) ${op} (${columns.map(() => '?').join(', ')})`,
    params: page.from,
    orderBy,
  };
}

/** Turns the rows of a keyset query (limit + 1 fetched, in walking order) into a connection. */
export function toConnection<T>(rows: T[], page: PageRequest, totalCount: number, keyOf: (row: T) => SortKey): Connection<T> {
  const hasMore = rows.length > page.limit;
  const pageRows = rows.slice(0, page.limit);
  if (page.backward) pageRows.reverse();
  const edges = pageRows.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage: page.backward ? page.hasCursor : hasMore,
      hasPreviousPage: page.backward ? hasMore : page.hasCursor,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
