import 'reflect-metadata';
import { buildAccessSchema } from '../subgraphs/access/schema.js';
import type { SubgraphSchema } from '../subgraphs/common/federation.js';
import { buildIdentitiesSchema } from '../subgraphs/identities/schema.js';
import { buildOrganizationsSchema } from '../subgraphs/organizations/schema.js';

export const SUBGRAPH_NAMES = ['organizations', 'identities', 'access'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

const builders: Record<SubgraphName, () => Promise<SubgraphSchema>> = {
  organizations: buildOrganizationsSchema,
  identities: buildIdentitiesSchema,
  access: buildAccessSchema,
};

export async function buildAllSubgraphSchemas(): Promise<Record<SubgraphName, SubgraphSchema>> {
  const entries = [];
  for (const name of SUBGRAPH_NAMES) entries.push([name, await builders[name]()] as const);
  return Object.fromEntries(entries) as Record<SubgraphName, SubgraphSchema>;
}
