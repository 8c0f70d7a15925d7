import type { EntityManager } from '@mikro-orm/postgresql';
import { hashSecret } from '../common/auth/secrets.js';
import { sql } from '../common/db/orm.js';
import { checkBootstrapCredentials } from '../../lib/config.js';
import { newClientId, newClientSecret } from './modules/credential/credential.service.js';
import { ServiceAccountCredential } from './modules/credential/credential.entity.js';
import { ServiceAccount } from './modules/service-account/service-account.entity.js';

export interface BootstrapAccount {
  serviceAccountId: string;
  clientId: string;
  /** Set only when this call created the credential (or applied the configured secret): print it once. */
  clientSecret: string | null;
}

/**
 * The installation's first administrator: a service account in the root organization. Created
 * once; when BOOTSTRAP_CLIENT_ID/SECRET are configured they are (re)applied on every start, so an
 * operator who lost the secret sets new ones and restarts.
 */
export async function ensureBootstrapAccount(
  em: EntityManager,
  rootOrganizationId: string,
  configured: { clientId?: string; clientSecret?: string },
): Promise<BootstrapAccount> {
  checkBootstrapCredentials(configured);
  return em.transactional(async (tx) => {
    await sql(tx, `select pg_advisory_xact_lock(hashtext('identities.bootstrap'))`);
    let account = await tx.findOne(ServiceAccount, { bootstrap: true });
    let created = false;
    if (!account) {
      account = tx.create(ServiceAccount, {
        organizationId: rootOrganizationId,
        name: 'Bootstrap admin',
        description: 'Created on the first start; holds platform_admin',
        bootstrap: true,
      });
      // Flushed on its own: the credential's foreign key needs the account row first.
      await tx.flush();
      created = true;
    }
    const credentials = await tx.find(ServiceAccountCredential, { serviceAccountId: account.id }, { orderBy: { id: 'asc' } });
    if (configured.clientId && configured.clientSecret) {
      let credential = credentials.find((c) => c.clientId === configured.clientId);
      if (!credential) {
        credential = tx.create(ServiceAccountCredential, {
          serviceAccountId: account.id,
          clientId: configured.clientId,
          secretHash: hashSecret(configured.clientSecret),
          name: 'bootstrap',
        });
      } else credential.secretHash = hashSecret(configured.clientSecret);
      await tx.flush();
      return { serviceAccountId: account.id, clientId: configured.clientId, clientSecret: null };
    }
    if (!created && credentials.length > 0) {
      return { serviceAccountId: account.id, clientId: credentials[0]!.clientId, clientSecret: null };
    }
    const clientSecret = newClientSecret();
    const credential = tx.create(ServiceAccountCredential, {
      serviceAccountId: account.id,
      clientId: newClientId(),
      secretHash: hashSecret(clientSecret),
      name: 'bootstrap',
    });
    await tx.flush();
    return { serviceAccountId: account.id, clientId: credential.clientId, clientSecret };
  });
}
