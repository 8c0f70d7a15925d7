import { ConfigurationError, envInt } from '../../../../lib/config.js';
import type { SubgraphContext } from '../../../common/context.js';

/** A week: long enough for someone back from a few days away, short enough that a forgotten link dies. */
export const DEFAULT_INVITATION_TTL_SECONDS = 7 * 24 * 3600;

/** The prefix of invitation tokens (igi_ and 43 base64url characters): secret scanners and people recognize a leaked one. */
export const INVITATION_TOKEN_PREFIX = 'igi';

export interface InvitationOptions {
  /** How long an invitation's link works, in seconds (resending restarts it). */
  ttlSeconds: number;
}

/** INVITATION_TTL, in seconds, at least a minute. */
export function invitationTtlFromEnv(): number {
  const ttl = envInt('INVITATION_TTL', DEFAULT_INVITATION_TTL_SECONDS);
  if (ttl < 60) throw new ConfigurationError(`INVITATION_TTL must be at least 60 seconds, got ${ttl}`);
  return ttl;
}

export function invitationOptions(ctx: SubgraphContext): InvitationOptions {
  const value = ctx.services.invitations as InvitationOptions | undefined;
  if (!value) throw new Error('identities started without its invitation settings');
  return value;
}
