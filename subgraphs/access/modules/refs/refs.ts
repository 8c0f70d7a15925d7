import { createUnionType, Directive, Field, ID, ObjectType } from 'type-graphql';

/* Types owned by other subgraphs; access only references them by key and adds fields. */

@ObjectType('Organization')
@Directive('@key(fields: "id")')
export class OrganizationRef {
  @Field(() => ID)
  id!: string;
}

@ObjectType('Tenant')
@Directive('@key(fields: "id")')
export class TenantRef {
  @Field(() => ID)
  id!: string;
}

@ObjectType('ServiceAccount')
@Directive('@key(fields: "id")')
export class ServiceAccountRef {
  @Field(() => ID)
  id!: string;
}

export interface PrincipalRef {
  id: string;
  type: 'user' | 'service_account';
}

/** Who holds a role. Users join the union when the identities subgraph gains them. */
export const Principal = createUnionType({
  name: 'Principal',
  types: () => [ServiceAccountRef] as const,
  resolveType: () => 'ServiceAccount',
});

export function principalRef(principal: PrincipalRef): ServiceAccountRef {
  return { id: principal.id };
}
