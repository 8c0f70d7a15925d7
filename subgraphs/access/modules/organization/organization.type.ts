import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Owned by the organizations subgraph; access references it by key and adds fields. */
@ObjectType('Organization')
@Directive('@key(fields: "id")')
export class OrganizationRef {
  @Field(() => ID)
  id!: string;
}
