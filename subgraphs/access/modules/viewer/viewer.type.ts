import { Field, Int, ObjectType } from 'type-graphql';
import { PageInfo } from '../../../common/pagination.js';
import { OrganizationRef } from '../organization/organization.type.js';
import { Principal, ServiceAccountRef } from '../principal/principal.type.js';
import { TenantRef } from '../tenant/tenant.type.js';

@ObjectType('ViewerOrganizationEdge')
export class ViewerOrganizationEdge {
  @Field(() => String) cursor!: string;
  @Field(() => OrganizationRef) node!: OrganizationRef;
  @Field(() => [String], { description: 'Keys of the caller\'s roles that reach this organization, inherited ones included' })
  roles!: string[];
}

@ObjectType('ViewerOrganizationConnection')
export class ViewerOrganizationConnection {
  @Field(() => [ViewerOrganizationEdge]) edges!: ViewerOrganizationEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}

@ObjectType('ViewerTenantEdge')
export class ViewerTenantEdge {
  @Field(() => String) cursor!: string;
  @Field(() => TenantRef) node!: TenantRef;
  @Field(() => [String], { description: 'Keys of the caller\'s roles that reach this tenant' })
  roles!: string[];
}

@ObjectType('ViewerTenantConnection')
export class ViewerTenantConnection {
  @Field(() => [ViewerTenantEdge]) edges!: ViewerTenantEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}

@ObjectType('Viewer', { description: 'The caller: who it is, where it reaches and with which roles' })
export class Viewer {
  @Field(() => Principal)
  principal!: ServiceAccountRef;

  @Field(() => [String], { description: 'Permissions the caller holds on the whole platform' })
  platformPermissions!: string[];
}
