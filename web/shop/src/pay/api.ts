// The payment endpoints the shop calls (through the shared request helper: tokens, errors in the current language).
import { request } from '../api';
import type { PayMethod, PayOption, PayProvider } from './env';

export interface StartedPayment {
  provider: PayProvider;
  method: PayMethod;
  outTradeNo: string;
  amountFen: number;
  /** jsapi/mp: the bridge's params; h5: {h5Url}; native: {codeUrl}; wap/page: {payUrl}; dev: the simulate call */
  params: Record<string, unknown>;
}

export interface PaymentAttempt {
  id: number;
  provider: string;
  method: string;
  outTradeNo: string;
  amountFen: number;
  status: string;
  paidAt: string | null;
}

/** The verified state: the server asked the provider about open attempts just now. */
export interface PaymentCheck {
  orderId: number;
  status: string;
  paid: boolean;
  payments: PaymentAttempt[];
}

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
