import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { composeSupergraph } from '../scripts/compose.js';

describe('schema/', () => {
  it('matches what the code produces (run `npm run compose` after changing a subgraph)', async () => {
    const files = await composeSupergraph();
    expect(Object.keys(files).sort()).toEqual(['access.graphql', 'identities.graphql', 'organizations.graphql', 'supergraph.graphql']);
    for (const [file, content] of Object.entries(files)) {
      const committed = await readFile(new URL(`../schema/${file}`, import.meta.url), 'utf8');
      expect(committed, `schema/${file} drifted from the code`).toBe(content);
    }
  });

  it('keeps the public names of the contract', async () => {
    const supergraph = await readFile(new URL('../schema/supergraph.graphql', import.meta.url), 'utf8');
    for (const name of [
      'organization(id: ID!): Organization',
      'createOrganization(input: CreateOrganizationInput!): Organization!',
      'moveOrganization(',
      'setDeleteProtection(',
      'deleteOrganization(id: ID!): ID!',
      'createTenant(',
      'createServiceAccountCredential(',
      'assignRole(input: AssignRoleInput!): RoleAssignment!',
      'unassignRole(input: UnassignRoleInput!): ID!',
      'type PageInfo',
    ]) {
      expect(supergraph).toContain(name);
    }
  });
});
