import type { EntityManager } from '@mikro-orm/postgresql';
import type { TransactionEventArgs } from '@mikro-orm/core';
import { sql, type Database } from '../../../common/db/orm.js';
import { newId } from '../../../common/ids.js';

export type MailKind = 'invitation' | 'welcome' | 'login_code';

export interface OutgoingMail {
  kind: MailKind;
  to: string;
  /** Kept after delivery (operators see what was sent to whom): never put a secret here. */
  subject: string;
  /** Links with tokens and codes go here: wiped once the mail is sent or given up. */
  text: string;
  html?: string;
}

/** The outbox of the schema this database (or transaction) writes; identities in production. */
export function outboxTable(em: EntityManager): string {
  return `"${em.config.get('schema')}".mail_outbox`;
}

const HEADER_BREAK = /[\r\n]/;
// Deliberately loose: callers validate addresses as users type them; this only keeps header injection and junk out.
const ADDRESS = /^[^\s@<>,;"]+@[^\s@<>,;"]+$/;

/** Transactions (the outermost one) that enqueued mail: their commit wakes the local workers. */
const enqueuedIn = new WeakSet<object>();

/**
 * MikroORM marks a nested transaction (a savepoint) with a symbol pointing at its parent; only
 * the outermost transaction's commit fires the commit hook. Should that private marker ever
 * change, the nested transaction is returned, no worker is woken and polling sends the mail.
 */
function outermost(trx: object): object {
  let current = trx;
  for (;;) {
    const key = Object.getOwnPropertySymbols(current).find((symbol) => symbol.description === 'parentTransaction');
    const parent = key ? (current as Record<symbol, unknown>)[key] : undefined;
    // Knex transactions are functions.
    if (!parent || (typeof parent !== 'object' && typeof parent !== 'function')) return current;
    current = parent as object;
  }
}

/**
 * Queues a mail in the caller's transaction, the one that makes the change the mail tells
 * about: a change that rolls back sends nothing, one that commits cannot lose its mail. After
 * the commit the workers of this process are woken; the others find the mail when they poll.
 * Returns the outbox id.
 */
export async function enqueueMail(tx: EntityManager, mail: OutgoingMail): Promise<string> {
  return (await enqueueMailIf(tx, true, mail))!;
}

/**
 * enqueueMail for a caller that must not show, by its answer, its timing or the statements it
 * runs, whether the mail goes out (requestLoginCode for an address nobody has): the same insert
 * runs either way and writes the row only when `send` is true. Returns the outbox id, or null.
 */
export async function enqueueMailIf(tx: EntityManager, send: boolean, mail: OutgoingMail): Promise<string | null> {
  const trx = tx.getTransactionContext<object>();
  if (!trx) throw new Error('enqueueMail must run inside the transaction of the change it belongs to');
  if (!ADDRESS.test(mail.to)) throw new Error('enqueueMail: the recipient is not an email address');
  if (HEADER_BREAK.test(mail.subject)) throw new Error('enqueueMail: a subject is one line');
  const id = newId();
  const rows = await sql(tx, `insert into ${outboxTable(tx)} (id, kind, recipient, subject, text_body, html_body) select ?, ?, ?, ?, ?, ? where ?::boolean returning id`, [
    id,
    mail.kind,
    mail.to,
    mail.subject,
    mail.text,
    mail.html ?? null,
    send,
  ]);
  // Woken either way: a worker finding nothing costs one query, after the answer has gone.
  enqueuedIn.add(outermost(trx));
  return rows.length ? id : null;
}

/** The workers of this process per database, woken by the commit of a transaction that enqueued mail. */
const localWorkers = new WeakMap<Database, Set<{ kick(): void }>>();

export function registerLocalWorker(database: Database, worker: { kick(): void }): () => void {
  let workers = localWorkers.get(database);
  if (!workers) {
    const registered = new Set<{ kick(): void }>();
    localWorkers.set(database, (workers = registered));
    // MikroORM has no way to remove a subscriber: one per database, kicking whoever is registered now.
    database.orm.em.getEventManager().registerSubscriber({
      afterTransactionCommit(args: TransactionEventArgs) {
        if (args.transaction && enqueuedIn.has(args.transaction)) for (const worker of registered) worker.kick();
      },
    });
  }
  workers.add(worker);
  return () => workers.delete(worker);
}
