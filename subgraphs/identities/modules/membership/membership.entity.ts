import { Entity, Enum, Property } from '@mikro-orm/core';
import { Directive, Field, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../../common/db/base-entity.js';

export enum MembershipStatus {
  ACTIVE = 'ACTIVE',
  DISABLED = 'DISABLED',
}
registerEnumType(MembershipStatus, {
  name: 'MembershipStatus',
  description: "ACTIVE members' roles in the organization (and below) count; DISABLED members keep them, unused",
});

@Entity({ schema: 'identities', tableName: 'membership' })
@ObjectType('Membership', { description: 'A user belonging to an organization: what makes their roles there count' })
@Directive('@key(fields: "id")')
export class Membership extends BaseEntity<'status'> {
  @Property({ type: 'uuid' })
  organizationId!: string;

  @Property({ type: 'uuid' })
  userId!: string;

  @Enum({ items: () => MembershipStatus, type: 'string' })
  @Field(() => MembershipStatus)
  status: MembershipStatus = MembershipStatus.ACTIVE;
}
