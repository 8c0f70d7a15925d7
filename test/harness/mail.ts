/**
 * A real SMTP server on loopback (smtp-server) that keeps what it receives as files, and a
 * mailbox that reads them. The run has one (global-setup.ts) that every test stack's mail
 * worker sends to: any worker of any file may deliver any file's mail, as identities
 * processes share one outbox, so tests find their mail by recipient. Tests about delivery
 * itself start their own, which they can stop, restart or make refuse mail.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** Envelope recipients (RCPT TO), lower-cased. */
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string | undefined;
  headers: Map<string, unknown>;
}

export class Mailbox {
  constructor(readonly dir: string) {}

  /** Every mail received so far, oldest first; only those to `address` when given. */
  async list(address?: string): Promise<ReceivedMail[]> {
    const files = (await readdir(this.dir)).filter((name) => name.endsWith('.json')).sort();
    const mails: ReceivedMail[] = [];
    for (const file of files) {
      const { envelope, raw } = JSON.parse(await readFile(join(this.dir, file), 'utf8')) as { envelope: { from: string; to: string[] }; raw: string };
      if (address && !envelope.to.includes(address.toLowerCase())) continue;
      const parsed = await simpleParser(raw);
      mails.push({
        to: envelope.to,
        from: envelope.from,
        subject: parsed.subject ?? '',
        text: parsed.text ?? '',
        html: parsed.html || undefined,
        headers: parsed.headers,
      });
    }
    return mails;
  }

  /** Waits until `count` mails to `address` have arrived (and returns them all); fails after `timeoutMs`. */
  async waitFor(address: string, { count = 1, timeoutMs = 20_000 } = {}): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mails = await this.list(address);
      if (mails.length >= count) return mails;
      if (Date.now() > deadline) throw new Error(`${mails.length} of ${count} mails to ${address} arrived within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export interface SmtpRefusal {
  /** An SMTP reply code: 4xx asks the sender to try again later, 5xx refuses for good. */
  code: number;
  message: string;
}

export class SmtpSink {
  readonly mailbox: Mailbox;
  /** While set, every message is refused with it (at DATA, after the envelope). */
  refusal: SmtpRefusal | undefined;
  /** Messages refused so far. */
  refused = 0;
  /** How long the server takes to accept each message: senders overlap, as with a real server under load. */
  delayMs = 0;
  private server: SMTPServer | undefined;

  private constructor(
    readonly dir: string,
    private port: number,
  ) {
    this.mailbox = new Mailbox(dir);
  }

  /** Starts on a free loopback port (or `port`), keeping messages in a fresh directory. */
  static async start(port = 0): Promise<SmtpSink> {
    const sink = new SmtpSink(await mkdtemp(join(tmpdir(), 'idgw-mail-')), port);
    await sink.listen();
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** Listens again on the same port after `stop`. */
  async listen(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      // Plain SMTP on loopback: its default STARTTLS certificate is self-signed, which nodemailer rightly refuses.
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => setTimeout(() => {
          if (this.refusal) {
            this.refused += 1;
            callback(Object.assign(new Error(this.refusal.message), { responseCode: this.refusal.code }));
            return;
          }
          const envelope = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((recipient) => recipient.address.toLowerCase()),
          };
          // Written whole, then renamed: a reader never sees half a message.
          const name = `${Date.now().toString().padStart(15, '0')}-${randomUUID()}`;
          const temporary = join(this.dir, `${name}.tmp`);
          writeFile(temporary, JSON.stringify({ envelope, raw: Buffer.concat(chunks).toString('utf8') }))
            .then(() => rename(temporary, join(this.dir, `${name}.json`)))
            .then(() => callback(), callback);
        }, this.delayMs));
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.server.address();
    if (typeof address === 'object' && address) this.port = address.port;
    this.server = server;
  }

  /** Stops listening (the port stays this sink's, for `listen`). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
