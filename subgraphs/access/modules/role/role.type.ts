import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { builtinRole, BUILTIN_ROLES, Scope } from '../../../common/authz/catalog.js';
import { OrganizationRef } from '../organization/organization.type.js';
import type { CustomRole } from './role.entity.js';

registerEnumType(Scope, { name: 'Scope', description: 'Where a role applies: the whole platform, an organization and everything below it, or one tenant' });

@ObjectType('Role')
export class Role {
  @Field(() => ID, { nullable: true, description: 'Custom roles only; built-in roles are named by key' })
  id!: string | null;

  @Field(() => String, { description: 'Stable key used in assignments, e.g. org_admin' })
  key!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => Scope)
  scope!: Scope;

  @Field(() => Boolean)
  builtIn!: boolean;

  @Field(() => [String], { description: 'resource:action permissions from the catalog' })
  permissions!: string[];

  @Field(() => OrganizationRef, { nullable: true, description: 'The organization that defined a custom role; null for built-in and PLATFORM roles' })
  organization!: OrganizationRef | null;
}

export function builtinRoles(): Role[] {
  return Object.keys(BUILTIN_ROLES).map((key) => roleByKey(key)!);
}

export function roleByKey(key: string): Role | null {
  const role = builtinRole(key);
  if (!role) return null;
  return { id: null, key, name: role.name, description: role.description, scope: role.scope, builtIn: true, permissions: [...role.permissions], organization: null };
}

export function customRole(role: CustomRole): Role {
  return {
    id: role.id,
    key: role.key,
    name: role.name,
    description: role.description,
    scope: role.scope,
    builtIn: false,
    permissions: role.permissions,
    organization: role.organizationId ? { id: role.organizationId } : null,
  };
}
