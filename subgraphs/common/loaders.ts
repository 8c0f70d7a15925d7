import DataLoader from 'dataloader';
import type { EntityName } from '@mikro-orm/core';
import { loader, type SubgraphContext } from './context.js';
import { readModel, sql } from './db/orm.js';

/**
 * The per-request "by id" loader of an entity: one `where id in (...)` per batch, results in
 * key order, null for ids that do not exist. `onLoad` sees the rows (to prime other loaders).
 */
export function byIdLoader<T extends { id: string }>(
  ctx: SubgraphContext,
  entity: EntityName<T>,
  onLoad?: (rows: T[]) => void,
): DataLoader<string, T | null> {
  const name = typeof entity === 'function' ? entity.name : String(entity);
  return loader(ctx, `${name}.byId`, () =>
    new DataLoader<string, T | null>(async (ids) => {
      const found = (await ctx.em.find(entity, { id: { $in: [...ids] } } as never)) as T[];
      onLoad?.(found);
      const byId = new Map(found.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  );
}

/**
 * A by-id loader of read models (see readModel in db/orm.ts) for entities that requests only
 * read through it: one prepared `where id = any(...)` per batch on `table`, the rows mapped
 * without the ORM's query building, identity map and change tracking. What a mutation changes
 * it reads with `em.findOne` inside its transaction, never through this loader.
 */
export function readByIdLoader<T extends { id: string }>(
  ctx: SubgraphContext,
  entity: EntityName<T>,
  table: string,
  onLoad?: (rows: T[]) => void,
): DataLoader<string, T | null> {
  const name = typeof entity === 'function' ? entity.name : String(entity);
  return loader(ctx, `${name}.byId`, () =>
    new DataLoader<string, T | null>(async (ids) => {
      const rows = await sql<Record<string, unknown>>(ctx.em, `select * from ${table} where id = any(?::uuid[])`, [ids], { prepared: true });
      const found = rows.map((row) => readModel(ctx.em, entity, row));
      onLoad?.(found);
      const byId = new Map(found.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  );
}
