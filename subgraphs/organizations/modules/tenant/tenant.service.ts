import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { audit, type Actor } from '../../../common/audit/writer.js';
import { uniqueViolation } from '../../../common/db/errors.js';
import { conflict, notFound } from '../../../../lib/errors.js';
import { parseId } from '../../../common/ids.js';
import { labelFromName, parseLabel, parseName } from '../../../common/validation.js';
import { Place } from '../../../common/authz/decision.js';
import type { SubgraphContext } from '../../../common/context.js';
import { Organization } from '../organization/organization.entity.js';
import { organizationById } from '../organization/organization.loaders.js';
import { Tenant } from './tenant.entity.js';
import type { CreateTenantInput, UpdateTenantInput } from './tenant.input.js';

function labelTaken(error: unknown, label: string): never {
  if (uniqueViolation(error)) throw conflict(`The label "${label}" is already used by a tenant of this organization`, { field: 'label' });
  throw error;
}

export async function createTenant(em: EntityManager, actor: Actor, organizationId: string, input: CreateTenantInput): Promise<Tenant> {
  const orgId = parseId(organizationId, 'organizationId');
  const name = parseName(input.name);
  const label = input.label != null ? parseLabel(input.label) : labelFromName(name);
  try {
    return await em.transactional(async (tx) => {
      // Locks the organization row so a concurrent deletion cannot orphan the tenant.
      const organization = await tx.findOne(Organization, orgId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!organization) throw notFound('Organization');
      const tenant = tx.create(Tenant, { organizationId: orgId, name, label });
      await tx.flush();
      await audit(tx, actor, { action: 'tenant.create', targetType: 'Tenant', targetId: tenant.id, organizationId: orgId, changes: { name, label } });
      return tenant;
    });
  } catch (error) {
    return labelTaken(error, label);
  }
}

export async function updateTenant(em: EntityManager, actor: Actor, id: string, input: UpdateTenantInput): Promise<Tenant> {
  const changes: Partial<Pick<Tenant, 'name' | 'label'>> = {};
  if (input.name != null) changes.name = parseName(input.name);
  if (input.label != null) changes.label = parseLabel(input.label);
  try {
    return await em.transactional(async (tx) => {
      const tenant = await tx.findOne(Tenant, parseId(id, 'id'), { refresh: true });
      if (!tenant) throw notFound('Tenant');
      tx.assign(tenant, changes);
      await tx.flush();
      await audit(tx, actor, { action: 'tenant.update', targetType: 'Tenant', targetId: tenant.id, organizationId: tenant.organizationId, changes });
      return tenant;
    });
  } catch (error) {
    return labelTaken(error, changes.label ?? '');
  }
}

export async function deleteTenant(em: EntityManager, actor: Actor, id: string): Promise<string> {
  const tenantId = parseId(id, 'id');
  return em.transactional(async (tx) => {
    const tenant = await tx.findOne(Tenant, tenantId, { refresh: true });
    if (!tenant) throw notFound('Tenant');
    await tx.nativeDelete(Tenant, { id: tenantId });
    await audit(tx, actor, { action: 'tenant.delete', targetType: 'Tenant', targetId: tenantId, organizationId: tenant.organizationId });
    return tenantId;
  });
}

/** The tenant's organization, when the caller reaches it (a tenant-only principal does not). */
export async function visibleOrganization(ctx: SubgraphContext, tenant: Tenant): Promise<Organization | null> {
  const organization = await organizationById(ctx).load(tenant.organizationId);
  return organization && (await ctx.authz.can('organization:read', Place.organization(organization.id))) ? organization : null;
}
