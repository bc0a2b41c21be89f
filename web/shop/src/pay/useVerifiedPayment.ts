// The result page's source of truth: it asks the server (which asks the provider) every 1.5 s until the
// order is paid or closed, or the time runs out; the query string a cashier sent the buyer back with is
// never read. paid shows only what payment-check verified, with the order reloaded after it.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../api';
import type { Order } from '../../../shared/types';
import { payApi, type PaymentCheck } from './api';

export const POLL_MS = 1_500;

export type VerifiedPhase = 'checking' | 'paid' | 'unpaid' | 'closed';

export interface VerifiedPayment {
  phase: VerifiedPhase;
  order?: Order;
  check?: PaymentCheck;
  error?: unknown;
  /** ask again (after a timeout, or when the buyer says they paid) */
  recheck: () => void;
}

const PAID_STATUSES = ['paid', 'shipped', 'completed', 'refunded'];

/** limitMs: how long to keep asking before showing 未支付 (a QR waits longer than a returning buyer). */
export function useVerifiedPayment(orderId: number, limitMs: number): VerifiedPayment {
  const [phase, setPhase] = useState<VerifiedPhase>('checking');
  const [order, setOrder] = useState<Order>();
  const [check, setCheck] = useState<PaymentCheck>();
  const [error, setError] = useState<unknown>();
  const [round, setRound] = useState(0);
  const limit = useRef(limitMs);
  limit.current = limitMs;

  useEffect(() => {
    if (!Number.isSafeInteger(orderId) || orderId <= 0) return;
    let live = true;
    let timer: number | undefined;
    const until = Date.now() + limit.current;
    setPhase('checking');
    setError(undefined);
    // the order for the amount and number shown while waiting
    api.order(orderId).then((o) => live && setOrder((prev) => prev ?? o), (e: unknown) => live && setError(e));
    const ask = async () => {
      try {
        const c = await payApi.check(orderId);
        if (!live) return;
        setCheck(c);
        setError(undefined);
        if (c.paid && PAID_STATUSES.includes(c.status)) {
          const o = await api.order(orderId);
          if (!live) return;
          setOrder(o);
          setPhase('paid');
          return;
        }
        if (c.status === 'closed') {
          setPhase('closed');
          return;
        }
      } catch (e) {
        if (!live) return;
        setError(e);
        // not this buyer's order, or no such order: asking again changes nothing
        if (e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 429) {
          setPhase('unpaid');
          return;
        }
      }
      if (Date.now() >= until) setPhase('unpaid');
      else timer = window.setTimeout(() => void ask(), POLL_MS);
    };
    void ask();
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [orderId, round]);

  const recheck = useCallback(() => setRound((n) => n + 1), []);
  return { phase, order, check, error, recheck };
}
