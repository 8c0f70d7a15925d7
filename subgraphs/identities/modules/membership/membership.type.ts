import { connectionType } from '../../../common/pagination.js';
import { Membership } from './membership.entity.js';

/* Membership itself is its entity class: every column it shows is public. */
export const MembershipConnection = connectionType(Membership, 'Membership');
