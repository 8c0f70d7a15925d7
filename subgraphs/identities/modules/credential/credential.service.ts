import type { EntityManager } from '@mikro-orm/postgresql';
import { generateSecret, hashSecret } from '../../../common/auth/secrets.js';
import { audit, type Actor } from '../../../common/audit/writer.js';
import { badInput, notFound } from '../../../../lib/errors.js';
import { parseId } from '../../../common/ids.js';
import { parseOptionalText } from '../../../common/validation.js';
import { ServiceAccount } from '../service-account/service-account.entity.js';
import { ServiceAccountCredential } from './credential.entity.js';
import type { ServiceAccountCredentialWithSecret } from './credential.type.js';
import type { CreateServiceAccountCredentialInput } from './credential.input.js';

export const newClientId = () => generateSecret('cid', 15);

async function organizationOf(tx: EntityManager, serviceAccountId: string): Promise<string | null> {
  return (await tx.findOne(ServiceAccount, serviceAccountId))?.organizationId ?? null;
}
export const newClientSecret = () => generateSecret('cs', 32);

export async function createCredential(
  em: EntityManager,
  actor: Actor,
  serviceAccountId: string,
  input: CreateServiceAccountCredentialInput,
): Promise<ServiceAccountCredentialWithSecret> {
  const accountId = parseId(serviceAccountId, 'serviceAccountId');
  const name = parseOptionalText(input.name, 'name', 200);
  const description = parseOptionalText(input.description, 'description', 1000);
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt && (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= Date.now())) {
    throw badInput('expiresAt', 'expiresAt must be in the future');
  }
  const clientSecret = newClientSecret();
  return em.transactional(async (tx) => {
    const account = await tx.findOne(ServiceAccount, accountId);
    if (!account) throw notFound('ServiceAccount');
    const credential = tx.create(ServiceAccountCredential, {
      serviceAccountId: accountId,
      clientId: newClientId(),
      secretHash: hashSecret(clientSecret),
      name,
      description,
      expiresAt,
    });
    await tx.flush();
    // The secret never enters the log; the client id identifies the credential.
    await audit(tx, actor, {
      action: 'service_account_credential.create',
      targetType: 'ServiceAccountCredential',
      targetId: credential.id,
      organizationId: account.organizationId,
      changes: { serviceAccountId: accountId, clientId: credential.clientId, name, expiresAt },
    });
    return { credential, clientSecret };
  });
}

/** A new secret for the same client id; the old one stops working at once. */
export async function rotateCredential(em: EntityManager, actor: Actor, id: string): Promise<ServiceAccountCredentialWithSecret> {
  const credentialId = parseId(id, 'id');
  const clientSecret = newClientSecret();
  return em.transactional(async (tx) => {
    const credential = await tx.findOne(ServiceAccountCredential, credentialId, { refresh: true });
    if (!credential) throw notFound('ServiceAccountCredential');
    credential.secretHash = hashSecret(clientSecret);
    await tx.flush();
    await audit(tx, actor, {
      action: 'service_account_credential.rotate',
      targetType: 'ServiceAccountCredential',
      targetId: credential.id,
      organizationId: await organizationOf(tx, credential.serviceAccountId),
      changes: { clientId: credential.clientId },
    });
    return { credential, clientSecret };
  });
}

export async function deleteCredential(em: EntityManager, actor: Actor, id: string): Promise<string> {
  const credentialId = parseId(id, 'id');
  return em.transactional(async (tx) => {
    const credential = await tx.findOne(ServiceAccountCredential, credentialId, { refresh: true });
    if (!credential) throw notFound('ServiceAccountCredential');
    await tx.nativeDelete(ServiceAccountCredential, { id: credentialId });
    await audit(tx, actor, {
      action: 'service_account_credential.delete',
      targetType: 'ServiceAccountCredential',
      targetId: credentialId,
      organizationId: await organizationOf(tx, credential.serviceAccountId),
      changes: { clientId: credential.clientId },
    });
    return credentialId;
  });
}
