import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { SubgraphContext } from '../../../common/context.js';
import { found } from '../../../../lib/errors.js';
import { parseId } from '../../../common/ids.js';
import { ConnectionArgs, type Connection } from '../../../common/pagination.js';
import { Organization } from './organization.entity.js';
import { CreateOrganizationInput, DescendantsArgs, OrganizationsArgs, UpdateOrganizationInput } from './organization.input.js';
import { childrenOf, descendantsOf, organizationById } from './organization.loaders.js';
import { OrganizationConnection } from './organization.type.js';
import * as service from './organization.service.js';

@Resolver(() => Organization)
export class OrganizationResolver {
  @Query(() => Organization, { nullable: true, description: 'NOT_FOUND both when it does not exist and when the caller may not see it' })
  async organization(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext): Promise<Organization> {
    return found(await organizationById(ctx).load(parseId(id, 'id')), 'Organization');
  }

  @Query(() => OrganizationConnection, { description: 'Every organization the caller can see, inherited reach included' })
  organizations(@Args(() => OrganizationsArgs) args: OrganizationsArgs, @Ctx() ctx: SubgraphContext): Promise<Connection<Organization>> {
    return service.listOrganizations(ctx, args);
  }

  @FieldResolver(() => Organization, { nullable: true, description: 'Null for a root, and when the caller may not see the parent' })
  parent(@Root() organization: Organization, @Ctx() ctx: SubgraphContext): Promise<Organization | null> {
    return service.visibleParent(ctx, organization);
  }

  @FieldResolver(() => [Organization], { description: 'Root first (breadcrumbs); only those the caller may see' })
  ancestors(@Root() organization: Organization, @Ctx() ctx: SubgraphContext): Promise<Organization[]> {
    return service.visibleAncestors(ctx, organization);
  }

  @FieldResolver(() => OrganizationConnection)
  children(@Root() organization: Organization, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: SubgraphContext) {
    return childrenOf(ctx, args).load(organization.id);
  }

  @FieldResolver(() => OrganizationConnection, { description: 'Ordered by depth, then label' })
  descendants(@Root() organization: Organization, @Args(() => DescendantsArgs) args: DescendantsArgs, @Ctx() ctx: SubgraphContext) {
    return descendantsOf(ctx, args).load(organization.id);
  }

  @Mutation(() => Organization)
  createOrganization(@Arg('input', () => CreateOrganizationInput) input: CreateOrganizationInput, @Ctx() ctx: SubgraphContext) {
    return service.createOrganization(ctx, input);
  }

  @Mutation(() => Organization)
  updateOrganization(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateOrganizationInput) input: UpdateOrganizationInput,
    @Ctx() ctx: SubgraphContext,
  ) {
    return service.updateOrganization(ctx.em, ctx, id, input);
  }

  @Mutation(() => Organization, { description: 'Moves the organization and its whole subtree; parentId null makes it a root' })
  moveOrganization(
    @Arg('id', () => ID) id: string,
    @Arg('parentId', () => ID, { nullable: true }) parentId: string | null,
    @Ctx() ctx: SubgraphContext,
  ) {
    return service.moveOrganization(ctx.em, ctx, id, parentId ?? null);
  }

  @Mutation(() => Organization)
  setDeleteProtection(@Arg('id', () => ID) id: string, @Arg('enabled', () => Boolean) enabled: boolean, @Ctx() ctx: SubgraphContext) {
    return service.setDeleteProtection(ctx.em, ctx, id, enabled);
  }

  @Mutation(() => ID, { description: 'Refused (CONFLICT) while delete protection is on or while it has child organizations' })
  deleteOrganization(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return service.deleteOrganization(ctx.em, ctx, id);
  }
}
