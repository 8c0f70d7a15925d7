import { BUILTIN_ROLES, isPermission, type Permission, type Scope } from '../../../common/authz/catalog.js';
import { Place, type Grant, type ResolvedPlace } from '../../../common/authz/decision.js';
import { readNames } from '../../../common/authz/directory.js';
import type { SubgraphContext } from '../../../common/context.js';
import { badInput } from '../../../../lib/errors.js';
import { parseOptionalId } from '../../../common/ids.js';
import { RoleAssignment } from '../role-assignment/role-assignment.entity.js';
import type { AccessDecision } from './can.type.js';

/** Assignments at these scopes reach a target at the key's scope. */
const REACHES: Record<Scope, Scope[]> = {
  PLATFORM: ['PLATFORM'],
  ORGANIZATION: ['PLATFORM', 'ORGANIZATION'],
  TENANT: ['PLATFORM', 'ORGANIZATION', 'TENANT'],
};

/** A place in words: "the platform", "Acme/EU/Berlin", "tenant Prod of Acme/EU". */
interface PlaceInWords {
  label: string;
  /** Organization id -> name along the path. */
  names: Map<string, string>;
}

async function inWords(ctx: SubgraphContext, { organizationId, tenantId }: ResolvedPlace): Promise<PlaceInWords> {
  if (!organizationId) return { label: 'the platform', names: new Map() };
  const ids = [...((await ctx.authz.ancestry(organizationId)) ?? []), organizationId];
  const names = await readNames(ctx.em, ids, tenantId);
  const trail = ids.map((id) => names.organizations.get(id) ?? id).join('/');
  return { label: tenantId ? `tenant ${names.tenant ?? tenantId} of ${trail}` : trail, names: names.organizations };
}

function describeGrant(grant: Grant, words: PlaceInWords, { organizationId, tenantId }: ResolvedPlace): string {
  if (grant.scope === 'PLATFORM') return `${grant.roleKey} on the platform`;
  if (grant.scope === 'TENANT') return `${grant.roleKey} on this tenant`;
  const holder = words.names.get(grant.organizationId!) ?? grant.organizationId!;
  const direct = grant.organizationId === organizationId && !tenantId;
  return direct ? `${grant.roleKey} on ${holder}` : `${grant.roleKey} on ${holder}, inherited by ${words.label}`;
}

/**
 * May the caller perform `action` at the place the arguments name, and why: the assignments
 * that grant it with their inheritance path, or what the caller holds there and the built-in
 * roles that would grant it.
 */
export async function explain(ctx: SubgraphContext, action: string, organizationIdArg: string | null, tenantIdArg: string | null): Promise<AccessDecision> {
  if (!isPermission(action)) throw badInput('action', `Unknown action "${action}"; actions are resource:action pairs from the catalog`);
  const resolved = await ctx.authz.resolvePlace(parseOptionalId(organizationIdArg, 'organizationId'), parseOptionalId(tenantIdArg, 'tenantId'));
  const grants = await ctx.authz.grantsReaching(resolved.place);
  const granting = grants.filter((g) => g.permissions.has(action as Permission));
  const words = await inWords(ctx, resolved);
  const describe = (g: Grant) => describeGrant(g, words, resolved);
  if (granting.length) {
    const grantedBy = await ctx.em.find(RoleAssignment, { id: { $in: granting.map((g) => g.assignmentId) } });
    return { allowed: true, reason: `Allowed on ${words.label} by ${granting.map(describe).join('; ')}`, grantedBy, rolesThatGrant: [] };
  }
  const scope = Place.scope(resolved.place);
  const rolesThatGrant = Object.entries(BUILTIN_ROLES)
    .filter(([, role]) => (role.permissions as readonly string[]).includes(action) && REACHES[scope].includes(role.scope))
    .map(([key]) => key);
  const held = grants.map(describe);
  return {
    allowed: false,
    reason:
      `Denied on ${words.label}: ` +
      (held.length ? `you hold ${held.join('; ')}, none of which grants ${action}` : `you hold no role that reaches here`) +
      `. Roles that grant ${action}: ${rolesThatGrant.join(', ')}`,
    grantedBy: [],
    rolesThatGrant,
  };
}
