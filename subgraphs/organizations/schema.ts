import { buildSubgraph, type SubgraphSchema, type SubgraphSchemaOptions } from '../common/federation.js';
import { resolveOrganizationReference } from './modules/organization/organization.reference.js';
import { OrganizationResolver } from './modules/organization/organization.resolver.js';
import { resolveTenantReference } from './modules/tenant/tenant.reference.js';
import { OrganizationTenantsResolver, TenantResolver } from './modules/tenant/tenant.resolver.js';
import { organizationRules } from './rules.js';

/** What the organizations subgraph is built from (test/bench/permission-layer.bench.ts builds it without its rules too). */
export const organizationsSubgraph: SubgraphSchemaOptions = {
  resolvers: [OrganizationResolver, TenantResolver, OrganizationTenantsResolver],
  references: {
    Organization: { __resolveReference: resolveOrganizationReference },
    Tenant: { __resolveReference: resolveTenantReference },
  },
  rules: organizationRules,
};

export function buildOrganizationsSchema(): Promise<SubgraphSchema> {
  return buildSubgraph(organizationsSubgraph);
}
