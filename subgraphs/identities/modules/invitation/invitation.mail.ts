import type { EntityManager } from '@mikro-orm/postgresql';
import { linkTo, type Links } from '../../links.js';
import { enqueueMail } from '../mail/outbox.js';
import type { Invitation } from './invitation.entity.js';

export interface InvitationPlace {
  organizationName: string;
  tenantName: string | null;
}

const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ');

/**
 * The invitation mail, in the transaction that made (or renewed) the invitation. The token
 * travels in the link's fragment (#token=...): browsers never send a fragment to a server, so
 * it stays out of access logs and Referer headers on the way to the page.
 */
export async function enqueueInvitationMail(tx: EntityManager, links: Links, invitation: Invitation, token: string, place: InvitationPlace): Promise<void> {
  const link = linkTo(links.invitation, {}, { token });
  const where = place.tenantName ? `${place.tenantName} in ${place.organizationName}` : place.organizationName;
  await enqueueMail(tx, {
    kind: 'invitation',
    to: invitation.email,
    // Kept after delivery: names, never the link.
    subject: oneLine(`You are invited to join ${place.organizationName}`),
    text:
      `Hello,\n\nYou are invited to join ${where} (role ${invitation.roleKey}). ` +
      `Open this link to accept; it works once, until ${invitation.expiresAt.toISOString()}:\n\n${link}\n\n` +
      `If you did not expect this invitation, ignore this mail.\n`,
  });
}
