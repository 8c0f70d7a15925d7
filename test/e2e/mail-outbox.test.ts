/**
 * The mail outbox: what a change queues in its transaction is delivered once, over real SMTP
 * (smtp-server on loopback), through outages and refusals, or written to the log without
 * SMTP_URL; bodies (links, codes) are wiped once a mail is done.
 *
 * The first tests use the stack's own outbox and worker, which deliver to the run's SMTP
 * server. The others need a server they can stop or make refuse mail and workers with their
 * own settings, so they run on an outbox in a schema of their own that no other worker (of
 * this stack or of a file running in parallel) ever reads.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { describe, expect, inject, onTestFinished, vi } from 'vitest';
import { migrate, openDatabase, sql, type Database } from '../../subgraphs/common/db/orm.js';
import { Migration20261124110000_mail_outbox } from '../../subgraphs/identities/migrations/Migration20261124110000_mail_outbox.js';
import type { MailOptions } from '../../subgraphs/identities/modules/mail/config.js';
import { enqueueMail, outboxTable, type OutgoingMail } from '../../subgraphs/identities/modules/mail/outbox.js';
import { startMailWorker, type MailWorker } from '../../subgraphs/identities/modules/mail/worker.js';
import { test as base } from '../harness/fixtures.js';
import { SmtpSink } from '../harness/mail.js';
import type { TestStack } from '../harness/stack.js';

interface OutboxRow {
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  text_body: string | null;
  html_body: string | null;
  last_error: string | null;
  sent_at: string | null;
}

/** An outbox of its own, and workers on it that the test starts with the settings it is about. */
interface PrivateOutbox {
  database: Database;
  /** Another connection pool on the same outbox, as another identities process has (shares the one connection on PGlite). */
  openAnother(): Promise<Database>;
  worker(options: Partial<MailOptions>, database?: Database): MailWorker;
  enqueue(mail: OutgoingMail): Promise<string>;
  row(id: string): Promise<OutboxRow>;
  rows(): Promise<OutboxRow[]>;
}

const FAST: MailOptions = {
  smtpUrl: undefined,
  from: 'Mail tests <tests@localhost>',
  pollIntervalMs: 50,
  retryBaseMs: 50,
  retryMaxMs: 200,
  maxAttempts: 50,
  leaseMs: 60_000,
  batchSize: 5,
};

const test = base
  /** A fresh SMTP server on loopback, for this test only. */
  // vitest reads a fixture's dependencies from its destructuring pattern: this one has none.
  // eslint-disable-next-line no-empty-pattern
  .extend('smtp', async ({}, { onCleanup }) => {
    const sink = await SmtpSink.start();
    onCleanup(() => sink.dispose());
    return sink;
  })
  .extend('outbox', async ({ stack }, { onCleanup }): Promise<PrivateOutbox> => {
    const embedded = inject('embedded');
    const schema = `mail_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const open = () =>
      openDatabase({
        databaseUrl: inject('databaseUrl'),
        poolMax: embedded ? 1 : 4,
        // PGlite mixes up concurrent connections: everything in the test process shares the stack's one.
        shareConnectionOf: embedded ? stack.stack.databases.organizations : undefined,
        schema,
        entities: [],
        migrations: [{ name: 'Migration20261124110000_mail_outbox', class: Migration20261124110000_mail_outbox }],
      });
    const database = await open();
    const databases = [database];
    const workers: MailWorker[] = [];
    onCleanup(async () => {
      for (const worker of workers) await worker.stop();
      await sql(database.orm.em.fork(), `drop schema if exists "${schema}" cascade`);
      for (const db of databases.reverse()) await db.close();
    });
    await migrate(database);
    const table = outboxTable(database.orm.em);
    const columns = 'status, attempts, text_body, html_body, last_error, sent_at';
    return {
      database,
      async openAnother() {
        const another = await open();
        databases.push(another);
        return another;
      },
      worker(options, on = database) {
        const worker = startMailWorker(on, { ...FAST, ...options });
        workers.push(worker);
        return worker;
      },
      enqueue: (mail) => database.orm.em.fork().transactional((tx) => enqueueMail(tx, mail)),
      row: async (id) => (await sql<OutboxRow>(database.orm.em.fork(), `select ${columns} from ${table} where id = ?`, [id]))[0]!,
      rows: () => sql<OutboxRow>(database.orm.em.fork(), `select ${columns} from ${table} order by id`),
    };
  });

const address = () => `mail-${randomBytes(6).toString('hex')}@example.test`;
/** Stands for the token or code a real mail carries. */
const secret = () => randomBytes(16).toString('base64url');
const loginCode = (to: string, code: string): OutgoingMail => ({ kind: 'login_code', to, subject: 'Your sign-in code', text: `Your code is ${code}.\nIt works for ten minutes.` });

function identitiesEm(stack: TestStack): EntityManager {
  return stack.stack.databases.identities.orm.em.fork();
}

async function identitiesRow(stack: TestStack, id: string): Promise<OutboxRow | undefined> {
  const rows = await sql<OutboxRow>(identitiesEm(stack), `select status, attempts, text_body, html_body, last_error, sent_at from identities.mail_outbox where id = ?`, [id]);
  return rows[0];
}

/** Every line written through console[method] during the rest of the test. */
function capture(method: 'log' | 'warn' | 'error'): string[] {
  const lines: string[] = [];
  const original = console[method];
  const spy = vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
    original(...args);
  });
  onTestFinished(() => spy.mockRestore());
  return lines;
}

const WAIT = { timeout: 20_000, interval: 25 };

describe('the outbox of identities', () => {
  test('a mail queued in a committed transaction arrives once, and its body is wiped once sent', async ({ stack }) => {
    const to = address();
    const code = secret();
    const id = await identitiesEm(stack).transactional((tx) =>
      enqueueMail(tx, { ...loginCode(to, code), html: `<p>Your code is <b>${code}</b>.</p>` }),
    );

    const [mail] = await stack.mailbox.waitFor(to);
    expect(mail).toMatchObject({ to: [to], from: 'no-reply@localhost', subject: 'Your sign-in code' });
    expect(mail!.text).toContain(`Your code is ${code}.`);
    expect(mail!.html).toContain(`<b>${code}</b>`);
    expect(mail!.headers.get('auto-submitted')).toBe('auto-generated');

    await vi.waitFor(async () => expect((await identitiesRow(stack, id))?.status).toBe('sent'), WAIT);
    const row = await identitiesRow(stack, id);
    // One attempt: one worker claimed it, whichever of the run's workers that was.
    expect(row).toMatchObject({ status: 'sent', attempts: 1, text_body: null, html_body: null, last_error: null });
    expect(row!.sent_at).not.toBeNull();
    expect(await stack.mailbox.list(to)).toHaveLength(1);
  });

  test('a change that rolls back sends nothing', async ({ stack }) => {
    const to = address();
    let queued: string | undefined;
    await expect(
      identitiesEm(stack).transactional(async (tx) => {
        queued = await enqueueMail(tx, { kind: 'invitation', to, subject: 'Invitation that never was', text: `token ${secret()}` });
        throw new Error('the change fails after queuing its mail');
      }),
    ).rejects.toThrow('the change fails');
    expect(queued).toBeDefined();
    expect(await identitiesRow(stack, queued!)).toBeUndefined();

    // A later mail to the same address arrives, and it alone.
    await identitiesEm(stack).transactional((tx) => enqueueMail(tx, { kind: 'welcome', to, subject: 'Welcome', text: 'Hello' }));
    await stack.mailbox.waitFor(to);
    expect((await stack.mailbox.list(to)).map((mail) => mail.subject)).toEqual(['Welcome']);
  });

  test('enqueueMail refuses to run outside a transaction, and refuses what is not a mail', async ({ stack }) => {
    await expect(enqueueMail(identitiesEm(stack), loginCode(address(), '1'))).rejects.toThrow('inside the transaction');
    await expect(identitiesEm(stack).transactional((tx) => enqueueMail(tx, loginCode('a@b.test>, other@b.test', '1')))).rejects.toThrow('not an email address');
    await expect(identitiesEm(stack).transactional((tx) => enqueueMail(tx, { ...loginCode(address(), '1'), subject: 'a\r\nBcc: x@y.test' }))).rejects.toThrow('one line');
  });
});

describe('delivery', () => {
  test('a commit wakes the worker of its process at once, from a nested transaction too', async ({ outbox, smtp }) => {
    // Polling alone would find the mail in an hour.
    outbox.worker({ smtpUrl: smtp.url, pollIntervalMs: 3_600_000 });
    const to = address();
    const id = await outbox.database.orm.em.fork().transactional((tx) => tx.transactional((inner) => enqueueMail(inner, loginCode(to, secret()))));
    await smtp.mailbox.waitFor(to, { timeoutMs: 10_000 });
    await vi.waitFor(async () => expect((await outbox.row(id)).status).toBe('sent'), WAIT);
  });

  test('several workers on one outbox send each mail exactly once', async ({ outbox, smtp }) => {
    smtp.delayMs = 20; // sends overlap with the other workers' claims
    const options = { smtpUrl: smtp.url, pollIntervalMs: 20, batchSize: 2 };
    outbox.worker(options);
    outbox.worker(options, await outbox.openAnother());
    outbox.worker(options, await outbox.openAnother());

    const recipients = Array.from({ length: 24 }, address);
    await outbox.database.orm.em.fork().transactional(async (tx) => {
      for (const to of recipients) await enqueueMail(tx, loginCode(to, secret()));
    });

    await vi.waitFor(async () => expect((await outbox.rows()).every((row) => row.status === 'sent')).toBe(true), WAIT);
    // Each row was claimed once, so sent once; and the server got each mail once.
    expect((await outbox.rows()).map((row) => row.attempts)).toEqual(recipients.map(() => 1));
    const received = await smtp.mailbox.list();
    expect(received.map((mail) => mail.to[0]).sort()).toEqual([...recipients].sort());
  });

  test('a mail waits while the SMTP server is down, is retried, and arrives once the server is back', async ({ outbox, smtp }) => {
    const warnings = capture('warn');
    await smtp.stop();
    outbox.worker({ smtpUrl: smtp.url });
    const to = address();
    const code = secret();
    const id = await outbox.enqueue(loginCode(to, code));

    await vi.waitFor(async () => expect((await outbox.row(id)).attempts).toBeGreaterThanOrEqual(2), WAIT);
    const waiting = await outbox.row(id);
    expect(waiting).toMatchObject({ status: 'pending', sent_at: null });
    expect(waiting.last_error).toMatch(/ECONNREFUSED|ESOCKET|ECONNECTION/);
    expect(waiting.text_body).toContain(code); // kept until it is delivered

    await smtp.listen();
    const [mail] = await smtp.mailbox.waitFor(to);
    expect(mail!.text).toContain(code);
    await vi.waitFor(async () => expect((await outbox.row(id)).status).toBe('sent'), WAIT);
    const sent = await outbox.row(id);
    expect(sent).toMatchObject({ text_body: null, last_error: null });
    expect(sent.attempts).toBeGreaterThanOrEqual(3);
    expect(await smtp.mailbox.list(to)).toHaveLength(1);
    // The failures were logged, without the body.
    expect(warnings.filter((line) => line.includes(id)).length).toBeGreaterThanOrEqual(2);
    expect(warnings.join('\n')).not.toContain(code);
  });

  test('a server that answers "try again later" (4xx) gets the mail again, and the attempts are counted', async ({ outbox, smtp }) => {
    smtp.refusal = { code: 451, message: '4.3.0 Try again later' };
    outbox.worker({ smtpUrl: smtp.url });
    const to = address();
    const id = await outbox.enqueue(loginCode(to, secret()));

    await vi.waitFor(() => expect(smtp.refused).toBeGreaterThanOrEqual(2), WAIT);
    expect((await outbox.row(id)).last_error).toContain('451');
    smtp.refusal = undefined;
    await smtp.mailbox.waitFor(to);
    await vi.waitFor(async () => expect((await outbox.row(id)).status).toBe('sent'), WAIT);
    expect((await outbox.row(id)).attempts).toBe(smtp.refused + 1);
    expect(await smtp.mailbox.list(to)).toHaveLength(1);
  });

  test('a mail still refused at its last attempt is given up: marked failed, body wiped, logged without it', async ({ outbox, smtp }) => {
    const errors = capture('error');
    smtp.refusal = { code: 550, message: '5.1.1 No such user' };
    outbox.worker({ smtpUrl: smtp.url, maxAttempts: 3 });
    const code = secret();
    const id = await outbox.enqueue(loginCode(address(), code));

    await vi.waitFor(async () => expect((await outbox.row(id)).status).toBe('failed'), WAIT);
    const row = await outbox.row(id);
    expect(row).toMatchObject({ attempts: 3, text_body: null, html_body: null, sent_at: null });
    expect(row.last_error).toContain('550');
    expect(smtp.refused).toBe(3);
    const logged = errors.filter((line) => line.includes(id));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('given up after 3 attempts');
    expect(errors.join('\n')).not.toContain(code);
  });

  test('without SMTP_URL the mail is written to the log: recipient, subject and text', async ({ outbox }) => {
    const lines = capture('log');
    outbox.worker({ smtpUrl: undefined });
    expect(lines.join('\n')).toContain('SMTP_URL is not set');
    const to = address();
    const code = secret();
    const id = await outbox.enqueue(loginCode(to, code));

    await vi.waitFor(() => expect(lines.some((line) => line.includes(to))).toBe(true), WAIT);
    const printed = lines.find((line) => line.includes(to))!;
    expect(printed).toContain('Subject: Your sign-in code');
    expect(printed).toContain(`Your code is ${code}.`);
    expect(printed).toContain('It works for ten minutes.');
    await vi.waitFor(async () => expect((await outbox.row(id)).status).toBe('sent'), WAIT);
    expect((await outbox.row(id)).text_body).toBeNull();
  });
});
