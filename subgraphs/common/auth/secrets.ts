import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Secrets we issue (client secrets, API keys, invitation tokens) carry 256 random bits, so a
 * fast hash is enough: slow password hashes defend guessable secrets, and these are not
 * guessable. A prefix tells secret scanners and people what a leaked string is.
 */
export function generateSecret(prefix: string, bytes = 32): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
