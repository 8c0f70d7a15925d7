import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Place } from '../../../common/authz/decision.js';
import { PermissionCheck, permissionChecks } from '../../../common/authz/permissions.js';
import type { SubgraphContext } from '../../../common/context.js';
import { found } from '../../../../lib/errors.js';
import { parseId } from '../../../common/ids.js';
import { ConnectionArgs } from '../../../common/pagination.js';
import { ServiceAccountCredential } from '../credential/credential.type.js';
import { credentialsOf } from '../credential/credential.loaders.js';
import { OrganizationRef } from '../organization/organization.type.js';
import { ServiceAccount } from './service-account.entity.js';
import { CreateServiceAccountInput, UpdateServiceAccountInput } from './service-account.input.js';
import { serviceAccountById, serviceAccountsOf } from './service-account.loaders.js';
import * as service from './service-account.service.js';
import { ServiceAccountConnection } from './service-account.type.js';

@Resolver(() => ServiceAccount)
export class ServiceAccountResolver {
  @Query(() => ServiceAccount, { nullable: true, description: 'NOT_FOUND both when it does not exist and when the caller may not see it' })
  async serviceAccount(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext): Promise<ServiceAccount> {
    return found(await serviceAccountById(ctx).load(parseId(id, 'id')), 'ServiceAccount');
  }

  @FieldResolver(() => OrganizationRef)
  organization(@Root() account: ServiceAccount): OrganizationRef {
    return { id: account.organizationId };
  }

  @FieldResolver(() => [ServiceAccountCredential], { description: 'Client ids and metadata; secrets are never readable' })
  credentials(@Root() account: ServiceAccount, @Ctx() ctx: SubgraphContext) {
    return credentialsOf(ctx).load(account.id);
  }

  @FieldResolver(() => [PermissionCheck], { description: 'What the caller may do with this service account' })
  permissions(@Root() account: ServiceAccount, @Ctx() ctx: SubgraphContext) {
    return permissionChecks(ctx, 'ServiceAccount', Place.organization(account.organizationId));
  }

  @Mutation(() => ServiceAccount)
  createServiceAccount(
    @Arg('organizationId', () => ID) organizationId: string,
    @Arg('input', () => CreateServiceAccountInput) input: CreateServiceAccountInput,
    @Ctx() ctx: SubgraphContext,
  ) {
    return service.createServiceAccount(ctx.em, ctx, organizationId, input);
  }

  @Mutation(() => ServiceAccount)
  updateServiceAccount(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateServiceAccountInput) input: UpdateServiceAccountInput,
    @Ctx() ctx: SubgraphContext,
  ) {
    return service.updateServiceAccount(ctx.em, ctx, id, input);
  }

  @Mutation(() => ID, { description: 'Deletes the account and its credentials' })
  deleteServiceAccount(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return service.deleteServiceAccount(ctx.em, ctx, id);
  }
}

@Resolver(() => OrganizationRef)
export class OrganizationServiceAccountsResolver {
  @FieldResolver(() => ServiceAccountConnection, { nullable: true, description: 'Null (with FORBIDDEN) without service_account:read' })
  serviceAccounts(@Root() organization: OrganizationRef, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: SubgraphContext) {
    return serviceAccountsOf(ctx, args).load(organization.id);
  }
}
