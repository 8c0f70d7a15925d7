import { connectionType } from '../../../common/pagination.js';
import { ServiceAccount } from './service-account.entity.js';

/* ServiceAccount itself is its entity class: every column it shows is public. */
export const ServiceAccountConnection = connectionType(ServiceAccount, 'ServiceAccount');
