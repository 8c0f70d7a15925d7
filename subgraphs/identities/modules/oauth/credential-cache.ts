import { LRUCache } from 'lru-cache';

/** What the token endpoint needs of a credential to authenticate a client. */
export interface KnownCredential {
  id: string;
  secretHash: string;
  /** Epoch milliseconds, or null for a credential that does not expire. */
  expiresAt: number | null;
  serviceAccountId: string;
  /** When this process last saw `last_used_at` written (or found it recent), epoch milliseconds. */
  lastUsedSeenAt: number;
}

/** A safety net only: changes are forgotten when they are notified, not when this runs out. */
const TTL_MS = 5 * 60_000;
const MAX_ENTRIES = 10_000;

/**
 * Credentials the token endpoint has read, by client id, so that a busy client's token requests
 * are answered without a database round trip (on the embedded PGlite that round trip is the
 * larger part of the request's CPU).
 *
 * A credential is forgotten when the database announces a change to it (the trigger of
 * Migration20261125000000_credential_notify: rotation, expiry, deletion, its account's
 * deletion, by the API or by hand). While notifications are not being received (at start,
 * after a lost connection) nothing is kept and every request reads the database. A read that
 * raced with a change is not kept: `generation` moves with every change, and a read is stored
 * only if it did not move while the read was under way.
 */
export class CredentialCache {
  private readonly entries = new LRUCache<string, KnownCredential>({ max: MAX_ENTRIES, ttl: TTL_MS });
  private generation = 0;
  private listening = false;

  get(clientId: string): KnownCredential | undefined {
    return this.listening ? this.entries.get(clientId) : undefined;
  }

  /** Taken before a read; handed back to `store` with what was read. */
  ticket(): number {
    return this.generation;
  }

  store(clientId: string, credential: KnownCredential, ticket: number): void {
    if (this.listening && ticket === this.generation) this.entries.set(clientId, credential);
  }

  /** A change to this client's credential was announced. */
  forget(clientId: string): void {
    this.generation += 1;
    this.entries.delete(clientId);
  }

  /** Whether changes are being announced to this process: while not, nothing is kept. */
  live(listening: boolean): void {
    this.generation += 1;
    this.entries.clear();
    this.listening = listening;
  }

  get size(): number {
    return this.entries.size;
  }
}
