// What every module service is given explicitly: the database, the clock, the event bus, the config.
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { AppConfig } from './config.js';
import type { Db } from './db/database.js';

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

/** Events published after commit; subscribers (notifications, analytics) never affect the money path. */
export interface DomainEvents {
  'commission.earned': EarningEvent;
  'commission.reversed': { earningId: number; earnerId: number; orderId: number; amountFen: number; at: Date };
  'order.paid': { orderId: number; buyerId: number; paidFen: number; at: Date };
  'payout.changed': { payoutId: number; memberId: number; status: string; at: Date };
}

export class EventBus {
  private readonly emitter = new EventEmitter();
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
}

export interface Deps {
  db: Db;
  clock: Clock;
  bus: EventBus;
  config: AppConfig;
  log: Logger;
}
