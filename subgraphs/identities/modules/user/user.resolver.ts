import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Place } from '../../../common/authz/decision.js';
import { PermissionCheck, permissionChecks } from '../../../common/authz/permissions.js';
import type { SubgraphContext } from '../../../common/context.js';
import { parseId } from '../../../common/ids.js';
import { ConnectionArgs } from '../../../common/pagination.js';
import { found } from '../../../../lib/errors.js';
import { apiKeysOf } from '../api-key/api-key.loaders.js';
import { ApiKeyConnection } from '../api-key/api-key.type.js';
import { userMemberships } from '../membership/membership.service.js';
import { MembershipConnection } from '../membership/membership.type.js';
import { User } from './user.entity.js';
import { CreateUserInput, UsersArgs } from './user.input.js';
import { visibleUser } from './user.loaders.js';
import * as service from './user.service.js';
import { CreateUserPayload, UserConnection } from './user.type.js';

@Resolver(() => User)
export class UserResolver {
  @Query(() => User, { nullable: true, description: 'NOT_FOUND both when the user does not exist and when the caller may not see it' })
  async user(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext): Promise<User> {
    return found(await visibleUser(ctx, parseId(id, 'id')), 'User');
  }

  @Query(() => UserConnection, { description: 'Every user of the installation (user:read on the platform), by email' })
  users(@Args(() => UsersArgs) args: UsersArgs, @Ctx() ctx: SubgraphContext) {
    return service.listUsers(ctx.em, args);
  }

  @FieldResolver(() => MembershipConnection, { description: 'The organizations the user belongs to that the caller may see, oldest first' })
  memberships(@Root() user: User, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: SubgraphContext) {
    return userMemberships(ctx, user.id, args);
  }

  @FieldResolver(() => ApiKeyConnection, { description: "The user's API keys (never their secrets), for the user and holders of user:read" })
  apiKeys(@Root() user: User, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: SubgraphContext) {
    return apiKeysOf(ctx, args).load(user.id);
  }

  @FieldResolver(() => [PermissionCheck], { description: 'What the caller may do with this user' })
  permissions(@Root() _user: User, @Ctx() ctx: SubgraphContext) {
    return permissionChecks(ctx, 'User', Place.platform);
  }

  @Mutation(() => CreateUserPayload)
  async createUser(@Arg('input', () => CreateUserInput) input: CreateUserInput, @Ctx() ctx: SubgraphContext): Promise<CreateUserPayload> {
    return service.createUser(ctx, input);
  }

  @Mutation(() => ID, { description: "Deletes the user with its memberships, API keys, invitations and sign-ins; its role assignments and tokens stop on the next request" })
  deleteUser(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return service.deleteUser(ctx, id);
  }
}
