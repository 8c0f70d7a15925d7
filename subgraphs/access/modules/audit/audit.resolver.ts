import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Place } from '../../../common/authz/decision.js';
import type { SubgraphContext } from '../../../common/context.js';
import { ConnectionArgs, type Connection } from '../../../common/pagination.js';
import { OrganizationRef } from '../organization/organization.type.js';
import { Principal, principalRef, ServiceAccountRef } from '../principal/principal.type.js';
import { listAuditEvents } from './audit.service.js';
import { AuditEvent, AuditEventConnection } from './audit.type.js';

@Resolver(() => AuditEvent)
export class AuditEventResolver {
  @Query(() => AuditEventConnection, { description: 'Changes in an organization and every organization below it, newest first' })
  auditEvents(
    @Arg('organizationId', () => ID) organizationId: string,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() ctx: SubgraphContext,
  ): Promise<Connection<AuditEvent>> {
    return listAuditEvents(ctx, organizationId, args);
  }

  @FieldResolver(() => Principal, { nullable: true, description: 'Who made the change; null for the system (bootstrap)' })
  actor(@Root() event: AuditEvent): ServiceAccountRef | null {
    return event.actorId && event.actorType ? principalRef({ id: event.actorId, type: event.actorType as 'service_account' }) : null;
  }

  @FieldResolver(() => OrganizationRef, { nullable: true, description: 'Null once deleted, or when the caller may not see it' })
  async organization(@Root() event: AuditEvent, @Ctx() ctx: SubgraphContext): Promise<OrganizationRef | null> {
    const id = event.organizationId;
    return id && (await ctx.authz.can('organization:read', Place.organization(id))) ? { id } : null;
  }
}
