import { Args, Ctx, Field, FieldResolver, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { Grant } from '../../../common/authz/decision.js';
import type { SubgraphContext } from '../../../common/context.js';
import { sql } from '../../../common/db/orm.js';
import { unauthenticated } from '../../../../lib/errors.js';
import { ConnectionArgs, keysetSql, PageInfo, pageRequest, toConnection } from '../../../common/pagination.js';
import { OrganizationRef, Principal, principalRef, ServiceAccountRef, TenantRef } from '../refs/refs.js';
import { RoleAssignment } from '../role-assignment/role-assignment.entity.js';

@ObjectType('ViewerOrganizationEdge')
class ViewerOrganizationEdge {
  @Field(() => String) cursor!: string;
  @Field(() => OrganizationRef) node!: OrganizationRef;
  @Field(() => [String], { description: 'Keys of the caller\'s roles that reach this organization, inherited ones included' })
  roles!: string[];
}

@ObjectType('ViewerOrganizationConnection')
class ViewerOrganizationConnection {
  @Field(() => [ViewerOrganizationEdge]) edges!: ViewerOrganizationEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}

@ObjectType('ViewerTenantEdge')
class ViewerTenantEdge {
  @Field(() => String) cursor!: string;
  @Field(() => TenantRef) node!: TenantRef;
  @Field(() => [String], { description: 'Keys of the caller\'s roles that reach this tenant' })
  roles!: string[];
}

@ObjectType('ViewerTenantConnection')
class ViewerTenantConnection {
  @Field(() => [ViewerTenantEdge]) edges!: ViewerTenantEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}

@ObjectType('Viewer', { description: 'The caller: who it is, where it reaches and with which roles' })
export class Viewer {
  @Field(() => Principal)
  principal!: ServiceAccountRef;

  @Field(() => [String], { description: 'Permissions the caller holds on the whole platform' })
  platformPermissions!: string[];
}

interface Row {
  id: string;
  depth: number;
  path: string[];
  organization_id?: string;
}

const uniq = (keys: string[]) => [...new Set(keys)];

/** Orgs and tenants the caller reaches, read from the organizations schema (read-only), keyset-paged. */
async function reachable(ctx: SubgraphContext, kind: 'organization' | 'tenant', args: ConnectionArgs) {
  const page = pageRequest(args, 2);
  const roots = await ctx.authz.readableRoots();
  const grants = await ctx.authz.grants();
  const tenantIds = grants.filter((g) => g.scope === 'TENANT').map((g) => g.tenantId!);
  const keyset = keysetSql(['depth', 'id'], page);
  const source =
    kind === 'organization'
      ? `select o.id, o.depth, o.path from organizations.organization o
          where ?::uuid[] is null or o.id = any(?::uuid[]) or o.path && ?::uuid[]`
      : `select t.id, o.depth, o.path, t.organization_id from organizations.tenant t
           join organizations.organization o on o.id = t.organization_id
          where ?::uuid[] is null or o.id = any(?::uuid[]) or o.path && ?::uuid[] or t.id = any(?::uuid[])`;
  const params = kind === 'organization' ? [roots, roots, roots] : [roots, roots, roots, tenantIds];
  const [rows, [count]] = await Promise.all([
    sql<Row>(ctx.em, `select * from (${source}) s where ${keyset.where} order by ${keyset.orderBy} limit ?`, [...params, ...keyset.params, page.limit + 1]),
    sql<{ n: number }>(ctx.em, `select count(*)::int as n from (${source}) s`, params),
  ]);
  return { connection: toConnection(rows, page, count!.n, (r) => [r.depth, r.id]), grants };
}

function rolesReaching(grants: Grant[], organizationId: string, path: string[], tenantId?: string): string[] {
  return uniq(
    grants
      .filter(
        (g) =>
          g.scope === 'PLATFORM' ||
          (g.scope === 'ORGANIZATION' && (g.organizationId === organizationId || path.includes(g.organizationId!))) ||
          (g.scope === 'TENANT' && tenantId !== undefined && g.tenantId === tenantId),
      )
      .map((g) => g.roleKey),
  );
}

@Resolver(() => Viewer)
export class ViewerResolver {
  @Query(() => Viewer, { description: 'The caller, everything it can reach, and its own role assignments' })
  async me(@Ctx() ctx: SubgraphContext): Promise<Viewer> {
    if (!ctx.principal) throw unauthenticated();
    return {
      principal: principalRef({ id: ctx.principal.id, type: ctx.principal.type }),
      platformPermissions: [...(await ctx.authz.platformPermissions())],
    };
  }

  @FieldResolver(() => [RoleAssignment], { description: 'The caller\'s own assignments' })
  async roleAssignments(@Ctx() ctx: SubgraphContext): Promise<RoleAssignment[]> {
    const ids = (await ctx.authz.grants()).map((g) => g.assignmentId);
    return ids.length ? ctx.em.find(RoleAssignment, { id: { $in: ids } }, { orderBy: { id: 'asc' } }) : [];
  }

  @FieldResolver(() => ViewerOrganizationConnection, { description: 'Every organization the caller can see, inherited reach included; by depth' })
  async organizations(@Root() _viewer: Viewer, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: SubgraphContext) {
    const { connection, grants } = await reachable(ctx, 'organization', args);
    return {
      ...connection,
      edges: connection.edges.map(({ cursor, node }) => ({ cursor, node: { id: node.id }, roles: rolesReaching(grants, node.id, node.path) })),
    };
  }

  @FieldResolver(() => ViewerTenantConnection, { description: 'Every tenant the caller can reach, through its organization or directly' })
  async tenants(@Root() _viewer: Viewer, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: SubgraphContext) {
    const { connection, grants } = await reachable(ctx, 'tenant', args);
    return {
      ...connection,
      edges: connection.edges.map(({ cursor, node }) => ({
        cursor,
        node: { id: node.id },
        roles: rolesReaching(grants, node.organization_id!, node.path, node.id),
      })),
    };
  }
}
