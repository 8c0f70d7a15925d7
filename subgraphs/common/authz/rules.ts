import { GraphQLError } from 'graphql';
import { deny, rule, shield } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { forbidden, notFound, unauthenticated } from '../../../lib/errors.js';
import type { SubgraphContext } from '../context.js';
import type { Permission } from './catalog.js';

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

/** Returned by an `organizationOf` function when the permission is asked of the whole platform. */
export const PLATFORM = Symbol('platform');

/**
 * Allowed when the caller holds `permission` on the organization `organizationOf` names
 * (or on the platform, when it returns PLATFORM).
 * An organization the caller cannot even read answers NOT_FOUND, exactly like an id that
 * does not exist; one it can read but not act on answers FORBIDDEN. Never cached by shield:
 * the decision point memoizes per organization, so two organizations never share an answer.
 */
export function can(permission: Permission, organizationOf: Resolve<string | null | typeof PLATFORM>, what = 'Organization') {
  return rule({ cache: 'no_cache' })(
    guarded(async (parent, args, ctx) => {
      if (!ctx.principal) return unauthenticated();
      const organizationId = await organizationOf(parent, args, ctx);
      if (organizationId === PLATFORM) {
        return (await ctx.authz.canOnPlatform(permission)) ? true : forbidden(`Missing permission ${permission}`);
      }
      if (!organizationId) return notFound(what);
      if (await ctx.authz.can(permission, organizationId)) return true;
      if (permission !== 'organization:read' && (await ctx.authz.can('organization:read', organizationId))) {
        return forbidden(`Missing permission ${permission}`);
      }
      return notFound(what);
    }),
  );
}

/**
 * Allowed when the caller holds `permission` on the tenant `tenantOf` names, through its
 * organization's ancestry or an assignment on the tenant itself. NOT_FOUND when it cannot
 * even read the tenant, FORBIDDEN when it can read but not act.
 */
export function canOnTenant(permission: Permission, tenantOf: Resolve<string | null>) {
  return rule({ cache: 'no_cache' })(
    guarded(async (parent, args, ctx) => {
      if (!ctx.principal) return unauthenticated();
      const tenantId = await tenantOf(parent, args, ctx);
      if (!tenantId) return notFound('Tenant');
      if (await ctx.authz.canOnTenant(permission, tenantId)) return true;
      if (permission !== 'tenant:read' && (await ctx.authz.canOnTenant('tenant:read', tenantId))) {
        return forbidden(`Missing permission ${permission}`);
      }
      return notFound('Tenant');
    }),
  );
}

/** Allowed when the caller holds `permission` on the whole platform. */
export function canOnPlatform(permission: Permission) {
  return rule({ cache: 'no_cache' })(
    guarded(async (_p, _a, ctx) => {
      if (!ctx.principal) return unauthenticated();
      return (await ctx.authz.canOnPlatform(permission)) ? true : forbidden(`Missing permission ${permission}`);
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
