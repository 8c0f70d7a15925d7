import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { Place } from '../../../common/authz/decision.js';
import { PermissionCheck, permissionChecks } from '../../../common/authz/permissions.js';
import { found } from '../../../../lib/errors.js';
import { organizationOfServiceAccount } from '../service-account/service-account.loaders.js';
import type { SubgraphContext } from '../../../common/context.js';
import { ServiceAccountCredential, ServiceAccountCredentialWithSecret } from './credential.type.js';
import { CreateServiceAccountCredentialInput } from './credential.input.js';
import * as service from './credential.service.js';

@Resolver(() => ServiceAccountCredential)
export class CredentialResolver {
  @FieldResolver(() => [PermissionCheck], { description: 'What the caller may do with this credential' })
  async permissions(@Root() credential: ServiceAccountCredential, @Ctx() ctx: SubgraphContext) {
    const organizationId = found(await organizationOfServiceAccount(ctx, credential.serviceAccountId), 'ServiceAccountCredential');
    return permissionChecks(ctx, 'ServiceAccountCredential', Place.organization(organizationId));
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
