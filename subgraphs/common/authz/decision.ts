import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Caller, PrincipalType } from '../../../lib/auth/tokens.js';
import { forbidden, invalidToken, notFound } from '../../../lib/errors.js';
import { builtinRole, type Permission, type Scope } from './catalog.js';
import { readAncestry, readCaller, readPrincipals, readTenantOwners, type CallerRecord, type PrincipalRecord } from './directory.js';

/** Where a question is asked: the whole platform, an organization (and so its subtree), or one tenant. */
export type Place =
  | { readonly kind: 'platform' }
  | { readonly kind: 'organization'; readonly organizationId: string }
  | { readonly kind: 'tenant'; readonly tenantId: string };

export const Place = {
  platform: { kind: 'platform' } as Place,
  organization: (organizationId: string): Place => ({ kind: 'organization', organizationId }),
  tenant: (tenantId: string): Place => ({ kind: 'tenant', tenantId }),
  /** The place an assignment (or anything shaped like one) applies to: its tenant, its organization, or the platform. */
  of(target: { organizationId: string | null; tenantId: string | null }): Place {
    if (target.tenantId) return Place.tenant(target.tenantId);
    if (target.organizationId) return Place.organization(target.organizationId);
    return Place.platform;
  },
  scope(place: Place): Scope {
    return place.kind === 'tenant' ? 'TENANT' : place.kind === 'organization' ? 'ORGANIZATION' : 'PLATFORM';
  },
};

/** The permission that makes a place visible at all: without it the place answers NOT_FOUND. */
export function readPermission(place: Place): Permission | null {
  return place.kind === 'tenant' ? 'tenant:read' : place.kind === 'organization' ? 'organization:read' : null;
}

/** One role assignment of the caller, as it bears on decisions. */
export interface Grant {
  assignmentId: string;
  roleKey: string;
  scope: Scope;
  organizationId: string | null;
  tenantId: string | null;
  permissions: ReadonlySet<Permission>;
}

/** A place named by arguments, resolved: a tenant's organization filled in. */
export interface ResolvedPlace {
  place: Place;
  organizationId: string | null;
  tenantId: string | null;
}

const keyOf = (place: Place) => (place.kind === 'tenant' ? `t:${place.tenantId}` : place.kind === 'organization' ? `o:${place.organizationId}` : 'p');

function permissionsOfRole(roleKey: string): ReadonlySet<Permission> {
  return new Set(builtinRole(roleKey)?.permissions ?? []);
}

/**
 * The authorization decision point: one per request, read-only, and the only way to ask.
 * A decision needs the caller's assignments (read once per request, with the caller's
 * existence) and where the place sits in the tree (ancestry and tenant ownership, batched
 * through DataLoaders and primed for free by loaders that already read those rows). So a
 * request touching 2 or 200 organizations costs the same statements.
 */
export class DecisionPoint {
  private record: Promise<CallerRecord> | undefined;
  private allGrants: Promise<Grant[]> | undefined;
  /** The caller's grants once read: from then on, decisions on known places are synchronous. */
  private settledGrants: Grant[] | undefined;
  /** Permission sets by place, and by the grants that reach a place (most places share one). */
  private readonly held = new Map<string, ReadonlySet<Permission>>();
  private readonly heldByGrants = new Map<string, ReadonlySet<Permission>>();
  /** What the loaders below have answered or been primed with, readable without waiting. */
  private readonly knownPaths = new Map<string, string[] | null>();
  private readonly knownTenants = new Map<string, string | null>();
  private readonly paths: DataLoader<string, string[] | null>;
  private readonly tenants: DataLoader<string, string | null>;
  private readonly principals: DataLoader<string, PrincipalRecord | null>;

  constructor(
    private readonly em: EntityManager,
    readonly caller: Caller | null,
  ) {
    const batch = <V>(read: (em: EntityManager, ids: readonly string[]) => Promise<Map<string, V>>, known?: Map<string, V | null>) =>
      new DataLoader<string, V | null>(
        async (ids) => {
          const found = await read(this.em, ids);
          return ids.map((id) => {
            const value = found.get(id) ?? null;
            known?.set(id, value);
            return value;
          });
        },
        { maxBatchSize: 1000 },
      );
    this.paths = batch(readAncestry, this.knownPaths);
    this.tenants = batch(readTenantOwners, this.knownTenants);
    this.principals = batch(readPrincipals);
  }

  /**
   * Reads the caller's record; a token whose principal has been deleted since it was issued,
   * or whose API key has been revoked or has expired, is refused here, for the whole request
   * (HTTP 401), rather than answered as a stranger.
   */
  async authenticate(): Promise<void> {
    if (!this.caller) return;
    const record = await this.callerRecord();
    if (!record.exists) throw invalidToken('The principal of this token no longer exists');
    if (!record.sessionValid) throw invalidToken('The sign-in of this token has ended');
    if (!record.apiKeyValid) throw invalidToken('The API key of this token has been revoked or has expired');
  }

  private callerRecord(): Promise<CallerRecord> {
    this.record ??= this.caller ? readCaller(this.em, this.caller) : Promise.resolve({ exists: false, sessionValid: false, apiKeyValid: false, assignments: [] });
    return this.record;
  }

  /** Tells the decision point an organization's ancestry that a loader has just read. */
  primeOrganization(organizationId: string, path: string[]): void {
    if (this.knownPaths.has(organizationId)) return;
    this.knownPaths.set(organizationId, path);
    this.paths.prime(organizationId, path);
  }

  /** Tells the decision point which organization a tenant that a loader has just read belongs to. */
  primeTenant(tenantId: string, organizationId: string): void {
    if (this.knownTenants.has(tenantId)) return;
    this.knownTenants.set(tenantId, organizationId);
    this.tenants.prime(tenantId, organizationId);
  }

  /** Ancestor ids (root first) of an organization, or null when it does not exist. */
  ancestry(organizationId: string): Promise<string[] | null> {
    return this.paths.load(organizationId);
  }

  /** The organization a tenant belongs to, or null when the tenant does not exist. */
  organizationOfTenant(tenantId: string): Promise<string | null> {
    return this.tenants.load(tenantId);
  }

  /** Every assignment the caller holds, anywhere. */
  grants(): Promise<Grant[]> {
    this.allGrants ??= this.callerRecord().then(({ assignments }) => {
      this.settledGrants = assignments.map((row) => ({
        assignmentId: row.id,
        roleKey: row.role_key,
        scope: row.scope,
        organizationId: row.organization_id,
        tenantId: row.tenant_id,
        permissions: row.custom_permissions ? new Set(row.custom_permissions) : permissionsOfRole(row.role_key),
      }));
      return this.settledGrants;
    });
    return this.allGrants;
  }

  /**
   * The caller's assignments that reach a place: platform ones everywhere, an organization's
   * on it and on every descendant and their tenants, a tenant's on that tenant only. A token
   * exchanged for one organization reaches only inside that organization's subtree.
   */
  async grantsReaching(place: Place): Promise<Grant[]> {
    if (!this.caller) return [];
    await this.load(place);
    return this.reachingNow(place)!;
  }

  /** Reads what a decision at the place needs: the caller's grants, the place's organization and ancestry. */
  private async load(place: Place): Promise<void> {
    await this.grants();
    if (place.kind === 'platform') return;
    const organizationId = place.kind === 'tenant' ? await this.tenants.load(place.tenantId) : place.organizationId;
    if (organizationId) await this.paths.load(organizationId);
  }

  /**
   * The decision itself, on what has been read: the grants reaching a place, or undefined while
   * the caller's grants or the place's ancestry are still unread.
   */
  private reachingNow(place: Place): Grant[] | undefined {
    if (!this.caller) return [];
    const grants = this.settledGrants;
    if (!grants) return undefined;
    const scopedTo = this.caller.organizationId;
    if (place.kind === 'platform') return scopedTo ? [] : grants.filter((g) => g.scope === 'PLATFORM');
    const organizationId = place.kind === 'tenant' ? this.knownTenants.get(place.tenantId) : place.organizationId;
    if (organizationId === undefined) return undefined;
    if (organizationId === null) return [];
    const path = this.knownPaths.get(organizationId);
    if (path === undefined) return undefined;
    if (path === null) return [];
    if (scopedTo && scopedTo !== organizationId && !path.includes(scopedTo)) return [];
    return grants.filter(
      (g) =>
        (g.scope === 'PLATFORM' && !scopedTo) ||
        (g.scope === 'ORGANIZATION' && (g.organizationId === organizationId || path.includes(g.organizationId!))) ||
        (g.scope === 'TENANT' && place.kind === 'tenant' && g.tenantId === place.tenantId),
    );
  }

  /**
   * Every permission the caller holds at a place, inherited ones included, or undefined while
   * what the decision needs is unread. Memoized per place, and shared by places that the same
   * grants reach (a platform admin's thousand organizations hold one set).
   */
  permissionsNow(place: Place): ReadonlySet<Permission> | undefined {
    const key = keyOf(place);
    const memo = this.held.get(key);
    if (memo) return memo;
    const grants = this.reachingNow(place);
    if (!grants) return undefined;
    const grantsKey = grants.map((g) => g.assignmentId).join(',');
    let result = this.heldByGrants.get(grantsKey);
    if (!result) {
      const union = new Set<Permission>();
      for (const grant of grants) for (const permission of grant.permissions) union.add(permission);
      result = union;
      this.heldByGrants.set(grantsKey, result);
    }
    this.held.set(key, result);
    return result;
  }

  /** Every permission the caller holds at a place, inherited ones included. */
  async permissions(place: Place): Promise<ReadonlySet<Permission>> {
    const now = this.permissionsNow(place);
    if (now) return now;
    if (this.caller) await this.load(place);
    return this.permissionsNow(place)!;
  }

  /** The answer of `can` when it is known without reading anything (true or false), else undefined. */
  canNow(permission: Permission, place: Place): boolean | undefined {
    return this.permissionsNow(place)?.has(permission);
  }

  async can(permission: Permission, place: Place): Promise<boolean> {
    return (await this.permissions(place)).has(permission);
  }

  /**
   * Nobody grants what they do not hold: assigning a role, defining or changing one, and
   * moving assignments to another role all need every one of its permissions at the place.
   */
  async assertGrantable(place: Place, permissions: readonly Permission[], what: string): Promise<void> {
    const held = await this.permissions(place);
    const missing = permissions.filter((p) => !held.has(p));
    if (missing.length) throw forbidden(`You cannot grant ${what}: you do not hold ${missing.join(', ')} here`);
  }

  /**
   * Nobody takes away more than they could give: deleting a user, or disabling or removing a
   * member, needs every permission that principal holds at the place (so an org_admin cannot
   * disable an org_owner, nor a user_admin delete a platform_admin).
   */
  async assertOutranks(principal: { id: string; type: PrincipalType }, place: Place, what: string): Promise<void> {
    const theirs = await new DecisionPoint(this.em, { id: principal.id, type: principal.type, organizationId: null, tokenId: '', sessionId: null, apiKeyId: null }).permissions(place);
    const held = await this.permissions(place);
    const missing = [...theirs].filter((p) => !held.has(p));
    if (missing.length) throw forbidden(`You cannot ${what}: they hold ${missing.join(', ')} here, which you do not`);
  }

  /**
   * A place named by arguments (an organization, a tenant, both, or neither for the
   * platform): the tenant's organization is filled in and must match one given alongside,
   * and a place the caller cannot see is NOT_FOUND, exactly as one that does not exist.
   */
  async resolvePlace(organizationId: string | null, tenantId: string | null): Promise<ResolvedPlace> {
    if (tenantId) {
      const owner = await this.tenants.load(tenantId);
      if (!owner || (organizationId && owner !== organizationId) || !(await this.can('tenant:read', Place.tenant(tenantId)))) throw notFound('Tenant');
      return { place: Place.tenant(tenantId), organizationId: owner, tenantId };
    }
    if (organizationId) {
      const place = Place.organization(organizationId);
      if (!(await this.can('organization:read', place))) throw notFound('Organization');
      return { place, organizationId, tenantId: null };
    }
    return { place: Place.platform, organizationId: null, tenantId: null };
  }

  /**
   * A principal named by an argument, or null when it does not exist or is out of the caller's
   * reach (the two are indistinguishable). Callers reach themselves; the service accounts of
   * organizations where they hold service_account:read; users, with user:read on the platform
   * or organization:read on an organization they are members of; and, when the principal is
   * named for a place in an organization, the principals of that organization and of its
   * ancestors: whoever manages roles on a tenant can grant them to its organization's people.
   */
  async visiblePrincipal(principalId: string, inOrganization: string | null = null): Promise<PrincipalRecord | null> {
    const principal = await this.principals.load(principalId);
    if (!principal) return null;
    if (principal.id === this.caller?.id) return principal;
    if (inOrganization) {
      const lineage = [...((await this.paths.load(inOrganization)) ?? []), inOrganization];
      if (principal.organizationIds.some((id) => lineage.includes(id))) return principal;
    }
    if (principal.type === 'user') {
      if (await this.can('user:read', Place.platform)) return principal;
      const readable = await Promise.all(principal.organizationIds.map((id) => this.can('organization:read', Place.organization(id))));
      return readable.includes(true) ? principal : null;
    }
    return (await this.can('service_account:read', Place.organization(principal.organizationIds[0]!))) ? principal : null;
  }

  /** A principal by id, whoever may see it (null when it does not exist): for references the owning subgraph filters again. */
  principal(principalId: string): Promise<PrincipalRecord | null> {
    return this.principals.load(principalId);
  }

  /** Whether a principal's organization roles would count at an organization: it belongs there or above, actively. */
  async activeIn(principal: PrincipalRecord, organizationId: string): Promise<boolean> {
    const lineage = [...((await this.paths.load(organizationId)) ?? []), organizationId];
    return principal.activeOrganizationIds.some((id) => lineage.includes(id));
  }

  /**
   * Organizations from which the caller's reach starts: those it holds `organization:read`
   * on directly. Everything it can see is these and their descendants; null means everything.
   */
  async readableRoots(): Promise<string[] | null> {
    if (!this.caller) return [];
    if (await this.can('organization:read', Place.platform)) return null;
    const scopedTo = this.caller.organizationId;
    if (scopedTo) return (await this.can('organization:read', Place.organization(scopedTo))) ? [scopedTo] : [];
    const roots = (await this.grants()).filter((g) => g.scope === 'ORGANIZATION' && g.permissions.has('organization:read')).map((g) => g.organizationId!);
    return [...new Set(roots)];
  }
}
