import { EventEmitter } from 'node:events';
import pg from 'pg';

/**
 * PostgreSQL notifications (NOTIFY, pg_notify) seen by any connection of this process, by
 * channel. Two kinds of connection feed it:
 *
 * - `listen`'s own connection, which runs LISTEN: on a PostgreSQL server that session is the
 *   one the server tells.
 * - every pool connection (`relayNotifications`, the pools' afterCreate): the embedded PGlite
 *   is one backend, so a notification comes out of whichever connection's transaction
 *   committed, before that commit's answer; relayed from there, it is handled before the
 *   statement that caused it returns.
 */
const bus = new EventEmitter();
bus.setMaxListeners(0);

export function relayNotifications(connection: pg.Client): void {
  connection.on('notification', (message) => bus.emit(message.channel, message.payload ?? ''));
}

export interface NotificationHandlers {
  /** A notification on the channel, with its payload. */
  notify(payload: string): void;
  /**
   * Whether notifications are being received: false at first, true once LISTEN has run, false
   * again whenever the connection is lost (what was sent meanwhile is missed) until it is back.
   */
  live(listening: boolean): void;
}

export interface Subscription {
  close(): Promise<void>;
}

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 30_000;

/**
 * LISTEN on `channel` over a connection of its own, reconnecting (with backoff) when it is lost.
 * Resolves once the first attempt has connected or failed; the subscription keeps trying.
 */
export async function listen(databaseUrl: string, channel: string, handlers: NotificationHandlers): Promise<Subscription> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
  const onNotify = (payload: string) => handlers.notify(payload);
  bus.on(channel, onNotify);
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let delay = RETRY_MIN_MS;

  const lost = (current: pg.Client) => {
    if (client !== current) return;
    client = undefined;
    handlers.live(false);
    current.end().catch(() => undefined);
    if (!closed) {
      retry = setTimeout(() => void connect(), delay);
      retry.unref();
      delay = Math.min(delay * 2, RETRY_MAX_MS);
    }
  };

  const connect = async () => {
    const current = new pg.Client({ connectionString: databaseUrl, application_name: `listen:${channel}` });
    client = current;
    current.on('error', () => lost(current));
    current.on('end', () => lost(current));
    relayNotifications(current);
    try {
      await current.connect();
      await current.query(`listen ${channel}`);
      if (closed || client !== current) return;
      delay = RETRY_MIN_MS;
      handlers.live(true);
    } catch {
      lost(current);
    }
  };

  await connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      bus.off(channel, onNotify);
      const current = client;
      client = undefined;
      handlers.live(false);
      await current?.end().catch(() => undefined);
    },
  };
}
