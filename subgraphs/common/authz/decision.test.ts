/**
 * The decision point on its own, against the run's database: one way to ask for every kind of
 * place, inheritance down the tree, tenant-only reach, scoped tokens, the no-escalation rule,
 * visibility of places and principals, and what a request's decisions cost in statements.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Caller } from '../../../lib/auth/tokens.js';
import { openDatabase, sql, type Database } from '../db/orm.js';
import { newId } from '../ids.js';
import { DecisionPoint, Place } from './decision.js';

let db: Database;
const ids = { root: newId(), child: newId(), grandchild: newId(), unrelated: newId(), tenant: newId(), deepTenant: newId(), foreignTenant: newId(), caller: newId(), stranger: newId() };
const many = Array.from({ length: 50 }, () => newId());

beforeAll(async () => {
  db = await openDatabase({ databaseUrl: inject('databaseUrl'), poolMax: 1, schema: 'access', entities: [], migrations: [] });
  const em = db.orm.em.fork();
  const { root, child, grandchild, unrelated } = ids;
  const label = () => `d-${newId().slice(-12)}`;
  const organizations: [string, string | null, string[]][] = [
    [root, null, []],
    [child, root, [root]],
    [grandchild, child, [root, child]],
    [unrelated, null, []],
    ...many.map((id): [string, string | null, string[]] => [id, grandchild, [root, child, grandchild]]),
  ];
  for (const [id, parent, path] of organizations) {
    await sql(em, `insert into organizations.organization (id, parent_id, path, depth, name, label) values (?, ?, ?::uuid[], ?, 'Decision', ?)`, [id, parent, path, path.length, label()]);
  }
  for (const [id, organization] of [[ids.tenant, child], [ids.deepTenant, grandchild], [ids.foreignTenant, unrelated]] as const) {
    await sql(em, `insert into organizations.tenant (id, organization_id, name, label) values (?, ?, 'Tenant', ?)`, [id, organization, label()]);
  }
  for (const [id, organization] of [[ids.caller, child], [ids.stranger, unrelated]] as const) {
    await sql(em, `insert into identities.service_account (id, organization_id, name) values (?, ?, 'Decision test')`, [id, organization]);
  }
  const assignments: [string, string, string | null, string | null][] = [
    ['org_viewer', 'ORGANIZATION', root, null],
    ['org_admin', 'ORGANIZATION', child, null],
    ['tenant_editor', 'TENANT', unrelated, ids.foreignTenant],
  ];
  for (const [role, scope, organization, tenant] of assignments) {
    await sql(em, `insert into access.role_assignment (id, principal_id, principal_type, role_key, scope, organization_id, tenant_id) values (?, ?, 'service_account', ?, ?, ?, ?)`, [
      newId(),
      ids.caller,
      role,
      scope,
      organization,
      tenant,
    ]);
  }
});

afterAll(() => db?.close());

const caller = (overrides: Partial<Caller> = {}): Caller => ({ id: ids.caller, type: 'service_account', organizationId: null, tokenId: newId(), sessionId: null, apiKeyId: null, ...overrides });
const decide = (who: Caller | null = caller()) => new DecisionPoint(db.orm.em.fork(), who);

describe('one way to ask, for every kind of place', () => {
  it('organization grants reach the organization and everything below it, not above', async () => {
    const authz = decide();
    expect(await authz.can('organization:update', Place.organization(ids.child))).toBe(true);
    expect(await authz.can('organization:update', Place.organization(ids.grandchild))).toBe(true);
    expect(await authz.can('organization:update', Place.organization(ids.root))).toBe(false);
    expect(await authz.can('organization:read', Place.organization(ids.root))).toBe(true);
    expect(await authz.can('organization:read', Place.organization(ids.unrelated))).toBe(false);
  });

  it('tenants inherit from their organization; a tenant assignment reaches that tenant only', async () => {
    const authz = decide();
    expect(await authz.can('tenant:delete', Place.tenant(ids.deepTenant))).toBe(true);
    expect(await authz.can('tenant:update', Place.tenant(ids.foreignTenant))).toBe(true);
    expect(await authz.can('tenant:delete', Place.tenant(ids.foreignTenant))).toBe(false);
    expect(await authz.can('organization:read', Place.organization(ids.unrelated))).toBe(false);
    expect(await authz.can('tenant:read', Place.tenant(newId()))).toBe(false);
  });

  it('the platform is a place too: organization grants never reach it', async () => {
    expect([...(await decide().permissions(Place.platform))]).toEqual([]);
    expect(await decide().can('organization:create', Place.platform)).toBe(false);
  });

  it('a token scoped to one organization acts only inside its subtree', async () => {
    const authz = decide(caller({ organizationId: ids.grandchild }));
    expect(await authz.can('organization:update', Place.organization(ids.grandchild))).toBe(true);
    expect(await authz.can('organization:update', Place.organization(ids.child))).toBe(false);
    expect(await authz.can('tenant:update', Place.tenant(ids.foreignTenant))).toBe(false);
    expect(await authz.readableRoots()).toEqual([ids.grandchild]);
  });

  it('no caller, no permissions', async () => {
    expect(await decide(null).can('organization:read', Place.organization(ids.root))).toBe(false);
  });
});

describe('the no-escalation rule', () => {
  it('grants only what the caller holds at the place, and names what is missing', async () => {
    const authz = decide();
    await expect(authz.assertGrantable(Place.organization(ids.child), ['organization:read', 'member:manage'], 'org_admin')).resolves.toBeUndefined();
    const refused = authz.assertGrantable(Place.organization(ids.child), ['organization:read', 'organization:delete'], 'org_owner');
    await expect(refused).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringContaining('organization:delete') });
    await expect(authz.assertGrantable(Place.organization(ids.root), ['organization:update'], 'x')).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
  });
});

describe('what the caller may name', () => {
  it('places it cannot see are NOT_FOUND, as if they did not exist; a tenant fills in its organization', async () => {
    const authz = decide();
    expect(await authz.resolvePlace(null, ids.foreignTenant)).toEqual({ place: Place.tenant(ids.foreignTenant), organizationId: ids.unrelated, tenantId: ids.foreignTenant });
    await expect(authz.resolvePlace(ids.child, ids.foreignTenant)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await expect(authz.resolvePlace(ids.unrelated, null)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await expect(authz.resolvePlace(newId(), null)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    expect((await authz.resolvePlace(null, null)).place).toEqual(Place.platform);
  });

  it('principals: itself, those it may read, and those of the organization a place is in (or above it)', async () => {
    const authz = decide();
    expect((await authz.visiblePrincipal(ids.caller))?.organizationIds).toEqual([ids.child]);
    expect(await authz.visiblePrincipal(ids.stranger)).toBeNull();
    expect(await authz.visiblePrincipal(ids.stranger, ids.child)).toBeNull();
    expect(await authz.visiblePrincipal(newId())).toBeNull();
    expect(await decide(caller({ id: ids.stranger })).visiblePrincipal(ids.caller, ids.grandchild)).toMatchObject({ id: ids.caller });
  });

  it('a caller whose principal no longer exists is refused with HTTP 401', async () => {
    await expect(decide().authenticate()).resolves.toBeUndefined();
    await expect(decide(caller({ id: newId() })).authenticate()).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
    });
  });
});

describe('what decisions cost', () => {
  it('any number of places in one request: one read of the caller, one batched read of ancestry', async () => {
    const authz = decide();
    const before = db.statements;
    const answers = await Promise.all(many.map((id) => authz.can('tenant:create', Place.organization(id))));
    expect(answers.every(Boolean)).toBe(true);
    expect(db.statements - before).toBe(2);
    // Asked again, and as a set of permissions: nothing more is read.
    await Promise.all(many.map((id) => authz.permissions(Place.organization(id))));
    expect(db.statements - before).toBe(2);
  });
});
