// Notifications: "you earned ¥x.xx" and friends. Money events arrive from the bus inside their
// transaction, so each inbox row commits with its money (inbox.ts); live.ts pushes it to the
// earner's open SSE streams on whichever instance holds them.
import type { Clock, EventBus } from '../../context.js';
import { inTransaction, type Db, type Executor, type Tx } from '../../db/database.js';
import type { Listen } from '../../db/listen.js';
import { formatYuan } from '../../money.js';
import type { Logger } from 'pino';
import { writeInbox, type NotificationInput } from './inbox.js';
import { LiveNotifications } from './live.js';
import { NOTIFICATION_COLUMNS, toView, type NotificationView } from './views.js';

export type { NotificationInput, NotificationView };

const LEVEL_NAMES = ['', '一级', '二级', '三级'];
const PAYOUT_TITLES: Record<string, string> = { paid: '提现已到账', rejected: '提现被驳回', failed: '提现打款失败' };

export class NotificationsService {
  private readonly live: LiveNotifications;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    log: Logger,
  ) {
    this.live = new LiveNotifications(db, log);
  }

  /** Wires the bus; returns an unsubscribe for shutdown. */
  attach(bus: EventBus): () => void {
    const offs = [
      bus.subscribeInTransaction('commission.earned', (tx, events) =>
        writeInbox(tx, events.map((e) => ({
          memberId: e.earnerId,
          at: e.at,
          n: { kind: 'commission.earned', title: `你赚了 ¥${formatYuan(e.amountFen)}`, body: `${LEVEL_NAMES[e.level] ?? `${e.level}级`}佣金，订单付款后已计入待结算`, amountFen: e.amountFen, refType: 'commission_earning', refId: e.earningId },
        }))),
      ),
      bus.subscribeInTransaction('commission.reversed', (tx, events) =>
        writeInbox(tx, events.map((e) => ({
          memberId: e.earnerId,
          at: e.at,
          n: { kind: 'commission.reversed', title: `佣金退回 ¥${formatYuan(e.amountFen)}`, body: e.cause === 'review' ? '经审核，该笔佣金不予发放' : '订单发生退款，相应佣金已按比例退回', amountFen: -e.amountFen, refType: 'commission_earning', refId: e.earningId },
        }))),
      ),
      bus.subscribeInTransaction('payout.changed', (tx, events) =>
        writeInbox(tx, events.filter((e) => PAYOUT_TITLES[e.status]).map((e) => ({
          memberId: e.memberId,
          at: e.at,
          n: { kind: 'payout.changed', title: PAYOUT_TITLES[e.status]!, body: e.status === 'paid' ? '款项已打到你的收款账户' : '金额已退回可提现余额', amountFen: null, refType: 'payout', refId: e.payoutId },
        }))),
      ),
    ];
    return () => offs.forEach((off) => off());
  }

  /** Starts hearing every instance's inbox writes (one listening connection); stop() ends it. */
  startLive(listen: Listen): Promise<void> {
    return this.live.start(listen);
  }

  stopLive(): Promise<void> {
    return this.live.stop();
  }

  /** A note that is not part of a money transaction (a daily report). */
  async notify(memberId: number, n: NotificationInput): Promise<void> {
    await inTransaction(this.db, (tx) => this.notifyIn(tx, memberId, n));
  }

  /** A note written with its cause (a contest's result with its prizes): it exists exactly when the cause committed. */
  async notifyIn(tx: Tx, memberId: number, n: NotificationInput): Promise<void> {
    await writeInbox(tx, [{ memberId, n, at: this.clock.now() }]);
  }

  /** A member's live stream: rows after lastEventId first (an SSE reconnect), then each new one. */
  openStream(memberId: number, lastEventId: number | null, write: (n: NotificationView) => void): Promise<() => void> {
    return this.live.open(memberId, lastEventId, write);
  }

  get openStreams(): number {
    return this.live.openStreams;
  }

  async list(ex: Executor, memberId: number, limit: number, offset: number) {
    const [rows, unread] = await Promise.all([
      ex.selectFrom('notifications').select(NOTIFICATION_COLUMNS).where('member_id', '=', memberId).orderBy('id', 'desc').limit(limit).offset(offset).execute(),
      ex.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).where('member_id', '=', memberId).where('read_at', 'is', null).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toView), unread: Number(unread.n) };
  }

  async markRead(memberId: number, ids?: number[]): Promise<void> {
    let q = this.db.updateTable('notifications').set({ read_at: this.clock.now() }).where('member_id', '=', memberId).where('read_at', 'is', null);
    if (ids) q = q.where('id', 'in', ids.length ? ids : [-1]);
    await q.execute();
  }
}
