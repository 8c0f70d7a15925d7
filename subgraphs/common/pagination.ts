import { ArgsType, Directive, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { badInput } from '../../lib/errors.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../lib/pagination.js';

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

/**
 * One column of a connection's sort key. The same declaration writes the keyset SQL and
 * validates cursors, so a cursor can only carry values the database will compare without
 * error: a forged cursor is the client's mistake (BAD_USER_INPUT), never a 500.
 */
export interface SortColumn {
  /** The SQL expression sorted on, e.g. `label collate "C"`. */
  sql: string;
  /** `int` is a non-negative int4 (depths, counters); `uuid` is canonical text form. */
  type: 'text' | 'int' | 'uuid';
}

/** A connection's order: its sort columns, the unique id last. */
export type SortOrder = readonly SortColumn[];

export const BY_ID: SortOrder = [{ sql: 'id', type: 'uuid' }];

export interface PageRequest {
  /** Rows to return (the query fetches one more to know whether another page exists). */
  limit: number;
  /** Walk backwards from `before` (last/before) instead of forwards from `after`. */
  backward: boolean;
  /** Rows strictly after (forward) or before (backward) this key; null from the start or end. */
  from: SortKey | null;
  hasCursor: boolean;
  /** The order the cursor was validated against, which the keyset SQL must therefore use. */
  order: SortOrder;
}

/** Beyond anything this server emits (the longest sortable text is 200 characters). */
const MAX_CURSOR_LENGTH = 4096;
const MAX_TEXT_VALUE = 1000;
const INT4_MAX = 2 ** 31 - 1;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// With the u flag only unpaired surrogates match: they have no UTF-8 encoding.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function fits(value: unknown, type: SortColumn['type']): boolean {
  switch (type) {
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= INT4_MAX;
    case 'uuid':
      return typeof value === 'string' && UUID.test(value);
    case 'text':
      // Postgres text cannot hold NUL either.
      return typeof value === 'string' && value.length <= MAX_TEXT_VALUE && !value.includes('\0') && !LONE_SURROGATE.test(value);
  }
}

export function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string, field: string, order: SortOrder): SortKey {
  if (cursor.length <= MAX_CURSOR_LENGTH) {
    try {
      const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (Array.isArray(key) && key.length === order.length && key.every((v, i) => fits(v, order[i]!.type))) {
        return key as SortKey;
      }
    } catch {
      // fall through to the uniform error below
    }
  }
  throw badInput(field, `${field} is not a cursor of this connection`);
}

/** Validates Relay arguments once, for a connection sorted by `order`. */
export function pageRequest(args: ConnectionArgs, order: SortOrder): PageRequest {
  const { first, after, last, before } = args;
  if (first != null && last != null) throw badInput('last', 'Use first/after or last/before, not both');
  if (after != null && before != null) throw badInput('before', 'Use after or before, not both');
  // Each pair walks one way; honouring half of a mixed pair would silently drop the other.
  if (first != null && before != null) throw badInput('before', 'Use first/after or last/before, not first with before');
  if (last != null && after != null) throw badInput('after', 'Use first/after or last/before, not last with after');
  for (const [name, value] of [['first', first], ['last', last]] as const) {
    if (value != null && (!Number.isInteger(value) || value < 0 || value > MAX_PAGE_SIZE)) {
      throw badInput(name, `${name} must be between 0 and ${MAX_PAGE_SIZE}`);
    }
  }
  const backward = last != null || before != null;
  const cursor = backward ? before : after;
  return {
    limit: (backward ? last : first) ?? DEFAULT_PAGE_SIZE,
    backward,
    from: cursor != null ? decodeCursor(cursor, backward ? 'before' : 'after', order) : null,
    hasCursor: cursor != null,
    order,
  };
}

/**
 * SQL pieces for a keyset page over the page's sort columns (all in `direction`, the unique
 * id last): a row comparison to continue from the cursor and the ORDER BY for the walking direction.
 */
export function keysetSql(page: PageRequest, direction: 'asc' | 'desc' = 'asc'): { where: string; params: unknown[]; orderBy: string } {
  const columns = page.order.map((c) => c.sql);
  // Walking backwards reverses the connection's own order.
  const ascending = (direction === 'asc') !== page.backward;
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
  const edges = pageRows.map((node) => new LazyEdge(node, keyOf));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage: page.backward ? page.hasCursor : hasMore,
      hasPreviousPage: page.backward ? hasMore : page.hasCursor,
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges[edges.length - 1]?.cursor ?? null;
      },
    },
  };
}

/** An edge whose cursor is encoded only when a query asks for it (most list queries never do). */
class LazyEdge<T> implements Edge<T> {
  constructor(
    readonly node: T,
    private readonly keyOf: (row: T) => SortKey,
  ) {}

  get cursor(): string {
    return encodeCursor(this.keyOf(this.node));
  }
}
