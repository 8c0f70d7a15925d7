import { Field, InputType } from 'type-graphql';

@InputType()
export class CreateTenantInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: 'Derived from the name when omitted' })
  label?: string | null;
}

@InputType()
export class UpdateTenantInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  label?: string | null;
}
