import type DataLoader from 'dataloader';
import type { SubgraphContext } from '../../../common/context.js';
import { byIdLoader } from '../../../common/loaders.js';
import type { SortOrder } from '../../../common/pagination.js';
import { User } from './user.entity.js';

export function userById(ctx: SubgraphContext): DataLoader<string, User | null> {
  return byIdLoader(ctx, User);
}

/** Users are listed by email as people read it, case folded. */
export const USER_ORDER: SortOrder = [{ sql: 'lower(email) collate "C"', type: 'text' }, { sql: 'id', type: 'uuid' }];
export const userSortKey = (user: User) => [user.email.toLowerCase(), user.id];

/** A user the caller may see, or null (for a stranger exactly as for an id that does not exist). */
export async function visibleUser(ctx: SubgraphContext, id: string): Promise<User | null> {
  const user = await userById(ctx).load(id);
  return user && (await ctx.authz.visiblePrincipal(user.id)) ? user : null;
}
