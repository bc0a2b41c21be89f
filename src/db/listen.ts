// One listening connection per instance for PostgreSQL LISTEN/NOTIFY (live events across instances).
// On a server it is a dedicated client, never one of the pool's: a pooler in transaction mode cannot
// hold a LISTEN, so DATABASE_LISTEN_URL may point past PgBouncer straight at PostgreSQL. A lost
// connection (restart, failover) is reopened with backoff, and `onReconnect` tells the owner that
// notifications sent meanwhile were missed, so it can catch up from its tables.
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export interface ListenHandlers {
  onMessage(payload: string): void;
  /** the connection was lost and is back: what was notified in between never arrived */
  onReconnect?(): void;
}

export type Listen = (channel: string, handlers: ListenHandlers) => Promise<() => Promise<void>>;

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5_000;

function checkChannel(channel: string): void {
  // a channel is an identifier in LISTEN; ours are constants, never input
  if (!CHANNEL.test(channel)) throw new Error(`bad channel name ${channel}`);
}

export function listenOnServer(url: string, report: (message: string) => void): Listen {
  return async (channel, handlers) => {
    checkChannel(channel);
    let client: pg.Client | undefined;
    let closed = false;
    let retryMs = FIRST_RETRY_MS;
    let timer: NodeJS.Timeout | undefined;

    const connect = async (): Promise<void> => {
      const next = new pg.Client({ connectionString: url, application_name: 'fenxiao-listen' });
      // without a listener an 'error' on this client would end the process
      next.on('error', (error) => lost(next, error.message));
      next.on('end', () => lost(next, 'connection ended'));
      next.on('notification', (n) => {
        if (n.channel === channel) handlers.onMessage(n.payload ?? '');
      });
      try {
        await next.connect();
        await next.query(`listen ${channel}`);
      } catch (error) {
        await next.end().catch(() => undefined);
        throw error;
      }
      if (closed) {
        await next.end().catch(() => undefined);
        return;
      }
      client = next;
      retryMs = FIRST_RETRY_MS;
    };

    const lost = (which: pg.Client, why: string) => {
      if (closed || which !== client) return;
      client = undefined;
      report(`postgres: listening connection lost (${why}); reconnecting`);
      which.end().catch(() => undefined);
      schedule(true);
    };

    const schedule = (missed: boolean) => {
      if (closed || timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        connect().then(
          () => {
            if (missed && !closed) handlers.onReconnect?.();
          },
          (error: Error) => {
            report(`postgres: cannot listen yet (${error.message}); retrying in ${retryMs} ms`);
            retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
            schedule(missed);
          },
        );
      }, retryMs);
      timer.unref();
    };

    await connect();
    return async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      const last = client;
      client = undefined;
      await last?.end().catch(() => undefined);
    };
  };
}

/** PGlite is one in-process database: its notifications arrive after commit, like a server's. */
export function listenOnPglite(pglite: PGlite): Listen {
  return async (channel, handlers) => {
    checkChannel(channel);
    const unlisten = await pglite.listen(channel, (payload) => handlers.onMessage(payload));
    return () => unlisten();
  };
}
