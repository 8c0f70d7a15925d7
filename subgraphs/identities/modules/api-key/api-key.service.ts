import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { apiKeyId, API_KEY_SECRET_PREFIX } from '../../../../lib/auth/api-keys.js';
import type { PrincipalType } from '../../../../lib/auth/tokens.js';
import { badInput, notFound } from '../../../../lib/errors.js';
import { audit, type Actor } from '../../../common/audit/writer.js';
import { hashSecret } from '../../../common/auth/secrets.js';
import { parseId } from '../../../common/ids.js';
import { parseName } from '../../../common/validation.js';
import { ServiceAccount } from '../service-account/service-account.entity.js';
import { ApiKey } from './api-key.entity.js';
import type { CreateApiKeyInput } from './api-key.input.js';
import type { CreateApiKeyPayload } from './api-key.type.js';

/** Who holds a key. */
export interface KeyHolder {
  principalType: PrincipalType;
  principalId: string;
}

/** A key id and its secret: 64 random bits name the key, 256 more make the secret (format in lib/auth/api-keys.ts). */
export function newApiKey(): { keyId: string; secret: string } {
  const body = randomBytes(8).toString('hex');
  return { keyId: apiKeyId(body), secret: `${API_KEY_SECRET_PREFIX}${body}_${randomBytes(32).toString('base64url')}` };
}

export function parseExpiry(value: Date | null | undefined): Date | null {
  const expiresAt = value ?? null;
  if (expiresAt && (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= Date.now())) throw badInput('expiresAt', 'expiresAt must be in the future');
  return expiresAt;
}

/** The organization of a holder whose events its organization's auditors read: a service account's; none for a user. */
async function organizationOfHolder(tx: EntityManager, holder: KeyHolder): Promise<string | null> {
  if (holder.principalType !== 'service_account') return null;
  const account = await tx.findOne(ServiceAccount, holder.principalId);
  if (!account) throw notFound('ServiceAccount');
  return account.organizationId;
}

export async function createApiKey(em: EntityManager, actor: Actor, holder: KeyHolder, input: CreateApiKeyInput): Promise<CreateApiKeyPayload> {
  const name = parseName(input.name);
  const expiresAt = parseExpiry(input.expiresAt);
  const { keyId, secret } = newApiKey();
  return em.transactional(async (tx) => {
    const organizationId = await organizationOfHolder(tx, holder);
    const apiKey = tx.create(ApiKey, {
      keyId,
      secretHash: hashSecret(secret),
      name,
      principalType: holder.principalType,
      principalId: holder.principalId,
      serviceAccountId: holder.principalType === 'service_account' ? holder.principalId : null,
      userId: holder.principalType === 'user' ? holder.principalId : null,
      expiresAt,
    });
    await tx.flush();
    // The secret never enters the log; the key id identifies the key.
    await audit(tx, actor, {
      action: 'api_key.create',
      targetType: 'ApiKey',
      targetId: apiKey.id,
      organizationId,
      changes: { keyId, name, expiresAt, principalType: holder.principalType, principalId: holder.principalId },
    });
    return { apiKey, secret };
  });
}

/** The key stops working on the next request (readCaller checks it), and no listing shows it again. */
export async function revokeApiKey(em: EntityManager, actor: Actor, id: string): Promise<string> {
  const keyId = parseId(id, 'id');
  return em.transactional(async (tx) => {
    const key = await tx.findOne(ApiKey, { id: keyId, revokedAt: null }, { refresh: true });
    if (!key) throw notFound('ApiKey');
    // Conditional, so of two concurrent revocations one revokes and the other finds nothing.
    const revoked = await tx.nativeUpdate(ApiKey, { id: keyId, revokedAt: null }, { revokedAt: new Date(), updatedAt: new Date() });
    if (revoked === 0) throw notFound('ApiKey');
    await audit(tx, actor, {
      action: 'api_key.revoke',
      targetType: 'ApiKey',
      targetId: keyId,
      organizationId: key.serviceAccountId ? ((await tx.findOne(ServiceAccount, key.serviceAccountId))?.organizationId ?? null) : null,
      changes: { keyId: key.keyId, name: key.name, principalType: key.principalType, principalId: key.principalId },
    });
    return keyId;
  });
}
