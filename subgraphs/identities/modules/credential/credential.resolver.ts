import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { SubgraphContext } from '../../../common/context.js';
import { ServiceAccountCredential, ServiceAccountCredentialWithSecret } from './credential.entity.js';
import { CreateServiceAccountCredentialInput } from './credential.input.js';
import * as service from './credential.service.js';

@Resolver(() => ServiceAccountCredential)
export class CredentialResolver {
  @Mutation(() => ServiceAccountCredentialWithSecret, { description: 'The secret is in this response only' })
  createServiceAccountCredential(
    @Arg('serviceAccountId', () => ID) serviceAccountId: string,
    @Arg('input', () => CreateServiceAccountCredentialInput, { nullable: true }) input: CreateServiceAccountCredentialInput | null,
    @Ctx() ctx: SubgraphContext,
  ) {
    return service.createCredential(ctx.em, serviceAccountId, input ?? {});
  }

  @Mutation(() => ServiceAccountCredentialWithSecret, { description: 'A new secret for the same client id; the old secret stops working at once' })
  rotateServiceAccountCredential(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return service.rotateCredential(ctx.em, id);
  }

  @Mutation(() => ID)
  deleteServiceAccountCredential(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return service.deleteCredential(ctx.em, id);
  }
}
