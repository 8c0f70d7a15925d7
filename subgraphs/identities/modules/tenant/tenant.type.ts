import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Owned by the organizations subgraph; identities only names tenants (an invitation's), never resolves them. */
@ObjectType('Tenant')
@Directive('@key(fields: "id", resolvable: false)')
export class TenantRef {
  @Field(() => ID)
  id!: string;
}
