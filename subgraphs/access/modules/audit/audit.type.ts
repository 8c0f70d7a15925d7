import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { connectionType } from '../../../common/pagination.js';

@ObjectType('AuditEvent', { description: 'One change, recorded in the same transaction as the change itself' })
export class AuditEvent {
  @Field(() => ID) id!: string;
  @Field(() => Date) occurredAt!: Date;
  @Field(() => String, { nullable: true, description: 'The request that made the change (x-request-id)' }) requestId!: string | null;
  @Field(() => String, { description: '<type>.<verb>, e.g. organization.move' }) action!: string;
  @Field(() => String) targetType!: string;
  @Field(() => ID, { nullable: true }) targetId!: string | null;
  @Field(() => GraphQLJSONObject, { description: 'What changed; secrets never appear' }) changes!: Record<string, unknown>;
  actorId!: string | null;
  actorType!: string | null;
  organizationId!: string | null;
}

export const AuditEventConnection = connectionType(AuditEvent, 'AuditEvent');
