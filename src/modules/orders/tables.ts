// Row types of orders, their lines, refunds, refund requests, pickup codes and the participants'
// deferred effects and parcels (001, 009, 016, 026, 037, 038), for Kysely; db/schema.ts merges them.
import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { CreatedAt, Json } from '../../db/columns.js';
import type { Executor } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { Fingerprint } from './request-fingerprint.js';
import type { TrackingState } from './tracking.js';
import type { CheckoutCampaign } from './types.js';
import type { CommissionOverride } from '../rules/index.js';

export type { TrackingState };

export type CheckoutFingerprintTables = {
  orders: { checkout_fingerprint: ColumnType<Fingerprint | null, string | null | undefined, string | null> };
};

export type FingerprintDb = Kysely<Database & CheckoutFingerprintTables>;
export type FingerprintTx = Transaction<Database & CheckoutFingerprintTables>;

export function withCheckoutFingerprint(ex: Executor): FingerprintDb {
  return ex.withTables<CheckoutFingerprintTables>() as unknown as FingerprintDb;
}
export function withCheckoutFingerprintTx(tx: Transaction<Database>): FingerprintTx {
  return tx.withTables<CheckoutFingerprintTables>();
}

export type OrderStatus = 'pending_payment' | 'paid' | 'shipped' | 'completed' | 'closed' | 'refunded';
export type OrderSource = 'share_link' | 'poster' | 'store' | 'direct';

export interface ShippingAddress {
  name: string;
  phone: string;
  province: string;
  city: string;
  district: string;
  detail: string;
  regionCode: string;
}

/** 发票: a personal title, or a company's with its unified social credit code (纳税人识别号). */
export interface InvoiceRequest {
  kind: 'personal' | 'company';
  title: string;
  taxNo?: string;
}

export interface OrdersTable {
  id: Generated<number>;
  order_no: string;
  buyer_id: number;
  status: Generated<OrderStatus>;
  goods_fen: number;
  discount_fen: Generated<number>;
  shipping_fen: Generated<number>;
  payable_fen: number;
  paid_fen: Generated<number>;
  refunded_fen: Generated<number>;
  source: Generated<OrderSource>;
  sharer_id: number | null;
  checkout_key: string | null;
  shipping_address: Json<ShippingAddress> | null;
  region_code: string | null;
  delivery_method: Generated<'express' | 'pickup'>;
  store_id: number | null;
  rule_version_id: number | null;
  paid_at: Date | null;
  shipped_at: Date | null;
  completed_at: Date | null;
  closed_at: Date | null;
  created_at: CreatedAt;
  /** 038_order_parcels.sql: when a shipped order completes by itself, and the buyer's one extension */
  receive_due_at: Date | null;
  receive_extended_at: Date | null;
  /** 买家留言 (049) */
  buyer_note: string | null;
  /** the invoice the buyer asked for (049) */
  invoice: Json<InvoiceRequest> | null;
  /** 026_idempotency_fingerprints.sql */
  checkout_fingerprint: ColumnType<Fingerprint | null, string | null | undefined, string | null>;
  /** the campaign the buyer checked out in (052): its participant's orders, known at payment without a read */
  campaign: ColumnType<CheckoutCampaign | null, string | null | undefined, string | null>;
  /** a pay-by time sooner than the rules' unpaid window, set by checkout from a campaign's terms (052) */
  pay_due_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface OrderLinesTable {
  id: Generated<number>;
  order_id: number;
  product_id: number;
  sku_id: number;
  title: string;
  quantity: number;
  unit_price_fen: number;
  discount_fen: Generated<number>;
  paid_fen: number;
  refunded_fen: Generated<number>;
  /** how the line pays commission when a participant set it at checkout (052); null = as the rules say */
  commission_override: ColumnType<CommissionOverride | null, string | null | undefined, string | null>;
  /** the catalog took this line's stock at checkout; false: a participant keeps it (a campaign's own stock, 052) */
  catalog_stock: Generated<boolean>;
}

export interface RefundsTable {
  id: Generated<number>;
  refund_no: string;
  order_id: number;
  status: Generated<'processing' | 'succeeded' | 'failed' | 'overpaid'>;
  amount_fen: number;
  shipping_fen: Generated<number>;
  reason: string;
  created_by: number | null;
  idempotency_key: string;
  created_at: CreatedAt;
  completed_at: Date | null;
}

export interface RefundLinesTable {
  refund_id: number;
  order_line_id: number;
  amount_fen: number;
}

export interface RefundRequestsTable {
  id: Generated<number>;
  order_id: number;
  buyer_id: number;
  lines: Json<Array<{ lineId: number; amountFen: number }>>;
  shipping_fen: Generated<number>;
  reason: string;
  status: Generated<RefundRequestStatus>;
  refund_id: number | null;
  review_reason: string | null;
  reviewed_by: number | null;
  reviewed_at: Date | null;
  created_at: CreatedAt;
  /** 039_after_sales.sql */
  kind: Generated<AfterSalesKind>;
  reason_code: Generated<AfterSalesReason>;
  return_address: Json<ReturnAddress> | null;
  return_due_at: Date | null;
  return_carrier_code: string | null;
  return_carrier_name: string | null;
  return_tracking_no: string | null;
  return_shipped_at: Date | null;
  received_at: Date | null;
  received_by: number | null;
  closed_at: Date | null;
  /** 043_after_sales_deadlines.sql: a pending request not reviewed by then is approved by the job */
  review_due_at: Date | null;
  /** a return sent back and not confirmed by then is received and refunded by the job */
  receive_due_at: Date | null;
}

export const REFUND_REQUEST_STATUSES = ['pending', 'awaiting_return', 'returning', 'approved', 'rejected', 'cancelled', 'expired'] as const;
export type RefundRequestStatus = (typeof REFUND_REQUEST_STATUSES)[number];
/** a request in these still holds the order (one per order; the automatic receipt waits) */
export const OPEN_REFUND_REQUEST_STATUSES = ['pending', 'awaiting_return', 'returning'] as const satisfies readonly RefundRequestStatus[];
export const AFTER_SALES_KINDS = ['refund_only', 'return_refund'] as const;
export type AfterSalesKind = (typeof AFTER_SALES_KINDS)[number];
export const AFTER_SALES_REASONS = ['no_longer_needed', 'not_received', 'damaged', 'wrong_item', 'quality', 'not_as_described', 'other'] as const;
export type AfterSalesReason = (typeof AFTER_SALES_REASONS)[number];
/** where a return goes: HQ's return address as the buyer must write it on the parcel */
export interface ReturnAddress {
  name: string;
  phone: string;
  address: string;
}

export interface PickupCodesTable {
  order_id: number;
  store_id: number;
  code: string;
  redeemed_at: Date | null;
  redeemed_by: number | null;
  created_at: CreatedAt;
}

/** 037_order_effects.sql: a paid order's or succeeded refund's deferred participant work (effects.ts) */
export interface OrderEffectsTable {
  id: Generated<number>;
  order_id: number;
  refund_id: number | null;
  payload: Json<unknown>;
  pending: ColumnType<string[], string[], string[]>;
  tries: Generated<number>;
  last_error: string | null;
  next_at: Date;
  created_at: Date;
}

export interface TrackingEvent {
  at: string;
  text: string;
  area?: string;
}

/** 038_order_parcels.sql */
export interface OrderParcelsTable {
  id: Generated<number>;
  order_id: number;
  carrier_code: string | null;
  carrier_name: string;
  tracking_no: string;
  shipped_by_kind: 'hq' | 'supplier';
  supplier_id: number | null;
  shipped_by: number | null;
  shipped_at: Date;
  tracking_state: TrackingState | null;
  tracking_events: ColumnType<TrackingEvent[], string | undefined, string>;
  tracking_updated_at: Date | null;
  delivered_at: Date | null;
  subscription: Generated<'none' | 'pending' | 'subscribed' | 'failed'>;
  subscribe_tries: Generated<number>;
  subscribe_next_at: Date | null;
  subscribe_error: string | null;
}

export interface OrdersTables {
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  refunds: RefundsTable;
  refund_lines: RefundLinesTable;
  refund_requests: RefundRequestsTable;
  pickup_codes: PickupCodesTable;
  order_effects: OrderEffectsTable;
  order_parcels: OrderParcelsTable;
}
