// Response schemas of the store routes (routes/stores.ts): what the stores service returns.
import { z } from 'zod';
import { dateTime, itemsOf } from './common.responses.js';

const orderStatus = z.enum(['pending_payment', 'paid', 'shipped', 'completed', 'closed', 'refunded']);
const bindingSource = z.enum(['pickup', 'scan', 'hq']);

const storeFields = {
  id: z.number(),
  name: z.string(),
  regionCode: z.string(),
  address: z.string(),
  latitude: z.number(),
  longitude: z.number(),
  openingHours: z.string(),
  phone: z.string().nullable(),
};
export const store = z.object({ ...storeFields, status: z.enum(['open', 'closed']) });
export const stores = itemsOf(store);
export const nearbyStores = itemsOf(z.object({ ...storeFields, distanceM: z.number() }));
export const myStores = itemsOf(z.object({ id: z.number(), name: z.string(), role: z.enum(['manager', 'clerk']) }));

export const redemption = z.object({
  orderId: z.number(),
  orderNo: z.string(),
  status: orderStatus,
  lines: z.array(z.object({ title: z.string(), quantity: z.number() })),
});

export const scanBinding = z.object({ storeId: z.number(), claimed: z.boolean(), newlyBound: z.boolean() });

const binding = z.object({
  storeId: z.number(),
  name: z.string(),
  address: z.string(),
  phone: z.string().nullable(),
  regionCode: z.string(),
  openingHours: z.string(),
  source: bindingSource,
  boundAt: dateTime,
});
export const myStoreBinding = z.object({ store: binding.nullable() });
export const storeBindingWithHistory = z.object({
  store: binding.nullable(),
  history: z.array(
    z.object({
      id: z.number(),
      oldStoreId: z.number().nullable(),
      newStoreId: z.number(),
      source: bindingSource,
      reason: z.string().nullable(),
      actorId: z.number().nullable(),
      createdAt: dateTime,
    }),
  ),
});
export const rebound = z.object({ memberId: z.number(), storeId: z.number(), previousStoreId: z.number().nullable() });

export const storePerformance = z.object({
  store,
  boundCustomers: z.number(),
  creditedOrders: z.number(),
  creditedNetFen: z.number(),
  pickupsRedeemed: z.number(),
  pickupsWaiting: z.number(),
});

export const storeOrders = itemsOf(
  z.object({
    id: z.number(),
    orderNo: z.string(),
    status: orderStatus,
    deliveryMethod: z.enum(['express', 'pickup']),
    paidFen: z.number(),
    refundedFen: z.number(),
    paidAt: dateTime.nullable(),
    buyerNickname: z.string(),
    creditedStoreId: z.number().nullable(),
    pickupStoreId: z.number().nullable(),
    redeemedAt: dateTime.nullable(),
  }),
);

/** phone is masked unless the caller may see personal data */
export const storeCustomers = itemsOf(
  z.object({ memberId: z.number(), nickname: z.string(), phone: z.string().nullable(), source: bindingSource, boundAt: dateTime, orderCount: z.number() }),
);
