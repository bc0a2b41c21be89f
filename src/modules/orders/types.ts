// What callers hand the orders module and what checkout prices.
import type { InvoiceRequest, OrderSource, ShippingAddress } from './tables.js';

export interface CheckoutItem {
  skuId: number;
  quantity: number;
}

export interface CheckoutInput {
  items: CheckoutItem[];
  source?: OrderSource;
  /** the sharer's invite code when the buyer came through a share link or poster */
  sharerInviteCode?: string;
  /** the client's key for this checkout: retrying it returns the same order */
  checkoutKey: string;
  shippingAddress?: ShippingAddress;
  /** pickup at a store (no shipping fee) instead of express delivery */
  pickupStoreId?: number;
  /** a coupon the buyer holds (the promotions module prices it) */
  couponId?: number;
  /** bought in an order-dealer's shop, from its virtual stock (the dealers module checks it) */
  dealerShopId?: number;
  /** 买家留言 for the merchant */
  buyerNote?: string;
  /** 发票 asked for */
  invoice?: InvoiceRequest;
  /** bought in a campaign (秒杀, 拼团, 砍价): the campaign's participant prices it and keeps its own record of the order */
  campaign?: CheckoutCampaign;
}

export type CampaignKind = 'flash_sale' | 'group_buy' | 'bargain';

export interface CheckoutCampaign {
  kind: CampaignKind;
  /** the flash sale, the group-buy offer or the bargain */
  id: number;
  /** 拼团: the open group to join (none: open a new one) */
  groupId?: number;
}

export interface PricedLine {
  skuId: number;
  productId: number;
  title: string;
  quantity: number;
  unitPriceFen: number;
  discountFen: number;
  paidFen: number;
}

export interface Quote {
  lines: PricedLine[];
  goodsFen: number;
  discountFen: number;
  shippingFen: number;
  payableFen: number;
}

export interface RefundInput {
  lines: Array<{ lineId: number; amountFen: number }>;
  shippingFen?: number;
  reason: string;
  idempotencyKey: string;
}
