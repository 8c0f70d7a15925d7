import { defaultFieldResolver, GraphQLError, isIntrospectionType, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { allow, deny, rule, shield } from 'graphql-shield';
import type { IRule, IRules } from 'graphql-shield';
import { forbidden, notFound, unauthenticated } from '../../../lib/errors.js';
import type { SubgraphContext } from '../context.js';
import type { Permission } from './catalog.js';
import { readPermission, type Place } from './decision.js';

type Resolve<T> = (parent: any, args: any, ctx: SubgraphContext) => T | Promise<T>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Expected outcomes (bad input, not found) are returned so shield reports them; anything else denies. */
function guarded(check: Resolve<boolean | Error>) {
  return async (parent: unknown, args: unknown, ctx: SubgraphContext) => {
    try {
      return await check(parent, args, ctx);
    } catch (error) {
      if (error instanceof GraphQLError) return error;
      console.error('authorization rule failed', error);
      return false;
    }
  };
}

/** A rule, or a logic rule (and, or, allow...), as graphql-shield takes them. */
type ShieldRule = Exclude<IRules, Record<string, unknown>> | IRule;

type Decider = (parent: any, ctx: SubgraphContext) => boolean | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any
const deciders = new WeakMap<object, Decider>();

/**
 * Teaches the guard a rule's answer for the cases it knows synchronously, from what the request
 * has already read. `decide` must return true exactly when the rule would, or undefined when it
 * cannot tell yet (never false: a denial always goes through the rule, for its error).
 */
function knownWithoutWaiting(ruleObject: object, decide: Decider): void {
  deciders.set(ruleObject, decide);
}

export const isAuthenticated = rule({ cache: 'contextual' })(
  guarded((_p, _a, ctx) => (ctx.principal ? true : unauthenticated())),
);
knownWithoutWaiting(isAuthenticated, (_parent, ctx) => ctx.principal !== null);

/** `_entities` and `_service`: only the gateway, proven by the internal credential. */
export const isGateway = rule({ cache: 'contextual' })(guarded((_p, _a, ctx) => (ctx.internal ? true : forbidden())));

/**
 * Allowed when the caller holds `permission` at the place `placeOf` names. A place the
 * caller cannot even see answers NOT_FOUND, exactly like one that does not exist (null from
 * `placeOf`); one it can see but not act on answers FORBIDDEN. Never cached by shield: the
 * decision point memoizes per place, so two organizations never share an answer.
 */
export function can(permission: Permission, placeOf: Resolve<Place | null>, what?: string) {
  const decide = rule({ cache: 'no_cache' })(
    guarded(async (parent, args, ctx) => {
      if (!ctx.principal) return unauthenticated();
      const place = await placeOf(parent, args, ctx);
      const missing = what ?? (place?.kind === 'tenant' ? 'Tenant' : 'Organization');
      if (!place) return notFound(missing);
      if (await ctx.authz.can(permission, place)) return true;
      const read = readPermission(place);
      if (!read || (permission !== read && (await ctx.authz.can(read, place)))) return forbidden(`Missing permission ${permission}`);
      return notFound(missing);
    }),
  );
  // On an object, the place comes from the object itself: once the caller's grants and the
  // place's ancestry are read, the answer is known without waiting. A place that must be
  // looked up (a promise) always takes the rule's own path.
  let placeIsLookedUp = false;
  knownWithoutWaiting(decide, (parent, ctx) => {
    if (!ctx.principal || placeIsLookedUp) return undefined;
    const place = placeOf(parent, {}, ctx);
    if (place instanceof Promise) {
      placeIsLookedUp = true;
      place.catch(() => undefined);
      return undefined;
    }
    return place ? ctx.authz.canNow(permission, place) : undefined;
  });
  return decide;
}

/** The federation plumbing every subgraph needs answered, for the gateway only. */
export const federationRules: IRules = {
  Query: { _entities: isGateway, _service: isGateway },
  _Service: { sdl: isGateway },
};

/** Deny by default, keep resolvers' own error codes, never leak a rule's exception. */
export function permissions(rules: IRules) {
  return shield(rules, {
    fallbackRule: deny,
    fallbackError: () => forbidden(),
    allowExternalErrors: true,
    debug: false,
  });
}

/** True when the rule is known to allow on this object now; false when only evaluating it can tell. */
function allowsNow(ruleObject: ShieldRule, parent: unknown, ctx: SubgraphContext): boolean {
  if (ruleObject === allow) return true;
  const decide = deciders.get(ruleObject);
  if (decide) return decide(parent, ctx) === true;
  const kind = (ruleObject as object).constructor?.name;
  const children = (ruleObject as { getRules?: () => ShieldRule[] }).getRules?.() ?? [];
  if (kind === 'RuleOr' || kind === 'RuleRace') return children.some((child) => allowsNow(child, parent, ctx));
  if (kind === 'RuleAnd' || kind === 'RuleChain') return children.length > 0 && children.every((child) => allowsNow(child, parent, ctx));
  return false;
}

/** The rule graphql-shield applies to a field: the field's own, the type's wildcard or whole-type rule, else the fallback (deny). */
function ruleOf(rules: IRules, typeName: string, fieldName: string): ShieldRule {
  const typeRules = (rules as Record<string, unknown>)[typeName];
  if (!typeRules) return deny;
  if ((typeRules as object).constructor === Object) {
    const fields = typeRules as Record<string, ShieldRule>;
    return fields[fieldName] ?? fields['*'] ?? deny;
  }
  return typeRules as ShieldRule;
}

/**
 * graphql-shield on every field of the schema, deny by default, with two shortcuts that give
 * the same answers as the rules: a field whose rule is `allow` runs its resolver directly, and
 * a field of an object type whose rule is already known to allow on that object (the caller's
 * grants and the object's place are read, see DecisionPoint.canNow) runs its resolver without
 * the rule's asynchronous round. Root fields (Query, Mutation), whose rules read arguments, and
 * every case not known to allow, go through graphql-shield as before. Without the shortcuts a
 * list of a thousand organizations cost several promises per scalar field.
 */
export function guardSchema(schema: GraphQLSchema, rules: IRules): GraphQLSchema {
  const guarded = applyMiddleware(schema, permissions(rules));
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean).map((type) => type!.name));
  for (const type of Object.values(guarded.getTypeMap())) {
    if (!isObjectType(type) || isIntrospectionType(type)) continue;
    const originals = (schema.getType(type.name) as typeof type).getFields();
    for (const [name, field] of Object.entries(type.getFields())) {
      const fieldRule = ruleOf(rules, type.name, name);
      const original: GraphQLFieldResolver<unknown, SubgraphContext> = originals[name]?.resolve ?? defaultFieldResolver;
      if (fieldRule === allow) {
        field.resolve = original;
        continue;
      }
      if (roots.has(type.name)) continue;
      const shielded = field.resolve!;
      field.resolve = (parent, args, ctx: SubgraphContext, info) =>
        allowsNow(fieldRule, parent, ctx) ? original(parent, args, ctx, info) : shielded(parent, args, ctx, info);
    }
  }
  return guarded;
}
