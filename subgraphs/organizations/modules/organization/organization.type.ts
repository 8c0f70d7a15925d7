import { connectionType } from '../../../common/pagination.js';
import { Organization } from './organization.entity.js';

/* Organization itself is its entity class: every column it shows is public (`path` stays internal). */
export const OrganizationConnection = connectionType(Organization, 'Organization');
