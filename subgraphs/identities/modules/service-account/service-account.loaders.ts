import type DataLoader from 'dataloader';
import { connectionLoader } from '../../../common/batching.js';
import type { SubgraphContext } from '../../../common/context.js';
import { byIdLoader } from '../../../common/loaders.js';
import type { ConnectionArgs, SortOrder } from '../../../common/pagination.js';
import { ServiceAccount } from './service-account.entity.js';

export function serviceAccountById(ctx: SubgraphContext): DataLoader<string, ServiceAccount | null> {
  return byIdLoader(ctx, ServiceAccount);
}

const SERVICE_ACCOUNT_ORDER: SortOrder = [{ sql: 'name collate "C"', type: 'text' }, { sql: 'id', type: 'uuid' }];

export function serviceAccountsOf(ctx: SubgraphContext, args: ConnectionArgs) {
  return connectionLoader(ctx, ServiceAccount, 'serviceAccount.byOrganization', args, SERVICE_ACCOUNT_ORDER, (s) => [s.name, s.id], (keys) => ({
    sql: `select s.*, s.organization_id as partition_key from identities.service_account s where s.organization_id = any(?::uuid[])`,
    params: [keys],
  }));
}

export async function organizationOfServiceAccount(ctx: SubgraphContext, id: string): Promise<string | null> {
  return (await serviceAccountById(ctx).load(id))?.organizationId ?? null;
}
