import type { SubgraphContext } from '../../../common/context.js';
import { isUuid } from '../../../common/ids.js';
import type { User } from './user.entity.js';
import { visibleUser } from './user.loaders.js';

/** Federation: a user by id, for itself and for whoever may see it (as `user(id)`). */
export async function resolveUserReference(reference: { id: string }, ctx: SubgraphContext): Promise<User | null> {
  return isUuid(reference.id) ? visibleUser(ctx, reference.id) : null;
}
