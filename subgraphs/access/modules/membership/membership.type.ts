import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Owned by the identities subgraph; access adds the member's role assignments. */
@ObjectType('Membership')
@Directive('@key(fields: "id")')
export class MembershipRef {
  @Field(() => ID)
  id!: string;
}
