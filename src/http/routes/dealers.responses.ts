// Response schemas of the order-dealer routes (routes/dealers.ts): tiers and dealer prices, shops,
// virtual stock, restocks and shop sales.
import { z } from 'zod';
import { dateTime, itemsOf } from './common.responses.js';

const dealerStatus = z.enum(['active', 'suspended']);

export const dealerTier = z.object({
  id: z.number(),
  name: z.string(),
  discountBp: z.number(),
  rewardMode: z.enum(['price_difference', 'rebate']),
  rebateBp: z.number(),
  createdAt: dateTime,
});
export const dealerTiers = itemsOf(dealerTier.extend({ skuPriceCount: z.number(), dealerCount: z.number() }));
export const tierPrices = itemsOf(
  z.object({
    skuId: z.number(),
    title: z.string(),
    skuName: z.string(),
    retailFen: z.number(),
    priceFen: z.number(),
  }),
);
/** priceFen null: the SKU's own dealer price was removed (the tier discount applies) */
export const tierPriceSet = z.object({
  tierId: z.number(),
  skuId: z.number(),
  priceFen: z.number().nullable(),
});

const dealerCore = {
  id: z.number(),
  status: dealerStatus,
  memberId: z.number(),
  nickname: z.string(),
  shopName: z.string(),
  tierId: z.number(),
  tierName: z.string(),
  upperDealerId: z.number().nullable(),
  upperShopName: z.string().nullable(),
  createdAt: dateTime,
};
/** phone is masked unless the caller may see personal data */
export const dealers = itemsOf(
  z.object({
    ...dealerCore,
    phone: z.string().nullable(),
    stockUnits: z.number(),
  }),
);
export const dealerCreated = z.object({
  id: z.number(),
  status: dealerStatus,
  memberId: z.number(),
  shopName: z.string(),
  tierId: z.number(),
  upperDealerId: z.number().nullable(),
});
export const dealerChanged = dealerCreated.omit({ memberId: true });

export const dealerStock = itemsOf(
  z.object({
    skuId: z.number(),
    productId: z.number(),
    title: z.string(),
    skuName: z.string(),
    productStatus: z.enum(['on_sale', 'off_sale']),
    retailFen: z.number(),
    dealerPriceFen: z.number(),
    quantity: z.number(),
  }),
);

export const restock = z.object({
  id: z.number(),
  restockNo: z.string(),
  status: z.enum(['awaiting_payment', 'paid', 'cancelled']),
  dealerId: z.number(),
  shopName: z.string(),
  /** the upper dealer whose stock it comes from; null: from HQ */
  sourceDealerId: z.number().nullable(),
  sourceShopName: z.string().nullable(),
  amountFen: z.number(),
  upperCostFen: z.number(),
  upperRewardFen: z.number(),
  paymentRef: z.string().nullable(),
  createdAt: dateTime,
  paidAt: dateTime.nullable(),
  cancelledAt: dateTime.nullable(),
  lines: z.array(
    z.object({
      skuId: z.number(),
      title: z.string(),
      skuName: z.string(),
      quantity: z.number(),
      unitPriceFen: z.number(),
      sourceUnitPriceFen: z.number().nullable(),
    }),
  ),
});
export const restocks = itemsOf(restock);
export const restockPaid = restock.extend({ duplicate: z.boolean() });

/** My shop as its dealer sees it (no nickname), with the tier discount and what I have earned. */
export const myDealer = z
  .object(dealerCore)
  .omit({ nickname: true })
  .extend({
    discountBp: z.number(),
    earnings: z.object({
      saleEarnings: z.object({
        pendingFen: z.number(),
        frozenFen: z.number(),
        availableFen: z.number(),
        reversedFen: z.number(),
      }),
      lowerRestocks: z.object({
        count: z.number(),
        handoverFen: z.number(),
        rewardFen: z.number(),
      }),
    }),
  });

export const stockMoves = itemsOf(
  z.object({
    id: z.number(),
    skuId: z.number(),
    delta: z.number(),
    reason: z.enum(['restock_in', 'restock_out', 'restock_out_returned', 'sale', 'sale_returned']),
    refId: z.number(),
    createdAt: dateTime,
  }),
);

/** onHand: my stock; sourceOnHand: my upper dealer's (null when restocking from HQ) */
export const restockCatalog = itemsOf(
  z.object({
    productId: z.number(),
    skuId: z.number(),
    title: z.string(),
    skuName: z.string(),
    retailFen: z.number(),
    dealerPriceFen: z.number(),
    onHand: z.number(),
    sourceOnHand: z.number().nullable(),
  }),
);

export const shopSales = itemsOf(
  z.object({
    orderId: z.number(),
    orderNo: z.string(),
    orderStatus: z.enum(['pending_payment', 'paid', 'shipped', 'completed', 'closed', 'refunded']),
    stockStatus: z.enum(['reserved', 'paid', 'returned']),
    goodsFen: z.number(),
    paidFen: z.number(),
    refundedFen: z.number(),
    createdAt: dateTime,
    paidAt: dateTime.nullable(),
    summary: z.string(),
    earnedFen: z.number(),
    commissionFen: z.number(),
  }),
);

export const dealerShop = z.object({
  id: z.number(),
  shopName: z.string(),
  products: z.array(
    z.object({
      productId: z.number(),
      title: z.string(),
      description: z.string(),
      imageUrl: z.string().nullable(),
      minPriceFen: z.number(),
      skus: z.array(
        z.object({
          skuId: z.number(),
          name: z.string(),
          priceFen: z.number(),
          stock: z.number(),
        }),
      ),
    }),
  ),
});
