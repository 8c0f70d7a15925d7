import { Field, InputType } from 'type-graphql';
import { Scope } from '../../../common/authz/catalog.js';

@InputType()
export class CreateRoleInput {
  @Field(() => String, { description: 'a-z, 0-9 and _, starting with a letter; not a built-in key' })
  key!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Scope, { description: 'ORGANIZATION or TENANT' })
  scope!: Scope;

  @Field(() => [String], { description: 'resource:action permissions from the catalog that apply at the scope' })
  permissions!: string[];
}

@InputType()
export class UpdateRoleInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => [String], { nullable: true, description: 'Replaces the set; holders have the new set on their next request' })
  permissions?: string[] | null;
}

@InputType({ description: 'What happens to the assignments of a role being deleted; without either, a role in use is not deleted (CONFLICT)' })
export class DeleteRoleInput {
  @Field(() => Boolean, { nullable: true, description: 'Remove every assignment of the role' })
  removeAssignments?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Move every assignment to this role (same scope) instead' })
  reassignTo?: string | null;
}
