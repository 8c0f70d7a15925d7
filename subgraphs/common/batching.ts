import DataLoader from 'dataloader';
import type { EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { loader, type SubgraphContext } from './context.js';
import { readModel, sql } from './db/orm.js';
import { keysetSql, pageRequest, toConnection, type Connection, type ConnectionArgs, type PageRequest, type SortKey, type SortOrder } from './pagination.js';

export interface PartitionedPage<R> {
  rows: R[];
  total: number;
}

/**
 * One page of a connection for each of many parents in a single statement: the nested-list
 * case (`children` of every organization on a page) costs one query per level of nesting,
 * not one per parent. `source` selects the candidate rows with a `partition_key` column.
 */
export async function pagesByPartition<R extends Record<string, unknown>>(
  em: EntityManager,
  options: { source: string; params: unknown[]; page: PageRequest; keys: readonly string[] },
): Promise<Map<string, PartitionedPage<R>>> {
  const { page } = options;
  const keyset = keysetSql(page);
  const rows = await sql<R & { _key: string; _total: number; _rn: number | null }>(
    em,
    `with src as (${options.source}),
          totals as (select partition_key, count(*)::int as n from src group by partition_key),
          paged as (
            select * from (
              select s.*, row_number() over (partition by s.partition_key order by ${keyset.orderBy}) as _rn
                from src s where ${keyset.where}
            ) ranked where _rn <= ?
          )
     select t.partition_key as _key, t.n as _total, p.*
       from totals t left join paged p on p.partition_key = t.partition_key
      order by t.partition_key, p._rn`,
    [...options.params, ...keyset.params, page.limit + 1],
    // The texts are the loaders' own (a few per connection), asked again on every request.
    { prepared: true },
  );
  const result = new Map<string, PartitionedPage<R>>();
  for (const key of options.keys) result.set(key, { rows: [], total: 0 });
  for (const row of rows) {
    const entry = result.get(row._key) ?? { rows: [], total: 0 };
    entry.total = row._total;
    if (row._rn !== null) {
      const { _key, _total, _rn, partition_key: _p, ...data } = row;
      entry.rows.push(data as unknown as R);
    }
    result.set(row._key, entry);
  }
  return result;
}

/**
 * A per-request loader of one connection page per parent key, one statement per batch.
 * Memoized per argument set, so sibling fields asked with the same arguments share a batch.
 * `source(keys)` selects the candidate rows with a `partition_key` column; rows become read models (see readModel).
 */
export function connectionLoader<T extends object>(
  ctx: SubgraphContext,
  entity: EntityName<T>,
  name: string,
  args: ConnectionArgs,
  order: SortOrder,
  keyOf: (node: T) => SortKey,
  source: (keys: readonly string[]) => { sql: string; params: unknown[] },
  /** Sees every node loaded, e.g. to prime other loaders with what the rows already tell. */
  onNodes?: (nodes: T[]) => void,
): DataLoader<string, Connection<T>> {
  return loader(ctx, `${name}:${JSON.stringify(args)}`, () => {
    // Once per argument set, not once per parent: a thousand `children` fields share it.
    const page = pageRequest(args, order);
    return new DataLoader<string, Connection<T>>(async (keys) => {
      const { sql: text, params } = source(keys);
      const pages = await pagesByPartition<Record<string, unknown>>(ctx.em, { source: text, params, page, keys });
      return keys.map((key) => {
        const { rows, total } = pages.get(key)!;
        const nodes = rows.map((row) => readModel(ctx.em, entity, row));
        onNodes?.(nodes);
        return toConnection(nodes, page, total, keyOf);
      });
    });
  });
}
