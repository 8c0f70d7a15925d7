import { ConfigurationError, env, envInt } from '../../../../lib/config.js';

export interface MailOptions {
  /** smtp:// or smtps://, credentials in the URL; unset: mails are written to the log. */
  smtpUrl: string | undefined;
  /** The From header of every mail. */
  from: string;
  /** How often a worker looks for due mail that no commit in its own process announced (other processes' mail, retries). */
  pollIntervalMs: number;
  /** The first retry waits about this long; each further one twice as long as the one before, ... */
  retryBaseMs: number;
  /** ... up to this. */
  retryMaxMs: number;
  /** Attempts before a mail is given up (marked failed, its body wiped). */
  maxAttempts: number;
  /** How long a claimed mail belongs to its worker: past it (the process died mid-send) another worker tries again. */
  leaseMs: number;
  /** Mails claimed at once by one worker. */
  batchSize: number;
}

export const DEFAULT_MAIL_FROM = 'Identity gateway <no-reply@localhost>';

export function parseSmtpUrl(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError('SMTP_URL must be a URL such as smtp://user:password@mail.example.com:587 or smtps://…:465');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new ConfigurationError(`SMTP_URL must start with smtp:// or smtps://, not ${url.protocol}//`);
  if (!url.hostname) throw new ConfigurationError('SMTP_URL names no host');
  return value;
}

/** What the environment says; every variable checked, so `npm start` refuses a bad one before starting. */
export function mailOptionsFromEnv(): MailOptions {
  const from = env('MAIL_FROM', DEFAULT_MAIL_FROM);
  if (/[\r\n]/.test(from)) throw new ConfigurationError('MAIL_FROM must be one line');
  const options: MailOptions = {
    smtpUrl: parseSmtpUrl(env('SMTP_URL', '')),
    from,
    pollIntervalMs: envInt('MAIL_POLL_INTERVAL_MS', 5_000),
    retryBaseMs: envInt('MAIL_RETRY_BASE_MS', 10_000),
    retryMaxMs: envInt('MAIL_RETRY_MAX_MS', 30 * 60_000),
    maxAttempts: envInt('MAIL_MAX_ATTEMPTS', 15),
    leaseMs: 5 * 60_000,
    batchSize: 10,
  };
  if (options.pollIntervalMs < 100) throw new ConfigurationError('MAIL_POLL_INTERVAL_MS must be at least 100');
  if (options.maxAttempts < 1) throw new ConfigurationError('MAIL_MAX_ATTEMPTS must be at least 1');
  return options;
}
