import { GraphQLError } from 'graphql';
import { deny, rule, shield } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
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

export const isAuthenticated = rule({ cache: 'contextual' })(
  guarded((_p, _a, ctx) => (ctx.principal ? true : unauthenticated())),
);

/** `_entities` and `_service`: only the gateway, proven by the internal credential. */
export const isGateway = rule({ cache: 'contextual' })(guarded((_p, _a, ctx) => (ctx.internal ? true : forbidden())));

/**
 * Allowed when the caller holds `permission` at the place `placeOf` names. A place the
 * caller cannot even see answers NOT_FOUND, exactly like one that does not exist (null from
 * `placeOf`); one it can see but not act on answers FORBIDDEN. Never cached by shield: the
 * decision point memoizes per place, so two organizations never share an answer.
 */
export function can(permission: Permission, placeOf: Resolve<Place | null>, what?: string) {
  return rule({ cache: 'no_cache' })(
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
