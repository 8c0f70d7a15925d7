import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Organization roles need organizationId, tenant roles tenantId, platform roles neither' })
export class AssignRoleInput {
  @Field(() => ID)
  principalId!: string;

  @Field(() => String)
  roleKey!: string;

  @Field(() => ID, { nullable: true })
  organizationId?: string | null;

  @Field(() => ID, { nullable: true })
  tenantId?: string | null;
}

@InputType()
export class UnassignRoleInput extends AssignRoleInput {}
