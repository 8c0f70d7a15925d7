import { createTransport } from 'nodemailer';
import type { MailKind } from './outbox.js';

/** A claimed mail, body included: only transports see it. */
export interface MailToSend {
  id: string;
  kind: MailKind;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  attempts: number;
}

export interface MailTransport {
  /** Resolves once the mail is handed over; rejects when it was not (it will be retried). */
  send(mail: MailToSend): Promise<void>;
  close(): void;
}

/** Over SMTP with nodemailer; `smtpUrl` is smtp:// (STARTTLS when the server offers it) or smtps:// (TLS from the start). */
export function smtpTransport(smtpUrl: string, from: string): MailTransport {
  const transporter = createTransport({
    url: smtpUrl,
    // A hung server holds one worker's mail, not the worker forever; the lease outlives these.
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  return {
    async send(mail) {
      await transporter.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.html ? { html: mail.html } : {}),
        // RFC 3834: no out-of-office replies to an automated mail.
        headers: { 'Auto-Submitted': 'auto-generated' },
        // Bodies are ours, but nothing in a mail may make the server read files or fetch URLs.
        disableFileAccess: true,
        disableUrlAccess: true,
      });
    },
    close: () => transporter.close(),
  };
}

/**
 * Without SMTP_URL: the mail goes to the log, the one place where a body is ever printed, so
 * that whoever runs `npm start` can follow a sign-in link or read a code.
 */
export function logTransport(log: (text: string) => void = console.log): MailTransport {
  return {
    async send(mail) {
      const body = mail.text.replace(/\r\n/g, '\n').replace(/^/gm, '  ');
      log(`Mail (${mail.kind}, not sent: SMTP_URL is not set)\n  To:      ${mail.to}\n  Subject: ${mail.subject}\n\n${body}\n`);
    },
    close: () => undefined,
  };
}
