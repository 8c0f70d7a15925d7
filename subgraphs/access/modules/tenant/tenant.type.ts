import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Owned by the organizations subgraph; access references it by key and adds fields. */
@ObjectType('Tenant')
@Directive('@key(fields: "id")')
export class TenantRef {
  @Field(() => ID)
  id!: string;
}
