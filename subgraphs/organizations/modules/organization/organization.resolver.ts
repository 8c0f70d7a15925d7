import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { SubgraphContext } from '../../../common/context.js';
import { sql } from '../../../common/db/orm.js';
import { notFound } from '../../../../lib/errors.js';
import { isUuid, parseId, parseOptionalId } from '../../../common/ids.js';
import { connectionType, ConnectionArgs, keysetSql, pageRequest, toConnection, type Connection } from '../../../common/pagination.js';
import { Organization } from './organization.entity.js';
import { CreateOrganizationInput, DescendantsArgs, OrganizationsArgs, UpdateOrganizationInput } from './organization.input.js';
import { ancestorsOf, childrenOf, descendantsOf, organizationById, organizationKey, ORGANIZATION_ORDER, primeDecisions } from './organization.loaders.js';
import * as service from './organization.service.js';
import { ownership } from './ownership.js';

export const OrganizationConnection = connectionType(Organization, 'Organization');

/** Organizations the caller may see, in one batch with the rest of the request's decisions. */
async function visible(ctx: SubgraphContext, organizations: Organization[]): Promise<Organization[]> {
  const allowed = await Promise.all(organizations.map((o) => ctx.authz.can('organization:read', o.id)));
  return organizations.filter((_, i) => allowed[i]);
}

@Resolver(() => Organization)
export class OrganizationResolver {
  @Query(() => Organization, { nullable: true, description: 'NOT_FOUND both when it does not exist and when the caller may not see it' })
  async organization(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext): Promise<Organization> {
    const organization = await organizationById(ctx).load(parseId(id, 'id'));
    if (!organization) throw notFound('Organization');
    return organization;
  }

  @Query(() => OrganizationConnection, { description: 'Every organization the caller can see, inherited reach included' })
  async organizations(@Args(() => OrganizationsArgs) args: OrganizationsArgs, @Ctx() ctx: SubgraphContext): Promise<Connection<Organization>> {
    const page = pageRequest(args, ORGANIZATION_ORDER.length);
    const parentId = parseOptionalId(args.parentId, 'parentId');
    const roots = await ctx.authz.readableRoots();
    const search = args.search?.trim() ? `%${args.search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    const filter = `(?::uuid[] is null or o.id = any(?::uuid[]) or o.path && ?::uuid[])
                and (?::uuid is null or o.parent_id = ?::uuid)
                and (?::text is null or o.name ilike ? or o.label ilike ?)`;
    const filterParams = [roots, roots, roots, parentId, parentId, search, search, search];
    const keyset = keysetSql(ORGANIZATION_ORDER, page);
    const [rows, [count]] = await Promise.all([
      sql(ctx.em, `select o.* from organizations.organization o where ${filter} and ${keyset.where} order by ${keyset.orderBy} limit ?`, [
        ...filterParams,
        ...keyset.params,
        page.limit + 1,
      ]),
      sql<{ n: number }>(ctx.em, `select count(*)::int as n from organizations.organization o where ${filter}`, filterParams),
    ]);
    return toConnection(primeDecisions(ctx, rows.map((r) => ctx.em.map(Organization, r))), page, count!.n, organizationKey);
  }

  @FieldResolver(() => Organization, { nullable: true, description: 'Null for a root, and when the caller may not see the parent' })
  async parent(@Root() organization: Organization, @Ctx() ctx: SubgraphContext): Promise<Organization | null> {
    if (!organization.parentId) return null;
    const parent = await organizationById(ctx).load(organization.parentId);
    return parent && (await ctx.authz.can('organization:read', parent.id)) ? parent : null;
  }

  @FieldResolver(() => [Organization], { description: 'Root first (breadcrumbs); only those the caller may see' })
  async ancestors(@Root() organization: Organization, @Ctx() ctx: SubgraphContext): Promise<Organization[]> {
    return visible(ctx, await ancestorsOf(ctx).load(organization.id));
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
  async createOrganization(@Arg('input', () => CreateOrganizationInput) input: CreateOrganizationInput, @Ctx() ctx: SubgraphContext) {
    const ownerId = parseOptionalId(input.ownerId, 'ownerId');
    const organization = await service.createOrganization(ctx.em, ctx, input);
    if (ownerId) {
      try {
        await ownership(ctx).grantOwner(ctx, organization.id, ownerId);
      } catch (error) {
        // Nothing can hang below an organization this young: taking it back leaves no trace.
        await service.undoCreateOrganization(ctx.em.fork(), ctx, organization.id);
        throw error;
      }
    }
    return organization;
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

/** Federation: the gateway asks for organizations by id; the ones the caller may not see resolve to null. */
export async function resolveOrganizationReference(reference: { id: string }, ctx: SubgraphContext): Promise<Organization | null> {
  if (!isUuid(reference.id)) return null;
  const id = reference.id;
  const organization = await organizationById(ctx).load(id);
  return organization && (await ctx.authz.can('organization:read', id)) ? organization : null;
}
