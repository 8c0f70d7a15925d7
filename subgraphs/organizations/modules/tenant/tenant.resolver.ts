import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Place } from '../../../common/authz/decision.js';
import { PermissionCheck, permissionChecks } from '../../../common/authz/permissions.js';
import type { SubgraphContext } from '../../../common/context.js';
import { found } from '../../../../lib/errors.js';
import { parseId } from '../../../common/ids.js';
import { ConnectionArgs } from '../../../common/pagination.js';
import { Organization } from '../organization/organization.entity.js';
import { Tenant } from './tenant.entity.js';
import { CreateTenantInput, UpdateTenantInput } from './tenant.input.js';
import { tenantById, tenantsOf } from './tenant.loaders.js';
import { TenantConnection } from './tenant.type.js';
import * as service from './tenant.service.js';

@Resolver(() => Tenant)
export class TenantResolver {
  @Query(() => Tenant, { nullable: true, description: 'NOT_FOUND both when it does not exist and when the caller may not see it' })
  async tenant(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext): Promise<Tenant> {
    return found(await tenantById(ctx).load(parseId(id, 'id')), 'Tenant');
  }

  @FieldResolver(() => Organization, { nullable: true, description: 'Null when the caller reaches this tenant but not its organization' })
  organization(@Root() tenant: Tenant, @Ctx() ctx: SubgraphContext): Promise<Organization | null> {
    return service.visibleOrganization(ctx, tenant);
  }

  @FieldResolver(() => [PermissionCheck], { description: 'What the caller may do with this tenant' })
  permissions(@Root() tenant: Tenant, @Ctx() ctx: SubgraphContext) {
    return permissionChecks(ctx, 'Tenant', Place.tenant(tenant.id));
  }

  @Mutation(() => Tenant)
  createTenant(
    @Arg('organizationId', () => ID) organizationId: string,
    @Arg('input', () => CreateTenantInput) input: CreateTenantInput,
    @Ctx() ctx: SubgraphContext,
  ) {
    return service.createTenant(ctx.em, ctx, organizationId, input);
  }

  @Mutation(() => Tenant)
  updateTenant(@Arg('id', () => ID) id: string, @Arg('input', () => UpdateTenantInput) input: UpdateTenantInput, @Ctx() ctx: SubgraphContext) {
    return service.updateTenant(ctx.em, ctx, id, input);
  }

  @Mutation(() => ID)
  deleteTenant(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return service.deleteTenant(ctx.em, ctx, id);
  }
}

@Resolver(() => Organization)
export class OrganizationTenantsResolver {
  @FieldResolver(() => TenantConnection)
  tenants(@Root() organization: Organization, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: SubgraphContext) {
    return tenantsOf(ctx, args).load(organization.id);
  }
}
