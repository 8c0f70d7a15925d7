import DataLoader from 'dataloader';
import { loader, type SubgraphContext } from '../../../common/context.js';
import { byIdLoader } from '../../../common/loaders.js';
import { serviceAccountById } from '../service-account/service-account.loaders.js';
import { ServiceAccountCredential } from './credential.entity.js';

export function credentialsOf(ctx: SubgraphContext): DataLoader<string, ServiceAccountCredential[]> {
  return loader(ctx, 'credential.byServiceAccount', () =>
    new DataLoader<string, ServiceAccountCredential[]>(async (ids) => {
      const found = await ctx.em.find(ServiceAccountCredential, { serviceAccountId: { $in: [...ids] } }, { orderBy: { id: 'asc' } });
      return ids.map((id) => found.filter((c) => c.serviceAccountId === id));
    }),
  );
}

export function credentialById(ctx: SubgraphContext): DataLoader<string, ServiceAccountCredential | null> {
  return byIdLoader(ctx, ServiceAccountCredential);
}

export async function organizationOfCredential(ctx: SubgraphContext, id: string): Promise<string | null> {
  const credential = await credentialById(ctx).load(id);
  return credential ? ((await serviceAccountById(ctx).load(credential.serviceAccountId))?.organizationId ?? null) : null;
}
