import type { EntityManager } from '@mikro-orm/postgresql';
import { sql, type Database } from '../../../common/db/orm.js';
import type { MailOptions } from './config.js';
import { outboxTable, registerLocalWorker } from './outbox.js';
import { logTransport, smtpTransport, type MailToSend, type MailTransport } from './transport.js';

export interface MailWorker {
  /** Look for due mail now (a commit in this process queued some). */
  kick(): void;
  /** Stops polling and waits for the mails in hand to be sent or put back. */
  stop(): Promise<void>;
}

/** The wait before retry `attempt + 1`: exponential, capped, and jittered so a recovering server is not hit by every mail at once. */
export function retryDelayMs(attempt: number, options: Pick<MailOptions, 'retryBaseMs' | 'retryMaxMs'>): number {
  const exponential = Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** Math.max(0, attempt - 1));
  return exponential / 2 + Math.random() * (exponential / 2);
}

/** A failure's description for the outbox and the log: the SMTP answer, never the mail. */
function describeFailure(error: unknown): string {
  const e = error as { message?: unknown; code?: unknown; responseCode?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const code = typeof e?.code === 'string' ? `${e.code}: ` : '';
  return `${code}${message}`.replace(/\s+/g, ' ').slice(0, 1000);
}

/**
 * Delivers the outbox of `database`. Any number of workers, in any number of processes, may
 * run on one outbox: a mail is claimed (`for update skip locked`, then a lease) in one short
 * statement, sent with no transaction open, and marked sent or rescheduled after, so each mail
 * goes to one worker at a time and is sent once unless a worker dies between sending and
 * marking it (then it is sent again once the lease runs out: at least once, never lost).
 */
export function startMailWorker(database: Database, options: MailOptions, transport?: MailTransport): MailWorker {
  const delivery = transport ?? (options.smtpUrl ? smtpTransport(options.smtpUrl, options.from) : logTransport());
  const table = outboxTable(database.orm.em);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let kickedWhileRunning = false;

  const claim = (em: EntityManager) =>
    sql<MailToSend>(
      em,
      `with due as (
         select id from ${table}
          where status = 'pending' and next_attempt_at <= now() and (locked_until is null or locked_until <= now())
          order by next_attempt_at
          limit ?
          for update skip locked)
       update ${table} m set attempts = m.attempts + 1, locked_until = now() + make_interval(secs => ?)
         from due where m.id = due.id
       returning m.id, m.kind, m.recipient as "to", m.subject, m.text_body as "text", m.html_body as "html", m.attempts`,
      [options.batchSize, options.leaseMs / 1000],
    );

  async function deliver(em: EntityManager, mail: MailToSend): Promise<void> {
    try {
      await delivery.send(mail);
    } catch (error) {
      const failure = describeFailure(error);
      if (mail.attempts >= options.maxAttempts) {
        await sql(
          em,
          `update ${table} set status = 'failed', text_body = null, html_body = null, locked_until = null, last_error = ? where id = ?`,
          [failure, mail.id],
        );
        console.error(`Mail ${mail.id} (${mail.kind} to ${mail.to}) given up after ${mail.attempts} attempts: ${failure}`);
        return;
      }
      const delayMs = retryDelayMs(mail.attempts, options);
      await sql(
        em,
        `update ${table} set next_attempt_at = now() + make_interval(secs => ?), locked_until = null, last_error = ? where id = ?`,
        [delayMs / 1000, failure, mail.id],
      );
      console.warn(`Mail ${mail.id} (${mail.kind} to ${mail.to}): attempt ${mail.attempts} failed, next in ${Math.ceil(delayMs / 1000)} s: ${failure}`);
      return;
    }
    await sql(
      em,
      `update ${table} set status = 'sent', sent_at = now(), text_body = null, html_body = null, locked_until = null, last_error = null where id = ?`,
      [mail.id],
    );
  }

  /** Claims and sends until nothing is due (or the worker stops). */
  async function drain(): Promise<void> {
    const em = database.orm.em.fork();
    while (!stopped) {
      const batch = await claim(em);
      // Settled, not all: a mail in hand is always finished (or its lease left to run out) before the worker stops.
      const results = await Promise.allSettled(batch.map((mail) => deliver(em, mail)));
      const failure = results.find((result) => result.status === 'rejected');
      if (failure) throw failure.reason;
      if (batch.length < options.batchSize) return;
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(kick, options.pollIntervalMs);
    timer.unref();
  }

  function kick(): void {
    if (stopped) return;
    if (running) {
      kickedWhileRunning = true;
      return;
    }
    clearTimeout(timer);
    running = drain()
      .catch((error: unknown) => console.error('Mail worker: the outbox could not be read or updated; trying again later', error))
      .finally(() => {
        running = undefined;
        if (kickedWhileRunning) {
          kickedWhileRunning = false;
          kick();
        } else schedule();
      });
  }

  const unregister = registerLocalWorker(database, { kick });
  if (!transport && !options.smtpUrl) console.log('Mail: SMTP_URL is not set, so mails are written to this log instead of sent.');
  kick();

  return {
    kick,
    async stop() {
      stopped = true;
      unregister();
      clearTimeout(timer);
      await running;
      delivery.close();
    },
  };
}
