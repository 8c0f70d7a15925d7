import { Field, ObjectType } from 'type-graphql';
import { RoleAssignment } from '../role-assignment/role-assignment.entity.js';

@ObjectType('AccessDecision', { description: 'Whether the caller may perform an action somewhere, and why' })
export class AccessDecision {
  @Field(() => Boolean)
  allowed!: boolean;

  @Field(() => String, { description: 'In words: the granting roles and the inheritance path, or what is missing' })
  reason!: string;

  @Field(() => [RoleAssignment], { description: 'The caller\'s assignments that grant the action here' })
  grantedBy!: RoleAssignment[];

  @Field(() => [String], { description: 'When denied: the built-in roles that would grant it here' })
  rolesThatGrant!: string[];
}
