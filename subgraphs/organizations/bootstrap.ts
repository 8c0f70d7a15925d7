import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../common/db/orm.js';
import { labelFromName, parseName } from '../common/validation.js';
import { Organization } from './modules/organization/organization.entity.js';

/** The root organization of an empty installation; an existing root is returned as it is. */
export async function ensureRootOrganization(em: EntityManager, name: string): Promise<Organization> {
  return em.transactional(async (tx) => {
    await sql(tx, `select pg_advisory_xact_lock(hashtext('organizations.hierarchy'))`);
    const existing = await tx.findOne(Organization, { parentId: null }, { orderBy: { id: 'asc' } });
    if (existing) return existing;
    const rootName = parseName(name);
    const root = tx.create(Organization, { name: rootName, label: labelFromName(rootName) });
    await tx.flush();
    return root;
  });
}
