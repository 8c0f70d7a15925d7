import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../../../common/db/orm.js';
import { hashSecret, secretMatches } from '../../../common/auth/secrets.js';

export interface AuthenticatedClient {
  credentialId: string;
  clientId: string;
  serviceAccountId: string;
  organizationId: string;
}

// Compared against when the client id is unknown, so both failures take the same time.
const UNKNOWN_CLIENT_HASH = hashSecret('unknown-client');

/** The service account behind a client id and secret, or null; records when the credential was used. */
export async function authenticateClient(em: EntityManager, clientId: string, clientSecret: string): Promise<AuthenticatedClient | null> {
  const [row] = await sql<{ id: string; secret_hash: string; expires_at: string | null; service_account_id: string; organization_id: string }>(
    em,
    `select c.id, c.secret_hash, c.expires_at, s.id as service_account_id, s.organization_id
       from identities.service_account_credential c
       join identities.service_account s on s.id = c.service_account_id
      where c.client_id = ?`,
    [clientId],
  );
  const matches = secretMatches(clientSecret, row?.secret_hash ?? UNKNOWN_CLIENT_HASH);
  if (!row || !matches) return null;
  // Raw rows keep timestamps as text (the ORM's type parsers), hence the Date.
  if (row.expires_at && new Date(row.expires_at).getTime() <= Date.now()) return null;
  await sql(em, `update identities.service_account_credential set last_used_at = now() where id = ?`, [row.id]);
  return { credentialId: row.id, clientId, serviceAccountId: row.service_account_id, organizationId: row.organization_id };
}
