/**
 * The one permission catalog. A permission is `resource:action`; `on` names the GraphQL
 * types whose `permissions` field reports it, `scopes` where a role holding it can be assigned.
 */
export const Scope = { PLATFORM: 'PLATFORM', ORGANIZATION: 'ORGANIZATION', TENANT: 'TENANT' } as const;
/** Where a role applies: the whole platform, an organization and everything below it, or one tenant. */
export type Scope = (typeof Scope)[keyof typeof Scope];

interface PermissionSpec {
  description: string;
  on: readonly string[];
  scopes: readonly Scope[];
}

const ORG: readonly Scope[] = ['PLATFORM', 'ORGANIZATION'];
const ORG_TENANT: readonly Scope[] = ['PLATFORM', 'ORGANIZATION', 'TENANT'];

export const PERMISSIONS = {
  'organization:read': { description: 'See the organization and its place in the tree', on: ['Organization'], scopes: ORG },
  'organization:create': { description: 'Create child organizations', on: ['Organization'], scopes: ORG },
  'organization:update': { description: 'Rename, relabel or move the organization', on: ['Organization'], scopes: ORG },
  'organization:delete': { description: 'Delete the organization or change its delete protection', on: ['Organization'], scopes: ORG },
  'tenant:read': { description: 'See tenants', on: ['Organization', 'Tenant'], scopes: ORG_TENANT },
  'tenant:create': { description: 'Create tenants', on: ['Organization'], scopes: ORG },
  'tenant:update': { description: 'Rename or relabel tenants', on: ['Organization', 'Tenant'], scopes: ORG_TENANT },
  'tenant:delete': { description: 'Delete tenants', on: ['Organization', 'Tenant'], scopes: ORG },
  'member:read': { description: 'See members and invitations', on: ['Organization', 'Tenant', 'Membership', 'Invitation'], scopes: ORG_TENANT },
  'member:invite': { description: 'Invite people', on: ['Organization', 'Tenant', 'Invitation'], scopes: ORG_TENANT },
  'member:manage': { description: 'Add, disable and remove members', on: ['Organization', 'Membership'], scopes: ORG },
  'service_account:read': { description: 'See service accounts, their credentials and API keys (never secrets)', on: ['Organization', 'ServiceAccount', 'ServiceAccountCredential', 'ApiKey'], scopes: ORG },
  'service_account:manage': { description: 'Create, change and delete service accounts, their credentials and API keys', on: ['Organization', 'ServiceAccount', 'ServiceAccountCredential', 'ApiKey'], scopes: ORG },
  'role:read': { description: 'See roles', on: ['Organization'], scopes: ORG_TENANT },
  'role:manage': { description: 'Create, change and delete custom roles', on: ['Organization'], scopes: ORG },
  'role_assignment:read': { description: 'See who holds which role', on: ['Organization', 'Tenant', 'RoleAssignment'], scopes: ORG_TENANT },
  'role_assignment:manage': { description: 'Assign and unassign roles (only roles whose permissions the caller holds)', on: ['Organization', 'Tenant', 'RoleAssignment'], scopes: ORG_TENANT },
  'sso:read': { description: 'See the SSO connection', on: ['Organization'], scopes: ORG },
  'sso:manage': { description: 'Enable, change and disable SSO', on: ['Organization'], scopes: ORG },
  'audit:read': { description: 'Read the audit log', on: ['Organization'], scopes: ORG },
  'user:read': { description: 'See every user of the installation', on: ['User'], scopes: ['PLATFORM'] },
  'user:manage': { description: 'Create and delete users', on: ['User'], scopes: ['PLATFORM'] },
} as const satisfies Record<string, PermissionSpec>;

export type Permission = keyof typeof PERMISSIONS;
export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

export function isPermission(value: string): value is Permission {
  return Object.prototype.hasOwnProperty.call(PERMISSIONS, value);
}

/** Catalog actions reported by `permissions` on a GraphQL type, in catalog order. */
export function permissionsOn(typeName: string): Permission[] {
  return ALL_PERMISSIONS.filter((p) => (PERMISSIONS[p].on as readonly string[]).includes(typeName));
}

interface BuiltinRole {
  name: string;
  description: string;
  scope: Scope;
  permissions: readonly Permission[];
}

const VIEWER: Permission[] = ['organization:read', 'tenant:read', 'role:read'];
const MEMBER: Permission[] = [...VIEWER, 'member:read', 'service_account:read', 'role_assignment:read', 'sso:read'];
const ADMIN: Permission[] = [
  ...MEMBER,
  'organization:create',
  'organization:update',
  'tenant:create',
  'tenant:update',
  'tenant:delete',
  'member:invite',
  'member:manage',
  'service_account:manage',
  'role:manage',
  'role_assignment:manage',
  'sso:manage',
  'audit:read',
];
const OWNER: Permission[] = [...ADMIN, 'organization:delete'];

export const BUILTIN_ROLES = {
  platform_admin: { name: 'Platform admin', description: 'Everything, everywhere', scope: 'PLATFORM', permissions: ALL_PERMISSIONS },
  user_admin: {
    name: 'User admin',
    description: 'Create, list and delete users, and grant the platform roles whose permissions it holds',
    scope: 'PLATFORM',
    permissions: ['user:read', 'user:manage', 'role:read', 'role_assignment:read', 'role_assignment:manage'],
  },
  org_owner: { name: 'Owner', description: 'Everything in the organization and below, deletion included', scope: 'ORGANIZATION', permissions: OWNER },
  org_admin: { name: 'Admin', description: 'Manage the organization and below, but not delete it', scope: 'ORGANIZATION', permissions: ADMIN },
  org_member: { name: 'Member', description: 'See the organization, its tenants, members and service accounts', scope: 'ORGANIZATION', permissions: MEMBER },
  org_viewer: { name: 'Viewer', description: 'See the organization and its tenants', scope: 'ORGANIZATION', permissions: VIEWER },
  tenant_admin: { name: 'Tenant admin', description: 'Manage the tenant and who may use it', scope: 'TENANT', permissions: ['tenant:read', 'tenant:update', 'member:read', 'member:invite', 'role:read', 'role_assignment:read', 'role_assignment:manage'] },
  tenant_editor: { name: 'Tenant editor', description: 'Change the tenant', scope: 'TENANT', permissions: ['tenant:read', 'tenant:update', 'role:read'] },
  tenant_viewer: { name: 'Tenant viewer', description: 'See the tenant', scope: 'TENANT', permissions: ['tenant:read'] },
} as const satisfies Record<string, BuiltinRole>;

export type BuiltinRoleKey = keyof typeof BUILTIN_ROLES;

export function builtinRole(key: string): BuiltinRole | undefined {
  return Object.prototype.hasOwnProperty.call(BUILTIN_ROLES, key) ? BUILTIN_ROLES[key as BuiltinRoleKey] : undefined;
}
