import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError } from '../../../../lib/config.js';
import { DEFAULT_MAIL_FROM, mailOptionsFromEnv } from './config.js';
import { retryDelayMs } from './worker.js';

describe('mail configuration', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('sends to the log by default, from a default sender', () => {
    vi.stubEnv('SMTP_URL', '');
    vi.stubEnv('MAIL_FROM', '');
    expect(mailOptionsFromEnv()).toMatchObject({ smtpUrl: undefined, from: DEFAULT_MAIL_FROM, maxAttempts: 15 });
  });

  it('takes smtp:// and smtps:// URLs, credentials included', () => {
    vi.stubEnv('SMTP_URL', 'smtps://user:p%40ss@mail.example.com:465');
    vi.stubEnv('MAIL_FROM', 'Acme <id@acme.example>');
    expect(mailOptionsFromEnv()).toMatchObject({ smtpUrl: 'smtps://user:p%40ss@mail.example.com:465', from: 'Acme <id@acme.example>' });
  });

  it.each([['http://mail.example.com'], ['mail.example.com:25'], ['smtp://']])('refuses SMTP_URL=%s as a configuration error', (value) => {
    vi.stubEnv('SMTP_URL', value);
    expect(() => mailOptionsFromEnv()).toThrow(ConfigurationError);
  });

  it('refuses a MAIL_FROM of several lines, and no attempts at all', () => {
    vi.stubEnv('MAIL_FROM', 'a@b.example\r\nBcc: c@d.example');
    expect(() => mailOptionsFromEnv()).toThrow('one line');
    vi.stubEnv('MAIL_FROM', '');
    vi.stubEnv('MAIL_MAX_ATTEMPTS', '0');
    expect(() => mailOptionsFromEnv()).toThrow('MAIL_MAX_ATTEMPTS');
  });
});

describe('retry delays', () => {
  const options = { retryBaseMs: 1_000, retryMaxMs: 60_000 };

  it('double with each attempt, jittered between half and all of it, and stop growing at the cap', () => {
    for (let i = 0; i < 200; i++) {
      for (const [attempt, full] of [[1, 1_000], [2, 2_000], [3, 4_000], [7, 60_000], [30, 60_000]] as const) {
        const delay = retryDelayMs(attempt, options);
        expect(delay).toBeGreaterThanOrEqual(full / 2);
        expect(delay).toBeLessThanOrEqual(full);
      }
    }
  });
});
