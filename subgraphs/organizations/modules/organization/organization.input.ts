import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { ConnectionArgs } from '../../../common/pagination.js';

@InputType()
export class CreateOrganizationInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: 'Derived from the name when omitted' })
  label?: string | null;

  @Field(() => ID, { nullable: true, description: 'The parent; omitted for a root organization (platform admins only)' })
  parentId?: string | null;

  @Field(() => String, { nullable: true })
  vat?: string | null;

  @Field(() => ID, { nullable: true, description: 'A user or service account that becomes org_owner of the new organization' })
  ownerId?: string | null;
}

@InputType()
export class UpdateOrganizationInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  label?: string | null;

  @Field(() => String, { nullable: true, description: 'An empty string clears it' })
  vat?: string | null;
}

@ArgsType()
export class OrganizationsArgs extends ConnectionArgs {
  @Field(() => ID, { nullable: true, description: 'Only the children of this organization' })
  parentId?: string | null;

  @Field(() => String, { nullable: true, description: 'Matches name or label, case-insensitively' })
  search?: string | null;
}

@ArgsType()
export class DescendantsArgs extends ConnectionArgs {
  @Field(() => Int, { nullable: true, description: 'How many levels below; 1 means children only. Unlimited when omitted' })
  maxDepth?: number | null;
}
