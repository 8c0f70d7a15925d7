import { Ctx, Mutation, Resolver } from 'type-graphql';
import type { SubgraphContext } from '../../../common/context.js';
import { signOut } from './session.service.js';

@Resolver()
export class SessionResolver {
  @Mutation(() => Boolean, { description: "Ends the sign-in of the caller's token: its refresh token stops, and its access tokens are refused from the next request" })
  signOut(@Ctx() ctx: SubgraphContext): Promise<boolean> {
    return signOut(ctx);
  }
}
