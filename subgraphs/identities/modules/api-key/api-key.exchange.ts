import type { EntityManager } from '@mikro-orm/postgresql';
import { INVALID_API_KEY, keyIdOfSecret } from '../../../../lib/auth/api-keys.js';
import type { PrincipalType } from '../../../../lib/auth/tokens.js';
import { hashSecret, secretMatches } from '../../../common/auth/secrets.js';
import { sql } from '../../../common/db/orm.js';
import type { IssuedToken, TokenIssuer } from '../oauth/issuer.js';

export type ApiKeyExchange = { ok: true; issued: IssuedToken } | { ok: false; failed: 'secret' | 'revoked' | 'expired'; message: string };

// Compared against when the key id is unknown, so an unknown key and a wrong secret take the same time.
const UNKNOWN_KEY_HASH = hashSecret('unknown-api-key');

/**
 * An API key secret for one of our access tokens, carrying the key's id as `akid` so every
 * subgraph checks the key again on each request. Unknown keys, wrong secrets and malformed
 * ones fail alike; only the holder of the right secret learns that its key was revoked or
 * has expired. `last_used_at` is written at most once a minute per key: a key used by a busy
 * script would otherwise turn every exchange into a write on one row.
 */
export async function exchangeApiKey(em: EntityManager, tokens: TokenIssuer, secret: string): Promise<ApiKeyExchange> {
  const keyId = keyIdOfSecret(secret);
  const [row] = keyId
    ? await sql<{ id: string; secret_hash: string; principal_type: PrincipalType; principal_id: string; expires_at: string | null; revoked_at: string | null }>(
        em,
        `select id, secret_hash, principal_type, principal_id, expires_at, revoked_at from identities.api_key where key_id = ?`,
        [keyId],
      )
    : [];
  const matches = secretMatches(secret, row?.secret_hash ?? UNKNOWN_KEY_HASH);
  if (!row || !matches) return { ok: false, failed: 'secret', message: INVALID_API_KEY };
  if (row.revoked_at) return { ok: false, failed: 'revoked', message: 'API key revoked' };
  // Raw rows keep timestamps as text (the ORM's type parsers), hence the Date.
  if (row.expires_at && new Date(row.expires_at).getTime() <= Date.now()) return { ok: false, failed: 'expired', message: 'API key expired' };
  await sql(
    em,
    `update identities.api_key set last_used_at = now()
      where id = ? and (last_used_at is null or last_used_at < now() - interval '1 minute')`,
    [row.id],
  );
  return { ok: true, issued: await tokens.issue({ subject: row.principal_id, principalType: row.principal_type, apiKeyId: row.id }) };
}
