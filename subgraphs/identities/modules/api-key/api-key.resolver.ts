import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { Place } from '../../../common/authz/decision.js';
import { PermissionCheck, permissionChecks } from '../../../common/authz/permissions.js';
import type { SubgraphContext } from '../../../common/context.js';
import { parseId } from '../../../common/ids.js';
import { ConnectionArgs } from '../../../common/pagination.js';
import { unauthenticated } from '../../../../lib/errors.js';
import { ServiceAccount } from '../service-account/service-account.entity.js';
import { CreateApiKeyInput } from './api-key.input.js';
import { apiKeysOf, organizationOfApiKey } from './api-key.loaders.js';
import * as service from './api-key.service.js';
import { ApiKey, ApiKeyConnection, CreateApiKeyPayload } from './api-key.type.js';

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @FieldResolver(() => [PermissionCheck], { description: 'What the caller may do with this key' })
  async permissions(@Root() key: ApiKey, @Ctx() ctx: SubgraphContext) {
    const organizationId = await organizationOfApiKey(ctx, key);
    return permissionChecks(ctx, 'ApiKey', organizationId ? Place.organization(organizationId) : Place.platform);
  }

  @Mutation(() => CreateApiKeyPayload, { description: 'The secret is in this response only' })
  createApiKey(@Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() ctx: SubgraphContext) {
    const holder: service.KeyHolder | null = input.serviceAccountId
      ? { principalType: 'service_account', principalId: parseId(input.serviceAccountId, 'serviceAccountId') }
      : ctx.principal && { principalType: ctx.principal.type, principalId: ctx.principal.id };
    if (!holder) throw unauthenticated();
    return service.createApiKey(ctx.em, ctx, holder, input);
  }

  @Mutation(() => ID, { description: 'The key stops working on the next request' })
  revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return service.revokeApiKey(ctx.em, ctx, id);
  }
}

@Resolver(() => ServiceAccount)
export class ServiceAccountApiKeysResolver {
  @FieldResolver(() => ApiKeyConnection, { description: 'Keys not revoked, oldest first; secrets are never readable' })
  apiKeys(@Root() account: ServiceAccount, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: SubgraphContext) {
    return apiKeysOf(ctx, args).load(account.id);
  }
}
