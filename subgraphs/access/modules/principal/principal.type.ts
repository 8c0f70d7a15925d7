import { createUnionType, Directive, Field, ID, ObjectType } from 'type-graphql';
import type { PrincipalType } from '../../../../lib/auth/tokens.js';

/** Owned by the identities subgraph; access references it by key. */
@ObjectType('ServiceAccount')
@Directive('@key(fields: "id")')
export class ServiceAccountRef {
  @Field(() => ID)
  id!: string;
}

/** Owned by the identities subgraph; access references it by key. */
@ObjectType('User')
@Directive('@key(fields: "id")')
export class UserRef {
  @Field(() => ID)
  id!: string;
}

type PrincipalRef = (ServiceAccountRef | UserRef) & { __principalType: PrincipalType };

/** Who holds a role, acts or calls: a person or a service account. */
export const Principal = createUnionType({
  name: 'Principal',
  types: () => [UserRef, ServiceAccountRef] as const,
  resolveType: (value) => ((value as PrincipalRef).__principalType === 'user' ? 'User' : 'ServiceAccount'),
});

export function principalRef(principal: { id: string; type: PrincipalType }): PrincipalRef {
  return { id: principal.id, __principalType: principal.type };
}
