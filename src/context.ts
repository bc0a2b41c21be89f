// What every module service is given explicitly: the database, the clock, the event bus, the config.
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { AppConfig } from './config.js';
import type { Db, Tx } from './db/database.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can move forward (freeze periods, code expiry). */
export class ManualClock implements Clock {
  constructor(private current = new Date()) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  advanceMs(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
  advanceDays(days: number): void {
    this.advanceMs(days * 86_400_000);
  }
}

export interface EarningEvent {
  earningId: number;
  earnerId: number;
  orderId: number;
  level: number;
  amountFen: number;
  at: Date;
}

/**
 * Events of the money path. Plain subscribers hear them after commit and never affect the money
 * path; transactional subscribers (the notification inbox) write with the event's cause, in its
 * transaction, so their rows exist exactly when the cause committed.
 */
export interface DomainEvents {
  'commission.earned': EarningEvent;
  /** cause: a refund (the default), or HQ voiding an earning a risk rule held ('review') */
  'commission.reversed': { earningId: number; earnerId: number; orderId: number; amountFen: number; at: Date; cause?: 'refund' | 'review' };
  'order.paid': { orderId: number; buyerId: number; paidFen: number; at: Date };
  'payout.changed': { payoutId: number; memberId: number; status: string; at: Date };
}

type TransactionalHandler<E> = (tx: Tx, events: E[]) => Promise<void>;

export class EventBus {
  private readonly emitter = new EventEmitter();
  private readonly inTransaction = new Map<keyof DomainEvents, Array<TransactionalHandler<never>>>();
  constructor() {
    this.emitter.setMaxListeners(0);
  }
  publish<K extends keyof DomainEvents>(name: K, event: DomainEvents[K]): void {
    this.emitter.emit(name, event);
  }
  subscribe<K extends keyof DomainEvents>(name: K, listener: (event: DomainEvents[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
  subscribeInTransaction<K extends keyof DomainEvents>(name: K, handler: TransactionalHandler<DomainEvents[K]>): () => void {
    const list = this.inTransaction.get(name) ?? [];
    list.push(handler as TransactionalHandler<never>);
    this.inTransaction.set(name, list);
    return () => list.splice(list.indexOf(handler as TransactionalHandler<never>), 1);
  }
  /** The events' transactional subscribers write in tx now; plain subscribers hear each event after commit. */
  async publishInTransaction<K extends keyof DomainEvents>(tx: Tx, afterCommit: (cb: () => void) => void, name: K, events: Array<DomainEvents[K]>): Promise<void> {
    if (events.length === 0) return;
    for (const handler of this.inTransaction.get(name) ?? []) await (handler as TransactionalHandler<DomainEvents[K]>)(tx, events);
    afterCommit(() => {
      for (const event of events) this.publish(name, event);
    });
  }
}

export interface Deps {
  db: Db;
  clock: Clock;
  bus: EventBus;
  config: AppConfig;
  log: Logger;
}
