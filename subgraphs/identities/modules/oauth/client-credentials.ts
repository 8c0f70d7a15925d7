import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../../../common/db/orm.js';
import { hashSecret, secretMatches } from '../../../common/auth/secrets.js';
import type { CredentialCache, KnownCredential } from './credential-cache.js';

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
const LAST_USED_RESOLUTION_MS = 60_000;

/** Credentials whose `last_used_at` this process is writing now, so parallel requests write it once. */
const recording = new Set<string>();

async function readCredential(em: EntityManager, clientId: string): Promise<(KnownCredential & { usedLongAgo: boolean }) | undefined> {
  // No join: a service account's credentials go with it (on delete cascade), so a credential row names an account that exists.
  const [row] = await sql<{ id: string; secret_hash: string; expires_at: string | null; service_account_id: string; used_long_ago: boolean }>(
    em,
    `select id, secret_hash, expires_at, service_account_id,
            (last_used_at is null or last_used_at < now() - interval '${LAST_USED_RESOLUTION}') as used_long_ago
       from identities.service_account_credential
      where client_id = ?`,
    [clientId],
  );
  if (!row) return undefined;
  return {
    id: row.id,
    secretHash: row.secret_hash,
    // Raw rows keep timestamps as text (the ORM's type parsers), hence the Date.
    expiresAt: row.expires_at ? new Date(row.expires_at).getTime() : null,
    serviceAccountId: row.service_account_id,
    usedLongAgo: row.used_long_ago,
    lastUsedSeenAt: Date.now(),
  };
}

/** Writes `last_used_at` unless another request of this process is, or another replica just did. */
async function recordUse(em: EntityManager, credentialId: string): Promise<void> {
  if (recording.has(credentialId)) return;
  recording.add(credentialId);
  try {
    // The condition again: another replica (or this one, a moment ago) may have written it since the read.
    await sql(
      em,
      `update identities.service_account_credential set last_used_at = now()
        where id = ? and (last_used_at is null or last_used_at < now() - interval '${LAST_USED_RESOLUTION}')`,
      [credentialId],
    );
  } finally {
    recording.delete(credentialId);
  }
}

/**
 * The service account behind a client id and secret, or null. The credential comes from the
 * cache when this process knows it (a revoked, rotated or expired one is forgotten the moment
 * the database announces the change), else from one read; the secret is checked every time.
 * `last_used_at` is written only when it is older than LAST_USED_RESOLUTION, so most requests
 * are no statement at all, and the rest one.
 */
export async function authenticateClient(em: EntityManager, cache: CredentialCache, clientId: string, clientSecret: string): Promise<AuthenticatedClient | null> {
  let credential = cache.get(clientId);
  let usedLongAgo = false;
  if (!credential) {
    const ticket = cache.ticket();
    const read = await readCredential(em, clientId);
    if (read) {
      const { usedLongAgo: stale, ...known } = read;
      usedLongAgo = stale;
      cache.store(clientId, known, ticket);
    }
    credential = read;
  } else if (Date.now() - credential.lastUsedSeenAt >= LAST_USED_RESOLUTION_MS) {
    usedLongAgo = true;
  }
  const matches = secretMatches(clientSecret, credential?.secretHash ?? UNKNOWN_CLIENT_HASH);
  if (!credential || !matches) return null;
  if (credential.expiresAt !== null && credential.expiresAt <= Date.now()) return null;
  if (usedLongAgo) {
    credential.lastUsedSeenAt = Date.now();
    await recordUse(em, credential.id);
  }
  return { credentialId: credential.id, clientId, serviceAccountId: credential.serviceAccountId };
}
