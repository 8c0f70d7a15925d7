import DataLoader from 'dataloader';
import { connectionLoader } from '../../../common/batching.js';
import { loader, type SubgraphContext } from '../../../common/context.js';
import { BY_ID, type ConnectionArgs } from '../../../common/pagination.js';
import { organizationOfServiceAccount } from '../service-account/service-account.loaders.js';
import { ApiKey } from './api-key.entity.js';

/** Keys by id; a revoked key is as absent as one that never existed. */
export function apiKeyById(ctx: SubgraphContext): DataLoader<string, ApiKey | null> {
  return loader(ctx, 'apiKey.byId', () =>
    new DataLoader<string, ApiKey | null>(async (ids) => {
      const found = await ctx.em.find(ApiKey, { id: { $in: [...ids] }, revokedAt: null });
      const byId = new Map(found.map((key) => [key.id, key]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  );
}

/** A page of the keys of each holder (service account or user), newest last (ids are UUIDv7); revoked keys are never listed. */
export function apiKeysOf(ctx: SubgraphContext, args: ConnectionArgs) {
  return connectionLoader(ctx, ApiKey, 'apiKey.byPrincipal', args, BY_ID, (k) => [k.id], (keys) => ({
    // Every column but the secret's hash.
    sql: `select k.id, k.key_id, k.name, k.principal_type, k.principal_id, k.service_account_id, k.user_id, k.expires_at, k.last_used_at,
                 k.revoked_at, k.created_at, k.updated_at, k.principal_id as partition_key
            from identities.api_key k where k.principal_id = any(?::uuid[]) and k.revoked_at is null`,
    params: [keys],
  }));
}

/** The organization whose service_account permissions govern a key: its service account's; null for a user's key. */
export async function organizationOfApiKey(ctx: SubgraphContext, key: Pick<ApiKey, 'serviceAccountId'>): Promise<string | null> {
  return key.serviceAccountId ? organizationOfServiceAccount(ctx, key.serviceAccountId) : null;
}
