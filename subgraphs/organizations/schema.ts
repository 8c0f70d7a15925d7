import { buildSubgraph, type SubgraphSchema } from '../common/federation.js';
import { resolveOrganizationReference } from './modules/organization/organization.reference.js';
import { OrganizationResolver } from './modules/organization/organization.resolver.js';
import { resolveTenantReference } from './modules/tenant/tenant.reference.js';
import { OrganizationTenantsResolver, TenantResolver } from './modules/tenant/tenant.resolver.js';
import { organizationRules } from './rules.js';

export function buildOrganizationsSchema(): Promise<SubgraphSchema> {
  return buildSubgraph({
    resolvers: [OrganizationResolver, TenantResolver, OrganizationTenantsResolver],
    references: {
      Organization: { __resolveReference: resolveOrganizationReference },
      Tenant: { __resolveReference: resolveTenantReference },
    },
    rules: organizationRules,
  });
}
