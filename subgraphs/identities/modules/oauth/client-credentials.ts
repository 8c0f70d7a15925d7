import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../../../common/db/orm.js';
import { hashSecret, secretMatches } from '../../../common/auth/secrets.js';

export interface AuthenticatedClient {
  credentialId: string;
  clientId: string;
  serviceAccountId: string;
}

// Compared against when the client id is unknown, so both failures take the same time.
const UNKNOWN_CLIENT_HASH = hashSecret('unknown-client');

/**
 * How stale a credential's `last_used_at` may get. A busy client asks for tokens many times a
 * second: writing the one row of its credential each time made every token request a write
 * that waited on the row's lock (the other requests of the same client held it), for a
 * timestamp nobody reads to the millisecond.
 */
export const LAST_USED_RESOLUTION = '1 minute';

/** Credentials whose `last_used_at` this process is writing now, so parallel requests write it once. */
const recording = new Set<string>();

/**
 * The service account behind a client id and secret, or null. Every request reads the
 * credential (a revoked, rotated or expired one stops working at once) and checks the secret;
 * `last_used_at` is written only when it is older than LAST_USED_RESOLUTION, which the same
 * read tells, so most requests are one statement.
 */
export async function authenticateClient(em: EntityManager, clientId: string, clientSecret: string): Promise<AuthenticatedClient | null> {
  // No join: a service account's credentials go with it (on delete cascade), so a credential row names an account that exists.
  const [row] = await sql<{ id: string; secret_hash: string; expires_at: string | null; service_account_id: string; used_long_ago: boolean }>(
    em,
    `select id, secret_hash, expires_at, service_account_id,
            (last_used_at is null or last_used_at < now() - interval '${LAST_USED_RESOLUTION}') as used_long_ago
       from identities.service_account_credential
      where client_id = ?`,
    [clientId],
  );
  const matches = secretMatches(clientSecret, row?.secret_hash ?? UNKNOWN_CLIENT_HASH);
  if (!row || !matches) return null;
  // Raw rows keep timestamps as text (the ORM's type parsers), hence the Date.
  if (row.expires_at && new Date(row.expires_at).getTime() <= Date.now()) return null;
  if (row.used_long_ago && !recording.has(row.id)) {
    recording.add(row.id);
    try {
      // The condition again: another replica (or this one, a moment ago) may have written it since the read.
      await sql(
        em,
        `update identities.service_account_credential set last_used_at = now()
          where id = ? and (last_used_at is null or last_used_at < now() - interval '${LAST_USED_RESOLUTION}')`,
        [row.id],
      );
    } finally {
      recording.delete(row.id);
    }
  }
  return { credentialId: row.id, clientId, serviceAccountId: row.service_account_id };
}
