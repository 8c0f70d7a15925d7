import { Arg, Ctx, Field, ID, ObjectType, Query, Resolver } from 'type-graphql';
import { BUILTIN_ROLES, isPermission, type Permission, type Scope } from '../../../common/authz/catalog.js';
import { visiblePlace, type Grant } from '../../../common/authz/decision.js';
import type { SubgraphContext } from '../../../common/context.js';
import { sql } from '../../../common/db/orm.js';
import { badInput } from '../../../../lib/errors.js';
import { parseOptionalId } from '../../../common/ids.js';
import { RoleAssignment } from '../role-assignment/role-assignment.entity.js';

@ObjectType('AccessDecision', { description: 'Whether the caller may perform an action somewhere, and why' })
export class AccessDecision {
  @Field(() => Boolean)
  allowed!: boolean;

  @Field(() => String, { description: 'In words: the granting roles and the inheritance path, or what is missing' })
  reason!: string;

  @Field(() => [RoleAssignment], { description: 'The caller\'s assignments that grant the action here' })
  grantedBy!: RoleAssignment[];

  @Field(() => [String], { description: 'When denied: the built-in roles that would grant it here' })
  rolesThatGrant!: string[];
}

/** Assignments at these scopes reach a target at the key's scope. */
const REACHES: Record<Scope, Scope[]> = {
  PLATFORM: ['PLATFORM'],
  ORGANIZATION: ['PLATFORM', 'ORGANIZATION'],
  TENANT: ['PLATFORM', 'ORGANIZATION', 'TENANT'],
};

interface Place {
  label: string;
  /** Names from the root down to the target, for "Acme/EU/Berlin". */
  trail: string[];
  /** Organization id -> name along the path. */
  names: Map<string, string>;
}

async function placeOf(ctx: SubgraphContext, organizationId: string | null, tenantId: string | null): Promise<Place> {
  if (!organizationId) return { label: 'the platform', trail: [], names: new Map() };
  const path = (await ctx.authz.ancestry(organizationId)) ?? [];
  const ids = [...path, organizationId];
  const rows = await sql<{ id: string; name: string }>(ctx.em, `select id, name from organizations.organization where id = any(?::uuid[])`, [ids]);
  const names = new Map(rows.map((r) => [r.id, r.name]));
  const trail = ids.map((id) => names.get(id) ?? id);
  let label = trail.join('/');
  if (tenantId) {
    const [tenant] = await sql<{ name: string }>(ctx.em, `select name from organizations.tenant where id = ?`, [tenantId]);
    label = `tenant ${tenant?.name ?? tenantId} of ${label}`;
  }
  return { label, trail, names };
}

function describeGrant(grant: Grant, place: Place, organizationId: string | null, tenantId: string | null): string {
  if (grant.scope === 'PLATFORM') return `${grant.roleKey} on the platform`;
  if (grant.scope === 'TENANT') return `${grant.roleKey} on this tenant`;
  const holder = place.names.get(grant.organizationId!) ?? grant.organizationId!;
  const direct = grant.organizationId === organizationId && !tenantId;
  return direct ? `${grant.roleKey} on ${holder}` : `${grant.roleKey} on ${holder}, inherited by ${place.label}`;
}

@Resolver()
export class CanResolver {
  @Query(() => AccessDecision, {
    description: 'May the caller perform `action` on the organization or tenant (the platform when neither is given), and why',
  })
  async can(
    @Arg('action', () => String) action: string,
    @Arg('organizationId', () => ID, { nullable: true }) organizationIdArg: string | null,
    @Arg('tenantId', () => ID, { nullable: true }) tenantIdArg: string | null,
    @Ctx() ctx: SubgraphContext,
  ): Promise<AccessDecision> {
    if (!isPermission(action)) throw badInput('action', `Unknown action "${action}"; actions are resource:action pairs from the catalog`);
    const { organizationId, tenantId } = await visiblePlace(
      ctx.authz,
      parseOptionalId(organizationIdArg, 'organizationId'),
      parseOptionalId(tenantIdArg, 'tenantId'),
    );

    const grants = tenantId
      ? await ctx.authz.grantsOnTenant(tenantId)
      : organizationId
        ? await ctx.authz.grantsOn(organizationId)
        : (await ctx.authz.grants()).filter((g) => g.scope === 'PLATFORM');
    const granting = grants.filter((g) => g.permissions.has(action as Permission));
    const place = await placeOf(ctx, organizationId, tenantId);
    const grantedBy = granting.length ? await ctx.em.find(RoleAssignment, { id: { $in: granting.map((g) => g.assignmentId) } }) : [];
    const scope: Scope = tenantId ? 'TENANT' : organizationId ? 'ORGANIZATION' : 'PLATFORM';
    const rolesThatGrant = Object.entries(BUILTIN_ROLES)
      .filter(([, role]) => (role.permissions as readonly string[]).includes(action) && REACHES[scope].includes(role.scope))
      .map(([key]) => key);

    if (granting.length) {
      return {
        allowed: true,
        reason: `Allowed on ${place.label} by ${granting.map((g) => describeGrant(g, place, organizationId, tenantId)).join('; ')}`,
        grantedBy,
        rolesThatGrant: [],
      };
    }
    const held = grants.map((g) => describeGrant(g, place, organizationId, tenantId));
    return {
      allowed: false,
      reason:
        `Denied on ${place.label}: ` +
        (held.length ? `you hold ${held.join('; ')}, none of which grants ${action}` : `you hold no role that reaches here`) +
        `. Roles that grant ${action}: ${rolesThatGrant.join(', ')}`,
      grantedBy: [],
      rolesThatGrant,
    };
  }
}
