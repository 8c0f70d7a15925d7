import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../db/orm.js';
import { notFound } from '../../../lib/errors.js';
import type { Caller } from '../../../lib/auth/tokens.js';
import { builtinRole, type Permission, type Scope } from './catalog.js';

/** One role assignment of the caller, as it bears on decisions. */
export interface Grant {
  assignmentId: string;
  roleKey: string;
  scope: Scope;
  organizationId: string | null;
  tenantId: string | null;
  permissions: ReadonlySet<Permission>;
}

interface AssignmentRow {
  id: string;
  /** Set for custom roles: their permissions are read live, so a role's change applies on the next request. */
  custom_permissions: Permission[] | null;
  role_key: string;
  scope: Scope;
  organization_id: string | null;
  tenant_id: string | null;
}

function permissionsOf(roleKey: string): ReadonlySet<Permission> {
  return new Set(builtinRole(roleKey)?.permissions ?? []);
}

/**
 * The authorization decision point: one per request, read-only. A decision needs two facts:
 * the caller's assignments (read once per request) and the ancestry of the organization in
 * question (batched through one DataLoader, and primed for free by loaders that already
 * read organization rows). So a request touching 2 or 200 organizations costs the same
 * statements, and a nested list costs nothing beyond the rows it loads anyway.
 */
export class DecisionPoint {
  private assignments: Promise<Grant[]> | undefined;
  private readonly paths: DataLoader<string, string[] | null>;
  /** Tenant id -> its organization's id. */
  private readonly tenants: DataLoader<string, string | null>;

  constructor(
    private readonly em: EntityManager,
    readonly principal: Caller | null,
  ) {
    this.paths = new DataLoader(
      async (ids) => {
        const rows = await sql<{ id: string; path: string[] }>(this.em, `select id, path from organizations.organization where id = any(?::uuid[])`, [ids]);
        const byId = new Map(rows.map((r) => [r.id, r.path]));
        return ids.map((id) => byId.get(id) ?? null);
      },
      { maxBatchSize: 1000 },
    );
    this.tenants = new DataLoader(
      async (ids) => {
        const rows = await sql<{ id: string; organization_id: string }>(
          this.em,
          `select id, organization_id from organizations.tenant where id = any(?::uuid[])`,
          [ids],
        );
        const byId = new Map(rows.map((r) => [r.id, r.organization_id]));
        return ids.map((id) => byId.get(id) ?? null);
      },
      { maxBatchSize: 1000 },
    );
  }

  /** Tells the decision point which organization a tenant that a loader has just read belongs to. */
  primeTenant(tenantId: string, organizationId: string): void {
    this.tenants.prime(tenantId, organizationId);
  }

  /** The organization a tenant belongs to, or null when the tenant does not exist. */
  organizationOfTenant(tenantId: string): Promise<string | null> {
    return this.tenants.load(tenantId);
  }

  /** Tells the decision point an organization's ancestry that a loader has just read. */
  prime(organizationId: string, path: string[]): void {
    this.paths.prime(organizationId, path);
  }

  /** Ancestor ids (root first) of an organization, or null when it does not exist. */
  ancestry(organizationId: string): Promise<string[] | null> {
    return this.paths.load(organizationId);
  }

  /** Every assignment the caller holds, on any scope. */
  grants(): Promise<Grant[]> {
    if (!this.principal) return Promise.resolve([]);
    this.assignments ??= sql<AssignmentRow>(
      this.em,
      // A deleted service account's tokens live until they expire; its grants end with it.
      `select ra.id, ra.role_key, ra.scope, ra.organization_id, ra.tenant_id, r.permissions as custom_permissions
         from access.role_assignment ra
         left join access.role r on r.id = ra.role_id
        where ra.principal_id = ?::uuid
          and (ra.principal_type <> 'service_account'
               or exists (select 1 from identities.service_account s where s.id = ra.principal_id))`,
      [this.principal.id],
    ).then((rows) =>
      rows.map((row) => ({
        assignmentId: row.id,
        roleKey: row.role_key,
        scope: row.scope,
        organizationId: row.organization_id,
        tenantId: row.tenant_id,
        permissions: row.custom_permissions ? new Set(row.custom_permissions) : permissionsOf(row.role_key),
      })),
    );
    return this.assignments;
  }

  async platformPermissions(): Promise<Set<Permission>> {
    const result = new Set<Permission>();
    if (this.principal?.organizationId) return result;
    for (const grant of await this.grants()) if (grant.scope === 'PLATFORM') for (const p of grant.permissions) result.add(p);
    return result;
  }

  async isPlatformAdmin(): Promise<boolean> {
    if (this.principal?.organizationId) return false;
    return (await this.grants()).some((g) => g.roleKey === 'platform_admin');
  }

  /** The caller's grants that reach an organization: on it, on an ancestor, or platform-wide. */
  async grantsOn(organizationId: string): Promise<Grant[]> {
    if (!this.principal) return [];
    const path = await this.paths.load(organizationId);
    if (!path) return [];
    // A token exchanged for one organization acts only inside that organization's subtree.
    const scopedTo = this.principal.organizationId;
    if (scopedTo && scopedTo !== organizationId && !path.includes(scopedTo)) return [];
    return (await this.grants()).filter(
      (g) => (g.scope === 'PLATFORM' && !scopedTo) || (g.scope === 'ORGANIZATION' && (g.organizationId === organizationId || path.includes(g.organizationId!))),
    );
  }

  /**
   * The caller's grants that reach a tenant: everything that reaches its organization, plus
   * assignments on the tenant itself (which reach nothing else).
   */
  async grantsOnTenant(tenantId: string): Promise<Grant[]> {
    if (!this.principal) return [];
    const organizationId = await this.tenants.load(tenantId);
    if (!organizationId) return [];
    const inherited = await this.grantsOn(organizationId);
    const path = (await this.paths.load(organizationId)) ?? [];
    const scopedTo = this.principal.organizationId;
    if (scopedTo && scopedTo !== organizationId && !path.includes(scopedTo)) return [];
    const own = (await this.grants()).filter((g) => g.scope === 'TENANT' && g.tenantId === tenantId);
    return [...inherited, ...own];
  }

  async permissionsOnTenant(tenantId: string): Promise<Set<Permission>> {
    const result = new Set<Permission>();
    for (const grant of await this.grantsOnTenant(tenantId)) for (const p of grant.permissions) result.add(p);
    return result;
  }

  async canOnTenant(permission: Permission, tenantId: string): Promise<boolean> {
    return (await this.permissionsOnTenant(tenantId)).has(permission);
  }

  /** Every permission the caller holds on an organization, inherited ones included. */
  async permissionsOn(organizationId: string): Promise<Set<Permission>> {
    const result = new Set<Permission>();
    for (const grant of await this.grantsOn(organizationId)) for (const p of grant.permissions) result.add(p);
    return result;
  }

  async can(permission: Permission, organizationId: string): Promise<boolean> {
    return (await this.permissionsOn(organizationId)).has(permission);
  }

  async canOnPlatform(permission: Permission): Promise<boolean> {
    return (await this.platformPermissions()).has(permission);
  }

  /**
   * Organizations from which the caller's reach starts: those it holds `organization:read`
   * on directly. Everything it can see is these and their descendants; null means everything.
   */
  async readableRoots(): Promise<string[] | null> {
    if (!this.principal) return [];
    if ((await this.platformPermissions()).has('organization:read')) return null;
    const roots = (await this.grants())
      .filter((g) => g.scope === 'ORGANIZATION' && g.permissions.has('organization:read'))
      .map((g) => g.organizationId!);
    const scopedTo = this.principal.organizationId;
    if (!scopedTo) return [...new Set(roots)];
    // Scoped token: its organization's subtree, as far as the grants reach into it.
    return (await this.can('organization:read', scopedTo)) ? [scopedTo] : [];
  }
}

/** A place a question is about: a tenant (with its organization), an organization, or the platform. */
export interface Place {
  organizationId: string | null;
  tenantId: string | null;
}

/**
 * Resolves and checks a place named by arguments: the tenant's organization is filled in (and
 * must match one given alongside), and a place the caller cannot see is NOT_FOUND, exactly as
 * one that does not exist.
 */
export async function visiblePlace(authz: DecisionPoint, organizationId: string | null, tenantId: string | null): Promise<Place> {
  if (tenantId) {
    const owner = await authz.organizationOfTenant(tenantId);
    if (!owner || (organizationId && owner !== organizationId) || !(await authz.canOnTenant('tenant:read', tenantId))) throw notFound('Tenant');
    return { organizationId: owner, tenantId };
  }
  if (organizationId && !(await authz.can('organization:read', organizationId))) throw notFound('Organization');
  return { organizationId, tenantId: null };
}
