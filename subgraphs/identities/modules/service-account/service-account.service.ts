import type { EntityManager } from '@mikro-orm/postgresql';
import { audit, type Actor } from '../../../common/audit/writer.js';
import { notFound } from '../../../../lib/errors.js';
import { parseId } from '../../../common/ids.js';
import { parseName, parseOptionalText } from '../../../common/validation.js';
import { ServiceAccount } from './service-account.entity.js';
import type { CreateServiceAccountInput, UpdateServiceAccountInput } from './service-account.input.js';

export async function createServiceAccount(em: EntityManager, actor: Actor, organizationId: string, input: CreateServiceAccountInput): Promise<ServiceAccount> {
  const orgId = parseId(organizationId, 'organizationId');
  const name = parseName(input.name);
  const description = parseOptionalText(input.description, 'description', 1000);
  return em.transactional(async (tx) => {
    const account = tx.create(ServiceAccount, { organizationId: orgId, name, description });
    await tx.flush();
    await audit(tx, actor, { action: 'service_account.create', targetType: 'ServiceAccount', targetId: account.id, organizationId: orgId, changes: { name, description } });
    return account;
  });
}

export async function updateServiceAccount(em: EntityManager, actor: Actor, id: string, input: UpdateServiceAccountInput): Promise<ServiceAccount> {
  const changes: Partial<Pick<ServiceAccount, 'name' | 'description'>> = {};
  if (input.name != null) changes.name = parseName(input.name);
  if (input.description !== undefined) changes.description = parseOptionalText(input.description, 'description', 1000);
  return em.transactional(async (tx) => {
    const account = await tx.findOne(ServiceAccount, parseId(id, 'id'), { refresh: true });
    if (!account) throw notFound('ServiceAccount');
    tx.assign(account, changes);
    await tx.flush();
    await audit(tx, actor, { action: 'service_account.update', targetType: 'ServiceAccount', targetId: account.id, organizationId: account.organizationId, changes });
    return account;
  });
}

/** Deletes the account and, by cascade, its credentials: tokens it holds stop working at expiry. */
export async function deleteServiceAccount(em: EntityManager, actor: Actor, id: string): Promise<string> {
  const accountId = parseId(id, 'id');
  return em.transactional(async (tx) => {
    const account = await tx.findOne(ServiceAccount, accountId, { refresh: true });
    if (!account) throw notFound('ServiceAccount');
    await tx.nativeDelete(ServiceAccount, { id: accountId });
    await audit(tx, actor, { action: 'service_account.delete', targetType: 'ServiceAccount', targetId: accountId, organizationId: account.organizationId });
    return accountId;
  });
}
