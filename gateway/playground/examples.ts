/**
 * The operations the playground opens with, one tab each. They are checked against the
 * supergraph's API schema in a test, so a schema change that breaks one fails the build
 * instead of greeting a newcomer with a validation error.
 */
export interface ExampleTab {
  query: string;
  variables?: string;
}

const who = `# Who am I, and what may I do? Get a token above, then press Ctrl+Enter (or ▶).
# More examples are in the other tabs; the Docs button (top left) browses the schema.
query Me {
  me {
    principal {
      ... on ServiceAccount { id name }
      ... on User { id email }
    }
    platformPermissions
    roleAssignments { role { key } organization { name } tenant { name } }
    organizations(first: 20) {
      edges { roles node { id name permissions { action allowed } } }
    }
  }
}
`;

const organizations = `# Every organization you can see, with its children and what you may do there
query Organizations($search: String) {
  organizations(first: 20, search: $search) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        id
        name
        label
        depth
        permissions { action allowed }
        children(first: 10) { totalCount edges { node { id name } } }
      }
    }
  }
}
`;

const can = `# May I, and why? Without organizationId (or tenantId) the question is about the platform.
query Can($action: String!, $organizationId: ID) {
  can(action: $action, organizationId: $organizationId) {
    allowed
    reason
    grantedBy { id role { key } organization { id name } }
    rolesThatGrant
  }
}
`;

const assignments = `# Role assignments: on the platform (no place given), an organization or a tenant
query RoleAssignments($organizationId: ID) {
  roleAssignments(first: 20, organizationId: $organizationId) {
    totalCount
    edges {
      node {
        id
        role { key permissions }
        principal { ... on ServiceAccount { id name } }
        organization { id name }
        tenant { id name }
      }
    }
  }
}
`;

export const EXAMPLE_TABS: readonly ExampleTab[] = [
  { query: who },
  { query: organizations, variables: '{ "search": null }' },
  { query: can, variables: '{ "action": "organization:create", "organizationId": null }' },
  { query: assignments, variables: '{ "organizationId": null }' },
];
