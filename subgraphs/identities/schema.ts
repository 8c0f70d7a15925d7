import { buildSubgraph, type SubgraphSchema } from '../common/federation.js';
import { ApiKeyResolver, ServiceAccountApiKeysResolver } from './modules/api-key/api-key.resolver.js';
import { CredentialResolver } from './modules/credential/credential.resolver.js';
import { LoginCodeResolver } from './modules/login-code/login-code.resolver.js';
import { SessionResolver } from './modules/session/session.resolver.js';
import { InvitationResolver, OrganizationInvitationsResolver } from './modules/invitation/invitation.resolver.js';
import { MembershipResolver, OrganizationMembersResolver } from './modules/membership/membership.resolver.js';
import { resolveUserReference } from './modules/user/user.reference.js';
import { UserResolver } from './modules/user/user.resolver.js';
import { resolveOrganizationReference } from './modules/organization/organization.reference.js';
import { resolveServiceAccountReference } from './modules/service-account/service-account.reference.js';
import { OrganizationServiceAccountsResolver, ServiceAccountResolver } from './modules/service-account/service-account.resolver.js';
import { identityRules } from './rules.js';

export function buildIdentitiesSchema(): Promise<SubgraphSchema> {
  return buildSubgraph({
    resolvers: [
      ServiceAccountResolver,
      OrganizationServiceAccountsResolver,
      CredentialResolver,
      ApiKeyResolver,
      ServiceAccountApiKeysResolver,
      UserResolver,
      MembershipResolver,
      OrganizationMembersResolver,
      LoginCodeResolver,
      SessionResolver,
      InvitationResolver,
      OrganizationInvitationsResolver,
    ],
    references: {
      Organization: { __resolveReference: resolveOrganizationReference },
      ServiceAccount: { __resolveReference: resolveServiceAccountReference },
      User: { __resolveReference: resolveUserReference },
    },
    rules: identityRules,
  });
}
