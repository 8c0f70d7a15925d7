import DataLoader from 'dataloader';
import { connectionLoader } from '../../../common/batching.js';
import { loader, type SubgraphContext } from '../../../common/context.js';
import type { ConnectionArgs } from '../../../common/pagination.js';
import { ServiceAccount } from './service-account.entity.js';

export function serviceAccountById(ctx: SubgraphContext): DataLoader<string, ServiceAccount | null> {
  return loader(ctx, 'serviceAccount.byId', () =>
    new DataLoader<string, ServiceAccount | null>(async (ids) => {
      const found = await ctx.em.find(ServiceAccount, { id: { $in: [...ids] } });
      const byId = new Map(found.map((s) => [s.id, s]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  );
}

export function serviceAccountsOf(ctx: SubgraphContext, args: ConnectionArgs) {
  return connectionLoader(ctx, ServiceAccount, 'serviceAccount.byOrganization', args, ['name collate "C"', 'id'], (s) => [s.name, s.id], (keys) => ({
    sql: `select s.*, s.organization_id as partition_key from identities.service_account s where s.organization_id = any(?::uuid[])`,
    params: [keys],
  }));
}

export async function organizationOfServiceAccount(ctx: SubgraphContext, id: string): Promise<string | null> {
  return (await serviceAccountById(ctx).load(id))?.organizationId ?? null;
}
