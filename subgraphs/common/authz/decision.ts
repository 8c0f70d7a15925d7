import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../db/orm.js';
import type { Principal } from '../auth/tokens.js';
import { builtinRole, type Permission, type Scope } from './catalog.js';

/** One role assignment as it bears on a decision. */
export interface Grant {
  assignmentId: string;
  roleKey: string;
  scope: Scope;
  organizationId: string | null;
  tenantId: string | null;
  permissions: ReadonlySet<Permission>;
}

/** An organization as the decision point sees it: its ancestry and the caller's grants that reach it. */
export interface OrganizationAccess {
  organizationId: string;
  /** Ancestor ids, root first, without the organization itself. */
  path: string[];
  /** Assignments on the organization or an ancestor (platform grants excluded). */
  grants: Grant[];
}

interface GrantRow {
  target_id: string | null;
  path: string[] | null;
  assignment_id: string | null;
  role_key: string | null;
  scope: Scope | null;
  organization_id: string | null;
  tenant_id: string | null;
}

function permissionsOf(roleKey: string): ReadonlySet<Permission> {
  return new Set(builtinRole(roleKey)?.permissions ?? []);
}

function toGrant(row: GrantRow): Grant {
  return {
    assignmentId: row.assignment_id!,
    roleKey: row.role_key!,
    scope: row.scope!,
    organizationId: row.organization_id,
    tenantId: row.tenant_id,
    permissions: permissionsOf(row.role_key!),
  };
}

/**
 * The authorization decision point: one per request, read-only. Every question about an
 * organization goes through one DataLoader, so a request that touches 2 or 200
 * organizations costs the same single statement per batch: the caller's assignments on
 * each organization's ancestry (joined from the organizations schema) plus its
 * platform-wide assignments.
 */
export class DecisionPoint {
  private platformGrants: Grant[] = [];
  private readonly access: DataLoader<string, OrganizationAccess | null>;
  private platformLoaded: Promise<void> | undefined;

  constructor(
    private readonly em: EntityManager,
    readonly principal: Principal | null,
  ) {
    this.access = new DataLoader((ids) => this.loadAccess(ids), { maxBatchSize: 1000 });
  }

  private async loadAccess(ids: readonly string[]): Promise<(OrganizationAccess | null)[]> {
    const principalId = this.principal?.id ?? null;
    const rows = await sql<GrantRow>(
      this.em,
      `select t.id as target_id, t.path, ra.id as assignment_id, ra.role_key, ra.scope, ra.organization_id, ra.tenant_id
         from unnest(?::uuid[]) as q(id)
         join organizations.organization t on t.id = q.id
         left join access.role_assignment ra
           on ra.principal_id = ?::uuid and ra.tenant_id is null and ra.organization_id = any(t.path || t.id)
       union all
       select null, null, ra.id, ra.role_key, ra.scope, null, null
         from access.role_assignment ra
        where ra.principal_id = ?::uuid and ra.scope = 'PLATFORM'`,
      [ids, principalId, principalId],
    );
    const byId = new Map<string, OrganizationAccess>();
    const platform: Grant[] = [];
    for (const row of rows) {
      if (row.target_id === null) {
        platform.push(toGrant(row));
        continue;
      }
      let entry = byId.get(row.target_id);
      if (!entry) {
        entry = { organizationId: row.target_id, path: row.path ?? [], grants: [] };
        byId.set(row.target_id, entry);
      }
      if (row.assignment_id) entry.grants.push(toGrant(row));
    }
    this.platformGrants = platform;
    return ids.map((id) => byId.get(id) ?? null);
  }

  private async ensurePlatformGrants(): Promise<void> {
    // The platform grants ride along with every organization batch; a request that asks
    // only platform questions loads them with an empty batch.
    this.platformLoaded ??= this.loadAccess([]).then(() => undefined);
    await this.platformLoaded;
  }

  get authenticated(): boolean {
    return this.principal !== null;
  }

  async platformPermissions(): Promise<Set<Permission>> {
    if (!this.principal) return new Set();
    await this.ensurePlatformGrants();
    const result = new Set<Permission>();
    for (const grant of this.platformGrants) for (const p of grant.permissions) result.add(p);
    return result;
  }

  async isPlatformAdmin(): Promise<boolean> {
    if (!this.principal || this.principal.organizationId) return false;
    await this.ensurePlatformGrants();
    return this.platformGrants.some((g) => g.roleKey === 'platform_admin');
  }

  /** Ancestry and grants for an organization; null when it does not exist. */
  organization(id: string): Promise<OrganizationAccess | null> {
    return this.access.load(id);
  }

  /** Every permission the caller holds on an organization, inherited ones included. */
  async permissionsOn(organizationId: string): Promise<Set<Permission>> {
    const result = new Set<Permission>();
    if (!this.principal) return result;
    const access = await this.access.load(organizationId);
    if (!access) return result;
    // A token exchanged for one organization acts only inside that organization's subtree.
    const scopedTo = this.principal.organizationId;
    if (scopedTo && scopedTo !== organizationId && !access.path.includes(scopedTo)) return result;
    await this.ensurePlatformGrants();
    for (const grant of [...this.platformGrants, ...access.grants]) for (const p of grant.permissions) result.add(p);
    return result;
  }

  async can(permission: Permission, organizationId: string): Promise<boolean> {
    return (await this.permissionsOn(organizationId)).has(permission);
  }

  async canOnPlatform(permission: Permission): Promise<boolean> {
    if (this.principal?.organizationId) return false;
    return (await this.platformPermissions()).has(permission);
  }

  /**
   * Organizations from which the caller's reach starts: those it holds `organization:read`
   * on directly. Everything it can see is these and their descendants; null means everything.
   */
  async readableRoots(): Promise<string[] | null> {
    if (!this.principal) return [];
    if (this.principal.organizationId) return [this.principal.organizationId];
    if ((await this.platformPermissions()).has('organization:read')) return null;
    const rows = await sql<{ organization_id: string; role_key: string }>(
      this.em,
      `select organization_id, role_key from access.role_assignment
        where principal_id = ?::uuid and scope = 'ORGANIZATION'`,
      [this.principal.id],
    );
    return [...new Set(rows.filter((r) => permissionsOf(r.role_key).has('organization:read')).map((r) => r.organization_id))];
  }
}
