import { createUnionType, Directive, Field, ID, ObjectType } from 'type-graphql';
import type { PrincipalType } from '../../../../lib/auth/tokens.js';

/** Owned by the identities subgraph; access references it by key. */
@ObjectType('ServiceAccount')
@Directive('@key(fields: "id")')
export class ServiceAccountRef {
  @Field(() => ID)
  id!: string;
}

/** Who holds a role. Users join the union when the identities subgraph gains them. */
export const Principal = createUnionType({
  name: 'Principal',
  types: () => [ServiceAccountRef] as const,
  resolveType: () => 'ServiceAccount',
});

export function principalRef(principal: { id: string; type: PrincipalType }): ServiceAccountRef {
  return { id: principal.id };
}
