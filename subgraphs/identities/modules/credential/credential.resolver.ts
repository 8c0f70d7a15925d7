import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { PermissionCheck, permissionChecks } from '../../../common/authz/permissions.js';
import { notFound } from '../../../../lib/errors.js';
import { serviceAccountById } from '../service-account/service-account.loaders.js';
import type { SubgraphContext } from '../../../common/context.js';
import { ServiceAccountCredential, ServiceAccountCredentialWithSecret } from './credential.entity.js';
import { CreateServiceAccountCredentialInput } from './credential.input.js';
import * as service from './credential.service.js';

@Resolver(() => ServiceAccountCredential)
export class CredentialResolver {
  @FieldResolver(() => [PermissionCheck], { description: 'What the caller may do with this credential' })
  async permissions(@Root() credential: ServiceAccountCredential, @Ctx() ctx: SubgraphContext) {
    const account = await serviceAccountById(ctx).load(credential.serviceAccountId);
    if (!account) throw notFound('ServiceAccountCredential');
    return permissionChecks(ctx, 'ServiceAccountCredential', { organizationId: account.organizationId });
  }

  @Mutation(() => ServiceAccountCredentialWithSecret, { description: 'The secret is in this response only' })
  createServiceAccountCredential(
    @Arg('serviceAccountId', () => ID) serviceAccountId: string,
    @Arg('input', () => CreateServiceAccountCredentialInput, { nullable: true }) input: CreateServiceAccountCredentialInput | null,
    @Ctx() ctx: SubgraphContext,
  ) {
    return service.createCredential(ctx.em, ctx, serviceAccountId, input ?? {});
  }

  @Mutation(() => ServiceAccountCredentialWithSecret, { description: 'A new secret for the same client id; the old secret stops working at once' })
  rotateServiceAccountCredential(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return service.rotateCredential(ctx.em, ctx, id);
  }

  @Mutation(() => ID)
  deleteServiceAccountCredential(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return service.deleteCredential(ctx.em, ctx, id);
  }
}
