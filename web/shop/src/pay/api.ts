// The payment endpoints the shop calls (through the shared request helper: tokens, errors in the current language).
import type { ResponseOf } from '../../../shared/api';
import { request } from '../api';
import type { PayOption } from './env';

/** jsapi/mp: the bridge's params; h5: {h5Url}; native: {codeUrl}; wap/page: {payUrl}; dev: the simulate call */
export type StartedPayment = ResponseOf<'/api/orders/{id}/pay', 'post'>;
export type PaymentAttempt = PaymentCheck['payments'][number];
/** The verified state: the server asked the provider about open attempts just now. */
export type PaymentCheck = ResponseOf<'/api/orders/{id}/payment-check', 'post'>;

let enabled: Promise<PayOption[]> | null = null;

export const payApi = {
  /** what this server has enabled (asked once per page load) */
  methods: () =>
    (enabled ??= request<{ methods: PayOption[] }>('/api/payments/methods', { redirectOn401: false }).then(
      (r) => r.methods,
      (error: unknown) => {
        enabled = null;
        throw error;
      },
    )),
  start: (orderId: number, option: PayOption) => request<StartedPayment>(`/api/orders/${orderId}/pay`, { method: 'POST', body: option }),
  check: (orderId: number) => request<PaymentCheck>(`/api/orders/${orderId}/payment-check`, { method: 'POST' }),
};
