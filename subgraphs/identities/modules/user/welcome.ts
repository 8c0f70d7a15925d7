import type { EntityManager } from '@mikro-orm/postgresql';
import { linkTo, type Links } from '../../links.js';
import { enqueueMail } from '../mail/outbox.js';
import type { User } from './user.entity.js';

/** createUser with notify: a welcome with a link to sign in (with a code mailed then), in the caller's transaction. */
export async function enqueueWelcome(tx: EntityManager, links: Links, user: User): Promise<void> {
  const link = linkTo(links.signIn, { email: user.email });
  const greeting = user.displayName ? `Hello ${user.displayName},` : 'Hello,';
  await enqueueMail(tx, {
    kind: 'welcome',
    to: user.email,
    subject: 'Your account is ready',
    text: `${greeting}\n\nAn account was created for you (${user.email}). Sign in here; we will mail you a one-time code:\n\n${link}\n`,
  });
}
