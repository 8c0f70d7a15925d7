import { createHash, timingSafeEqual } from 'node:crypto';

/** Header the gateway adds to every subgraph request; clients' copies are stripped by the gateway. */
export const INTERNAL_HEADER = 'x-gateway-credential';

const digest = (value: string) => createHash('sha256').update(value).digest();

export function isInternalCredential(presented: string | undefined | null, secret: string): boolean {
  if (!presented || !secret) return false;
  // Hash first so the comparison is constant-time whatever the lengths.
  return timingSafeEqual(digest(presented), digest(secret));
}
