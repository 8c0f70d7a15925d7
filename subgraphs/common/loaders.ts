import DataLoader from 'dataloader';
import type { EntityName } from '@mikro-orm/core';
import { loader, type SubgraphContext } from './context.js';

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
