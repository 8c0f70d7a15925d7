import { connectionType } from '../../../common/pagination.js';
import { Tenant } from './tenant.entity.js';

/* Tenant itself is its entity class: every column it shows is public. */
export const TenantConnection = connectionType(Tenant, 'Tenant');
