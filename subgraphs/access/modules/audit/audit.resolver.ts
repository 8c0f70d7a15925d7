import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Args, Ctx, Field, FieldResolver, ID, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { SubgraphContext } from '../../../common/context.js';
import { sql } from '../../../common/db/orm.js';
import { parseId } from '../../../common/ids.js';
import { ConnectionArgs, connectionType, keysetSql, pageRequest, toConnection, type Connection } from '../../../common/pagination.js';
import { OrganizationRef, Principal, principalRef, ServiceAccountRef } from '../refs/refs.js';

@ObjectType('AuditEvent', { description: 'One change, recorded in the same transaction as the change itself' })
export class AuditEvent {
  @Field(() => ID) id!: string;
  @Field(() => Date) occurredAt!: Date;
  @Field(() => String, { nullable: true, description: 'The request that made the change (x-request-id)' }) requestId!: string | null;
  @Field(() => String, { description: '<type>.<verb>, e.g. organization.move' }) action!: string;
  @Field(() => String) targetType!: string;
  @Field(() => ID, { nullable: true }) targetId!: string | null;
  @Field(() => GraphQLJSONObject, { description: 'What changed; secrets never appear' }) changes!: Record<string, unknown>;
  actorId!: string | null;
  actorType!: string | null;
  organizationId!: string | null;
}

export const AuditEventConnection = connectionType(AuditEvent, 'AuditEvent');

interface EventRow {
  id: string;
  occurred_at: string;
  request_id: string | null;
  actor_id: string | null;
  actor_type: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  organization_id: string | null;
  changes: Record<string, unknown>;
}

const toEvent = (row: EventRow): AuditEvent => ({
  id: row.id,
  occurredAt: new Date(row.occurred_at),
  requestId: row.request_id,
  action: row.action,
  targetType: row.target_type,
  targetId: row.target_id,
  changes: row.changes,
  actorId: row.actor_id,
  actorType: row.actor_type,
  organizationId: row.organization_id,
});

@Resolver(() => AuditEvent)
export class AuditEventResolver {
  @Query(() => AuditEventConnection, { description: 'Changes in an organization and every organization below it, newest first' })
  async auditEvents(
    @Arg('organizationId', () => ID) organizationId: string,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() ctx: SubgraphContext,
  ): Promise<Connection<AuditEvent>> {
    const orgId = parseId(organizationId, 'organizationId');
    const page = pageRequest(args, 1);
    const keyset = keysetSql(['id'], page, 'desc');
    // organization_path holds the organization itself and its ancestors at the time of the event.
    const filter = `?::uuid = any(organization_path)`;
    const [rows, [count]] = await Promise.all([
      sql<EventRow>(ctx.em, `select * from audit.event where ${filter} and ${keyset.where} order by ${keyset.orderBy} limit ?`, [orgId, ...keyset.params, page.limit + 1]),
      sql<{ n: number }>(ctx.em, `select count(*)::int as n from audit.event where ${filter}`, [orgId]),
    ]);
    return toConnection(rows.map(toEvent), page, count!.n, (e) => [e.id]);
  }

  @FieldResolver(() => Principal, { nullable: true, description: 'Who made the change; null for the system (bootstrap)' })
  actor(@Root() event: AuditEvent): ServiceAccountRef | null {
    return event.actorId && event.actorType ? principalRef({ id: event.actorId, type: event.actorType as 'service_account' }) : null;
  }

  @FieldResolver(() => OrganizationRef, { nullable: true, description: 'Null once deleted, or when the caller may not see it' })
  async organization(@Root() event: AuditEvent, @Ctx() ctx: SubgraphContext): Promise<OrganizationRef | null> {
    const id = event.organizationId;
    return id && (await ctx.authz.can('organization:read', id)) ? { id } : null;
  }
}
