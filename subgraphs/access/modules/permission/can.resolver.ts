import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { SubgraphContext } from '../../../common/context.js';
import { explain } from './can.service.js';
import { AccessDecision } from './can.type.js';

@Resolver()
export class CanResolver {
  @Query(() => AccessDecision, {
    description: 'May the caller perform `action` on the organization or tenant (the platform when neither is given), and why',
  })
  can(
    @Arg('action', () => String) action: string,
    @Arg('organizationId', () => ID, { nullable: true }) organizationId: string | null,
    @Arg('tenantId', () => ID, { nullable: true }) tenantId: string | null,
    @Ctx() ctx: SubgraphContext,
  ): Promise<AccessDecision> {
    return explain(ctx, action, organizationId, tenantId);
  }
}
