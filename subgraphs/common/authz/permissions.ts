import { Directive, Field, ObjectType } from 'type-graphql';
import type { SubgraphContext } from '../context.js';
import { permissionsOn } from './catalog.js';
import type { Place } from './decision.js';

@ObjectType('Permission', { description: 'One catalog action and whether the caller may perform it on this object' })
@Directive('@shareable')
export class PermissionCheck {
  @Field(() => String, { description: 'resource:action, e.g. organization:update' })
  action!: string;

  @Field(() => Boolean)
  allowed!: boolean;
}

/**
 * The `permissions` field of any type: every catalog action that applies to `typeName`,
 * answered for the caller where the object lives. A new type needs one field resolver
 * calling this, and its name in the catalog's `on` lists.
 */
export async function permissionChecks(ctx: SubgraphContext, typeName: string, place: Place): Promise<PermissionCheck[]> {
  const held = ctx.authz.permissionsNow(place) ?? (await ctx.authz.permissions(place));
  // Places the same grants reach share one set (DecisionPoint), and so one answer per type.
  let byType = answered.get(held);
  if (!byType) answered.set(held, (byType = new Map()));
  let checks = byType.get(typeName);
  if (!checks) byType.set(typeName, (checks = permissionsOn(typeName).map((action) => ({ action, allowed: held.has(action) }))));
  return checks;
}

const answered = new WeakMap<ReadonlySet<string>, Map<string, PermissionCheck[]>>();
