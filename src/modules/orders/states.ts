// The order's state machine as data: which statuses each step may start from, where it leads, and
// the code a refusal carries. Every status check in the orders module (and in modules that move an
// order, like suppliers' shipping) asks assertTransition or canTransition, never its own list.
import { conflict } from '../../errors.js';
import type { OrderStatus } from './tables.js';

export const ORDER_TRANSITIONS = {
  pay: { from: ['pending_payment'], to: 'paid', refusal: 'ORDER_NOT_PAYABLE', verb: 'paid' },
  close: { from: ['pending_payment'], to: 'closed', refusal: 'ORDER_NOT_CANCELLABLE', verb: 'cancelled' },
  ship: { from: ['paid'], to: 'shipped', refusal: 'ORDER_NOT_SHIPPABLE', verb: 'shipped' },
  complete: { from: ['paid', 'shipped'], to: 'completed', refusal: 'ORDER_NOT_COMPLETABLE', verb: 'completed' },
  /** a refund keeps the status until the whole payment is refunded, then leads to refunded */
  refund: { from: ['paid', 'shipped', 'completed'], to: 'refunded', refusal: 'ORDER_NOT_REFUNDABLE', verb: 'refunded' },
} as const satisfies Record<string, { from: readonly OrderStatus[]; to: OrderStatus; refusal: string; verb: string }>;

export type OrderStep = keyof typeof ORDER_TRANSITIONS;

export function canTransition(status: OrderStatus, step: OrderStep): boolean {
  return (ORDER_TRANSITIONS[step].from as readonly OrderStatus[]).includes(status);
}

/** Refuses the step from this status with 409 and the step's code. */
export function assertTransition(status: OrderStatus, step: OrderStep): void {
  if (!canTransition(status, step)) {
    const t = ORDER_TRANSITIONS[step];
    throw conflict(t.refusal, `an order that is ${status} cannot be ${t.verb}`);
  }
}

/** The statuses a step may start from, for a guarded update (`where status in …`). */
export function statusesFor(step: OrderStep): OrderStatus[] {
  return [...ORDER_TRANSITIONS[step].from];
}
