// Live delivery of inbox rows to open SSE streams, on every instance. The row is written in the money
// transaction with a NOTIFY (inbox.ts); each instance's one listening connection hears it after commit
// and pushes the row to the member's streams that instance holds. A stream that reconnects with
// Last-Event-ID is replayed from the inbox, and after the listening connection itself was lost every
// stream catches up the same way, so nothing committed is missed and nothing is sent twice.
import type { Db } from '../../db/database.js';
import type { Listen } from '../../db/listen.js';
import type { Logger } from 'pino';
import { INBOX_CHANNEL, parseInboxPayload } from './inbox.js';
import { NOTIFICATION_COLUMNS, toView, type NotificationView } from './views.js';

/** the most rows a reconnecting stream is sent at once; older ones are in the inbox list */
const REPLAY_LIMIT = 100;
/** ids a stream remembers having sent, so a row heard twice (live and replay) is written once */
const REMEMBERED_IDS = 500;

type Write = (n: NotificationView) => void;

class Stream {
  private readonly sent = new Set<number>();
  /** rows heard live while the replay is being read wait here, then go out in id order */
  private waiting: NotificationView[] | null = [];
  /** ids at or below what the client said it had (Last-Event-ID) are never sent again */
  private readonly floor: number;
  highestSentId: number;

  constructor(
    lastEventId: number,
    private readonly write: Write,
  ) {
    this.floor = lastEventId;
    this.highestSentId = lastEventId;
  }

  deliver(rows: NotificationView[]): void {
    if (this.waiting) {
      this.waiting.push(...rows);
      return;
    }
    for (const row of rows) {
      if (this.sent.has(row.id) || row.id <= this.floor) continue;
      this.sent.add(row.id);
      if (this.sent.size > REMEMBERED_IDS) this.sent.delete(this.sent.values().next().value!);
      this.highestSentId = Math.max(this.highestSentId, row.id);
      this.write(row);
    }
  }

  /** the replay is written; live rows held meanwhile follow it */
  ready(replayed: NotificationView[]): void {
    const held = this.waiting ?? [];
    this.waiting = null;
    this.deliver([...replayed, ...held].sort((a, b) => a.id - b.id));
  }
}

export class LiveNotifications {
  private readonly streams = new Map<number, Set<Stream>>();
  private unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  async start(listen: Listen): Promise<void> {
    this.unlisten = await listen(INBOX_CHANNEL, {
      onMessage: (payload) => void this.heard(payload),
      onReconnect: () => void this.catchUp(),
    });
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = undefined;
  }

  /**
   * Opens a stream for one member. With lastEventId (the SSE reconnect header) the inbox rows after
   * it are sent first; without, only what arrives from now on.
   */
  async open(memberId: number, lastEventId: number | null, write: Write): Promise<() => void> {
    const stream = new Stream(lastEventId ?? 0, write);
    let set = this.streams.get(memberId);
    if (!set) this.streams.set(memberId, (set = new Set()));
    set.add(stream);
    const close = () => {
      set!.delete(stream);
      if (set!.size === 0 && this.streams.get(memberId) === set) this.streams.delete(memberId);
    };
    try {
      stream.ready(lastEventId === null ? [] : await this.after(memberId, lastEventId));
    } catch (error) {
      close();
      throw error;
    }
    return close;
  }

  /** how many streams this instance holds (tests, metrics) */
  get openStreams(): number {
    let n = 0;
    for (const set of this.streams.values()) n += set.size;
    return n;
  }

  private async heard(payload: string): Promise<void> {
    const wanted = parseInboxPayload(payload).filter((p) => this.streams.has(p.memberId));
    if (wanted.length === 0) return;
    try {
      const rows = await this.db.selectFrom('notifications').select([...NOTIFICATION_COLUMNS, 'member_id']).where('id', 'in', wanted.map((p) => p.id)).orderBy('id').execute();
      this.push(rows);
    } catch (error) {
      // the rows are committed: a stream that misses them now gets them on its reconnect
      this.log.warn({ err: error }, 'live notifications: reading heard rows failed');
    }
  }

  /** After the listening connection was lost: each stream gets what was committed since it last sent. */
  private async catchUp(): Promise<void> {
    for (const [memberId, set] of this.streams) {
      const since = Math.min(...[...set].map((s) => s.highestSentId));
      try {
        const rows = await this.after(memberId, since);
        for (const stream of set) stream.deliver(rows);
      } catch (error) {
        this.log.warn({ err: error, memberId }, 'live notifications: catching up failed');
      }
    }
  }

  private push(rows: Array<Parameters<typeof toView>[0] & { member_id: number }>): void {
    const byMember = new Map<number, NotificationView[]>();
    for (const row of rows) {
      const list = byMember.get(row.member_id) ?? [];
      list.push(toView(row));
      byMember.set(row.member_id, list);
    }
    for (const [memberId, views] of byMember) for (const stream of this.streams.get(memberId) ?? []) stream.deliver(views);
  }

  private async after(memberId: number, afterId: number): Promise<NotificationView[]> {
    const rows = await this.db.selectFrom('notifications').select(NOTIFICATION_COLUMNS).where('member_id', '=', memberId).where('id', '>', afterId).orderBy('id').limit(REPLAY_LIMIT).execute();
    return rows.map(toView);
  }
}
