import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { SubgraphContext } from '../../../common/context.js';
import { SignIn } from '../session/session.type.js';
import * as service from './login-code.service.js';

@Resolver()
export class LoginCodeResolver {
  @Mutation(() => Boolean, {
    description:
      'Mails a one-time code to the user with this email. Always true, whether or not anyone has the address (RATE_LIMITED after a few requests for one address)',
  })
  requestLoginCode(@Arg('email', () => String) email: string, @Ctx() ctx: SubgraphContext): Promise<boolean> {
    return service.requestLoginCode(ctx, email);
  }

  @Mutation(() => SignIn, {
    description: 'Signs in with the newest code mailed to the address: UNAUTHENTICATED alike for a wrong, expired or used code; a few wrong tries kill the code',
  })
  verifyLoginCode(@Arg('email', () => String) email: string, @Arg('code', () => String) code: string, @Ctx() ctx: SubgraphContext): Promise<SignIn> {
    return service.verifyLoginCode(ctx, email, code);
  }
}
