// Notifications: "you earned ¥x.xx" and friends. Money events arrive from the bus after commit;
// each becomes an inbox row and is pushed at once to the earner's open SSE streams.
import type { Clock, EventBus } from '../../context.js';
import type { Db, Executor } from '../../db/database.js';
import { formatYuan } from '../../money.js';
import type { Logger } from 'pino';

export interface NotificationView {
  id: number;
  kind: string;
  title: string;
  body: string;
  amountFen: number | null;
  readAt: Date | null;
  createdAt: Date;
}

type Listener = (n: NotificationView) => void;

export interface NotificationInput {
  kind: string;
  title: string;
  body: string;
  amountFen: number | null;
  refType: string;
  refId: number;
}

const LEVEL_NAMES = ['', '一级', '二级', '三级'];

export class NotificationsService {
  private readonly listeners = new Map<number, Set<Listener>>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Wires the bus; returns an unsubscribe for shutdown. */
  attach(bus: EventBus): () => void {
    const offs = [
      bus.subscribe('commission.earned', (e) =>
        void this.notify(e.earnerId, {
          kind: 'commission.earned',
          title: `你赚了 ¥${formatYuan(e.amountFen)}`,
          body: `${LEVEL_NAMES[e.level] ?? `${e.level}级`}佣金，订单付款后已计入待结算`,
          amountFen: e.amountFen,
          refType: 'commission_earning',
          refId: e.earningId,
        }),
      ),
      bus.subscribe('commission.reversed', (e) =>
        void this.notify(e.earnerId, {
          kind: 'commission.reversed',
          title: `佣金退回 ¥${formatYuan(e.amountFen)}`,
          body: '订单发生退款，相应佣金已按比例退回',
          amountFen: -e.amountFen,
          refType: 'commission_earning',
          refId: e.earningId,
        }),
      ),
      bus.subscribe('payout.changed', (e) => {
        const titles: Record<string, string> = { paid: '提现已到账', rejected: '提现被驳回', failed: '提现打款失败' };
        if (!titles[e.status]) return;
        void this.notify(e.memberId, { kind: 'payout.changed', title: titles[e.status], body: e.status === 'paid' ? '款项已打到你的收款账户' : '金额已退回可提现余额', amountFen: null, refType: 'payout', refId: e.payoutId });
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  /** Notifications raised in the same turn of the event loop (an order's three earnings) are written together. */
  private pending: Array<{ memberId: number; n: NotificationInput; at: Date; done: () => void }> = [];

  notify(memberId: number, n: NotificationInput): Promise<void> {
    return new Promise((resolve) => {
      if (this.pending.length === 0) queueMicrotask(() => void this.flush());
      this.pending.push({ memberId, n, at: this.clock.now(), done: resolve });
    });
  }

  /** One insert for the batch, then each row is pushed to its member's open streams. */
  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const rows = await this.db
        .insertInto('notifications')
        .values(batch.map(({ memberId, n, at }) => ({ member_id: memberId, kind: n.kind, title: n.title, body: n.body, amount_fen: n.amountFen, ref_type: n.refType, ref_id: n.refId, created_at: at })))
        .returning(['id', 'member_id', 'kind', 'title', 'body', 'amount_fen', 'read_at', 'created_at'])
        .execute();
      for (const row of rows) {
        const view = toView(row);
        for (const listener of this.listeners.get(row.member_id) ?? []) listener(view);
      }
    } catch (error) {
      // a lost alert must never disturb the money path; the earnings themselves are committed
      this.log.error({ err: error, members: batch.map((b) => b.memberId) }, 'notifications failed');
    } finally {
      for (const b of batch) b.done();
    }
  }

  subscribe(memberId: number, listener: Listener): () => void {
    let set = this.listeners.get(memberId);
    if (!set) this.listeners.set(memberId, (set = new Set()));
    set.add(listener);
    return () => {
      set!.delete(listener);
      if (set!.size === 0) this.listeners.delete(memberId);
    };
  }

  async list(ex: Executor, memberId: number, limit: number, offset: number) {
    const [rows, unread] = await Promise.all([
      ex.selectFrom('notifications').select(['id', 'kind', 'title', 'body', 'amount_fen', 'read_at', 'created_at']).where('member_id', '=', memberId).orderBy('id', 'desc').limit(limit).offset(offset).execute(),
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

function toView(row: { id: number; kind: string; title: string; body: string; amount_fen: number | null; read_at: Date | null; created_at: Date }): NotificationView {
  return { id: row.id, kind: row.kind, title: row.title, body: row.body, amountFen: row.amount_fen, readAt: row.read_at, createdAt: row.created_at };
}
