import { connectionType } from '../../../common/pagination.js';
import { RoleAssignment } from './role-assignment.entity.js';

/* RoleAssignment itself is its entity class: the columns it shows are public; principal ids become the Principal union. */
export const RoleAssignmentConnection = connectionType(RoleAssignment, 'RoleAssignment');
