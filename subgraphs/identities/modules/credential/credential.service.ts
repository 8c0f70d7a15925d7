import type { EntityManager } from '@mikro-orm/postgresql';
import { generateSecret, hashSecret } from '../../../common/auth/secrets.js';
import { badInput, notFound } from '../../../common/errors.js';
import { parseId } from '../../../common/ids.js';
import { parseOptionalText } from '../../../common/validation.js';
import { ServiceAccount } from '../service-account/service-account.entity.js';
import { ServiceAccountCredential, type ServiceAccountCredentialWithSecret } from './credential.entity.js';
import type { CreateServiceAccountCredentialInput } from './credential.input.js';

export const newClientId = () => generateSecret('cid', 15);
export const newClientSecret = () => generateSecret('cs', 32);

export async function createCredential(
  em: EntityManager,
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
    if (!(await tx.findOne(ServiceAccount, accountId))) throw notFound('ServiceAccount');
    const credential = tx.create(ServiceAccountCredential, {
      serviceAccountId: accountId,
      clientId: newClientId(),
      secretHash: hashSecret(clientSecret),
      name,
      description,
      expiresAt,
    });
    await tx.flush();
    return { credential, clientSecret };
  });
}

/** A new secret for the same client id; the old one stops working at once. */
export async function rotateCredential(em: EntityManager, id: string): Promise<ServiceAccountCredentialWithSecret> {
  const credentialId = parseId(id, 'id');
  const clientSecret = newClientSecret();
  return em.transactional(async (tx) => {
    const credential = await tx.findOne(ServiceAccountCredential, credentialId, { refresh: true });
    if (!credential) throw notFound('ServiceAccountCredential');
    credential.secretHash = hashSecret(clientSecret);
    await tx.flush();
    return { credential, clientSecret };
  });
}

export async function deleteCredential(em: EntityManager, id: string): Promise<string> {
  const credentialId = parseId(id, 'id');
  return em.transactional(async (tx) => {
    const deleted = await tx.nativeDelete(ServiceAccountCredential, { id: credentialId });
    if (!deleted) throw notFound('ServiceAccountCredential');
    return credentialId;
  });
}
