import type { EntityManager } from '@mikro-orm/postgresql';
import { audit, retractAudit, type Actor } from '../../../common/audit/writer.js';
import { uniqueViolation } from '../../../common/db/errors.js';
import { Place } from '../../../common/authz/decision.js';
import type { SubgraphContext } from '../../../common/context.js';
import { sql } from '../../../common/db/orm.js';
import { keysetSql, pageRequest, toConnection, type Connection } from '../../../common/pagination.js';
import { conflict, notFound } from '../../../../lib/errors.js';
import { parseId, parseOptionalId } from '../../../common/ids.js';
import { containsPattern, labelFromName, parseLabel, parseName, parseVat } from '../../../common/validation.js';
import { Organization } from './organization.entity.js';
import type { CreateOrganizationInput, OrganizationsArgs, UpdateOrganizationInput } from './organization.input.js';
import { ancestorsOf, organizationById, organizationKey, ORGANIZATION_ORDER, primeDecisions } from './organization.loaders.js';
import { grantOwner } from './ownership.js';

/**
 * Creating under a parent and moving a subtree both read ancestry paths and write paths
 * derived from them. Creations share this lock, moves and deletions take it alone, so no
 * path is ever computed from one that a concurrent move is rewriting, and two concurrent
 * moves can never build a cycle between them.
 */
const HIERARCHY_LOCK = `hashtext('organizations.hierarchy')`;
const shareHierarchy = (em: EntityManager) => sql(em, `select pg_advisory_xact_lock_shared(${HIERARCHY_LOCK})`);
const lockHierarchy = (em: EntityManager) => sql(em, `select pg_advisory_xact_lock(${HIERARCHY_LOCK})`);

function labelTaken(error: unknown, label: string): never {
  if (uniqueViolation(error)) {
    throw conflict(`The label "${label}" is already used by a sibling`, { field: 'label' });
  }
  throw error;
}

/**
 * Creates an organization; with `ownerId`, the owner is made org_owner through the access
 * subgraph under the caller's permissions. Role assignments are not ours to write, so the
 * two cannot share a transaction: a refused owner takes the new organization back, which
 * leaves no trace because nothing can hang below an organization this young.
 */
export async function createOrganization(ctx: SubgraphContext, input: CreateOrganizationInput): Promise<Organization> {
  const ownerId = parseOptionalId(input.ownerId, 'ownerId');
  const organization = await insertOrganization(ctx.em, ctx, input);
  if (!ownerId) return organization;
  try {
    await grantOwner(ctx, organization.id, ownerId);
  } catch (error) {
    await undoCreateOrganization(ctx.em.fork(), ctx, organization.id);
    throw error;
  }
  return organization;
}

async function insertOrganization(em: EntityManager, actor: Actor, input: CreateOrganizationInput): Promise<Organization> {
  const name = parseName(input.name);
  const label = input.label != null ? parseLabel(input.label) : labelFromName(name);
  const parentId = parseOptionalId(input.parentId, 'parentId');
  const vat = parseVat(input.vat);
  try {
    return await em.transactional(async (tx) => {
      await shareHierarchy(tx);
      let path: string[] = [];
      if (parentId) {
        const parent = await tx.findOne(Organization, parentId, { refresh: true });
        if (!parent) throw notFound('Organization');
        path = [...parent.path, parent.id];
      }
      const organization = tx.create(Organization, { name, label, vat, parentId, path, depth: path.length });
      await tx.flush();
      await audit(tx, actor, {
        action: 'organization.create',
        targetType: 'Organization',
        targetId: organization.id,
        organizationId: organization.id,
        changes: { name, label, vat, parentId },
      });
      return organization;
    });
  } catch (error) {
    return labelTaken(error, label);
  }
}

export async function updateOrganization(em: EntityManager, actor: Actor, id: string, input: UpdateOrganizationInput): Promise<Organization> {
  const changes: Partial<Pick<Organization, 'name' | 'label' | 'vat'>> = {};
  if (input.name != null) changes.name = parseName(input.name);
  if (input.label != null) changes.label = parseLabel(input.label);
  if (input.vat !== undefined) changes.vat = parseVat(input.vat);
  try {
    return await em.transactional(async (tx) => {
      const organization = await tx.findOne(Organization, parseId(id, 'id'), { refresh: true });
      if (!organization) throw notFound('Organization');
      tx.assign(organization, changes);
      await tx.flush();
      await audit(tx, actor, { action: 'organization.update', targetType: 'Organization', targetId: organization.id, organizationId: organization.id, changes });
      return organization;
    });
  } catch (error) {
    return labelTaken(error, changes.label ?? '');
  }
}

interface TreeRow {
  id: string;
  parent_id: string | null;
  path: string[];
  label: string;
}

export async function moveOrganization(em: EntityManager, actor: Actor, id: string, newParentId: string | null): Promise<Organization> {
  const organizationId = parseId(id, 'id');
  const parentId = parseOptionalId(newParentId, 'parentId');
  let label = '';
  try {
    const moved = await em.transactional(async (tx) => {
      await lockHierarchy(tx);
      const rows = await sql<TreeRow>(
        tx,
        `select id, parent_id, path, label from organizations.organization where id = any(?::uuid[])`,
        [parentId ? [organizationId, parentId] : [organizationId]],
      );
      const organization = rows.find((r) => r.id === organizationId);
      if (!organization) throw notFound('Organization');
      label = organization.label;
      const parent = parentId ? rows.find((r) => r.id === parentId) : null;
      if (parentId && !parent) throw notFound('Organization');
      if (parent && (parent.id === organization.id || parent.path.includes(organization.id))) {
        throw conflict('An organization cannot be moved under itself or one of its descendants', { field: 'parentId' });
      }
      if (organization.parent_id === parentId) return null;
      const newPath = parent ? [...parent.path, parent.id] : [];
      // Every row of the subtree keeps the part of its path below the moved organization.
      const [row] = await sql(
        tx,
        `with updated as (
           update organizations.organization
              set path = ?::uuid[] || path[?::int + 1:],
                  depth = cardinality(?::uuid[] || path[?::int + 1:]),
                  parent_id = case when id = ?::uuid then ?::uuid else parent_id end,
                  updated_at = case when id = ?::uuid then now() else updated_at end
            where id = ?::uuid or ?::uuid = any(path)
            returning *)
         select * from updated where id = ?::uuid`,
        [newPath, organization.path.length, newPath, organization.path.length, organizationId, parentId, organizationId, organizationId, organizationId, organizationId],
      );
      await audit(tx, actor, {
        action: 'organization.move',
        targetType: 'Organization',
        targetId: organizationId,
        organizationId,
        changes: { parentId: { from: organization.parent_id, to: parentId } },
      });
      return row!;
    });
    if (moved) return em.map(Organization, moved);
    const unchanged = await em.findOne(Organization, organizationId, { refresh: true });
    if (!unchanged) throw notFound('Organization');
    return unchanged;
  } catch (error) {
    return labelTaken(error, label);
  }
}

export async function setDeleteProtection(em: EntityManager, actor: Actor, id: string, enabled: boolean): Promise<Organization> {
  return em.transactional(async (tx) => {
    const organization = await tx.findOne(Organization, parseId(id, 'id'), { refresh: true });
    if (!organization) throw notFound('Organization');
    organization.deleteProtection = enabled;
    await tx.flush();
    await audit(tx, actor, {
      action: 'organization.set_delete_protection',
      targetType: 'Organization',
      targetId: organization.id,
      organizationId: organization.id,
      changes: { deleteProtection: enabled },
    });
    return organization;
  });
}

export async function deleteOrganization(em: EntityManager, actor: Actor, id: string): Promise<string> {
  const organizationId = parseId(id, 'id');
  return em.transactional(async (tx) => {
    await lockHierarchy(tx);
    const [row] = await sql<{ delete_protection: boolean; children: number }>(
      tx,
      `select o.delete_protection,
              (select count(*)::int from organizations.organization c where c.parent_id = o.id) as children
         from organizations.organization o where o.id = ?::uuid for update`,
      [organizationId],
    );
    if (!row) throw notFound('Organization');
    if (row.delete_protection) throw conflict('Delete protection is enabled; disable it first', { reason: 'DELETE_PROTECTED' });
    if (row.children > 0) {
      throw conflict(`The organization has ${row.children} child organization(s); move or delete them first`, { reason: 'HAS_CHILDREN' });
    }
    // Recorded first: the event keeps the organization's ancestry, which goes with the row.
    await audit(tx, actor, { action: 'organization.delete', targetType: 'Organization', targetId: organizationId, organizationId });
    await sql(tx, `delete from organizations.organization where id = ?::uuid`, [organizationId]);
    return organizationId;
  });
}

/**
 * Takes back an organization this very request created (its owner could not be assigned):
 * the row and the request's events about it go together, as if the mutation never ran.
 */
async function undoCreateOrganization(em: EntityManager, actor: Actor, id: string): Promise<void> {
  await em.transactional(async (tx) => {
    await lockHierarchy(tx);
    await sql(tx, `delete from organizations.organization where id = ?::uuid`, [id]);
    await retractAudit(tx, actor, id);
  });
}

/** Every organization the caller can see (inherited reach included), filtered and keyset-paged. */
export async function listOrganizations(ctx: SubgraphContext, args: OrganizationsArgs): Promise<Connection<Organization>> {
  const page = pageRequest(args, ORGANIZATION_ORDER);
  const parentId = parseOptionalId(args.parentId, 'parentId');
  const roots = await ctx.authz.readableRoots();
  const search = containsPattern(args.search);
  const filter = `(?::uuid[] is null or o.id = any(?::uuid[]) or o.path && ?::uuid[])
              and (?::uuid is null or o.parent_id = ?::uuid)
              and (?::text is null or o.name ilike ? or o.label ilike ?)`;
  const filterParams = [roots, roots, roots, parentId, parentId, search, search, search];
  const keyset = keysetSql(page);
  const [rows, [count]] = await Promise.all([
    sql(ctx.em, `select o.* from organizations.organization o where ${filter} and ${keyset.where} order by ${keyset.orderBy} limit ?`, [
      ...filterParams,
      ...keyset.params,
      page.limit + 1,
    ]),
    sql<{ n: number }>(ctx.em, `select count(*)::int as n from organizations.organization o where ${filter}`, filterParams),
  ]);
  return toConnection(primeDecisions(ctx, rows.map((r) => ctx.em.map(Organization, r))), page, count!.n, organizationKey);
}

/** The parent, when there is one and the caller may see it. */
export async function visibleParent(ctx: SubgraphContext, organization: Organization): Promise<Organization | null> {
  if (!organization.parentId) return null;
  const parent = await organizationById(ctx).load(organization.parentId);
  return parent && (await ctx.authz.can('organization:read', Place.organization(parent.id))) ? parent : null;
}

/** Ancestors, root first, that the caller may see: one batch of decisions with the rest of the request. */
export async function visibleAncestors(ctx: SubgraphContext, organization: Organization): Promise<Organization[]> {
  const ancestors = await ancestorsOf(ctx).load(organization.id);
  const allowed = await Promise.all(ancestors.map((o) => ctx.authz.can('organization:read', Place.organization(o.id))));
  return ancestors.filter((_, i) => allowed[i]);
}
