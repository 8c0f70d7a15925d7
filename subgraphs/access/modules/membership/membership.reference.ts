import { isUuid } from '../../../common/ids.js';
import type { MembershipRef } from './membership.type.js';

/**
 * Federation: the gateway asks for a membership's assignments after identities answered the
 * membership itself under its own visibility rules; each assignment is filtered again here.
 */
export function resolveMembershipReference(reference: { id: string }): MembershipRef | null {
  return isUuid(reference.id) ? { id: reference.id } : null;
}
