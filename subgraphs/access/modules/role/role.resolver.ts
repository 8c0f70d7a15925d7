import { Arg, ID, Query, Resolver } from 'type-graphql';
import { parseOptionalId } from '../../../common/ids.js';
import { builtinRoles, Role, Scope } from './role.type.js';

@Resolver(() => Role)
export class RoleResolver {
  @Query(() => [Role], { description: 'Roles that can be assigned in an organization (all of them on the platform), optionally of one scope' })
  roles(
    @Arg('organizationId', () => ID, { nullable: true }) organizationId: string | null,
    @Arg('scope', () => Scope, { nullable: true }) scope: Scope | null,
  ): Role[] {
    const orgId = parseOptionalId(organizationId, 'organizationId');
    return builtinRoles().filter((r) => (!scope || r.scope === scope) && (!orgId || r.scope !== 'PLATFORM'));
  }
}
