import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The organizations subgraph owns Organization; identities only adds fields to it. */
@ObjectType('Organization')
@Directive('@key(fields: "id")')
export class OrganizationRef {
  @Field(() => ID)
  id!: string;
}
