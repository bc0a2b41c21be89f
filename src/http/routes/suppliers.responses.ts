// Response schemas of the supplier routes (routes/suppliers.ts): accounts, product proposals, the
// supplier's own products, orders and parcels, and settlement.
import { z } from 'zod';
import { shippingAddressOut } from '../responses.js';
import { dateTime, itemsOf } from './common.responses.js';

const supplierStatus = z.enum(['active', 'suspended']);
const proposalStatus = z.enum(['pending', 'approved', 'rejected']);
const orderStatus = z.enum(['pending_payment', 'paid', 'shipped', 'completed', 'closed', 'refunded']);
const earningState = z.enum(['pending', 'frozen', 'available', 'reversed']);

export const supplier = z.object({
  id: z.number(),
  memberId: z.number(),
  companyName: z.string(),
  contactName: z.string(),
  contactPhone: z.string(),
  platformFeeBp: z.number(),
  status: supplierStatus,
  createdAt: dateTime,
});
/** phones are masked unless the caller may see personal data */
export const suppliers = itemsOf(
  supplier.extend({
    memberNickname: z.string(),
    memberPhone: z.string().nullable(),
    productCount: z.number(),
    pendingProposals: z.number(),
    pendingFen: z.number(),
    frozenFen: z.number(),
    availableFen: z.number(),
  }),
);

export const proposal = z.object({
  id: z.number(),
  supplierId: z.number(),
  companyName: z.string(),
  status: proposalStatus,
  title: z.string(),
  description: z.string(),
  category: z.string(),
  imageUrl: z.string().nullable(),
  skus: z.array(z.object({ name: z.string(), retailPriceFen: z.number(), supplyPriceFen: z.number(), stock: z.number() })),
  rejectReason: z.string().nullable(),
  productId: z.number().nullable(),
  reviewedAt: dateTime.nullable(),
  createdAt: dateTime,
});
export const proposals = itemsOf(proposal);
export const proposalCreated = z.object({ id: z.number(), supplierId: z.number(), title: z.string(), status: proposalStatus, createdAt: dateTime });
export const proposalRejected = z.object({ id: z.number(), status: proposalStatus, rejectReason: z.string() });

const productCore = {
  id: z.number(),
  title: z.string(),
  description: z.string(),
  imageUrl: z.string().nullable(),
  category: z.string(),
  status: z.enum(['on_sale', 'off_sale']),
  minPriceFen: z.number(),
};
/** The catalog product an approved proposal became. */
export const approvedProduct = z.object({ ...productCore, skus: z.array(z.object({ id: z.number(), name: z.string(), priceFen: z.number(), stock: z.number() })) });
/** A product of mine, each SKU with my supply price. */
export const myProduct = z.object({
  ...productCore,
  skus: z.array(z.object({ id: z.number(), name: z.string(), priceFen: z.number(), stock: z.number(), supplyPriceFen: z.number().nullable() })),
});
export const myProducts = itemsOf(myProduct);

const balances = z.object({ pendingFen: z.number(), frozenFen: z.number(), availableFen: z.number(), withdrawingFen: z.number(), debtFen: z.number() });
export const mySupplier = supplier.extend({
  settlements: z.object({ pendingFen: z.number(), frozenFen: z.number(), availableFen: z.number(), settledFen: z.number(), feeFen: z.number(), balances }),
});

const shippingAddress = shippingAddressOut;
/** A line of a supplier's order: the supplier's own lines only. */
const supplierOrderLine = z.object({
  id: z.number(),
  productId: z.number(),
  skuId: z.number(),
  skuName: z.string().nullable().describe('the SKU (规格)'),
  title: z.string(),
  quantity: z.number(),
  imageUrl: z.string().nullable().describe("the product's thumbnail"),
  unitPriceFen: z.number(),
  paidFen: z.number(),
  refundedFen: z.number(),
  supplyPriceFen: z.number().nullable(),
  /** the settlement of this line, once paid; null before */
  settlementFen: z.number().nullable(),
});
const supplierOrderCore = {
  id: z.number(),
  orderNo: z.string(),
  status: orderStatus,
  deliveryMethod: z.enum(['express', 'pickup']),
  paidAt: dateTime.nullable(),
  shippedAt: dateTime.nullable(),
  completedAt: dateTime.nullable(),
  lines: z.array(supplierOrderLine),
  mixed: z.boolean().describe('the order has other parties’ lines too'),
  shipment: z.object({ carrier: z.string(), trackingNo: z.string(), shippedAt: dateTime }).nullable(),
};
/** An order as its supplier sees it, to ship it: its own lines only, the consignee whole, its parcel. */
export const supplierOrder = z.object({ ...supplierOrderCore, shippingAddress: shippingAddress.nullable() });
/** Its orders in a list: what to pack (its lines) and who and where to (the name masked, city and district). */
export const supplierOrders = itemsOf(
  z.object({
    ...supplierOrderCore,
    consignee: z.object({ name: z.string().describe('masked'), province: z.string(), city: z.string(), district: z.string() }).nullable().describe('none for a pickup order'),
  }),
);

export const settlements = itemsOf(
  z.object({
    orderId: z.number(),
    orderNo: z.string(),
    orderStatus,
    paidAt: dateTime,
    amountFen: z.number(),
    reversedFen: z.number(),
    netFen: z.number(),
    states: z.array(earningState),
    frozenUntil: dateTime.nullable(),
    lines: z.array(
      z.object({
        orderLineId: z.number(),
        title: z.string(),
        quantity: z.number(),
        linePaidFen: z.number(),
        lineRefundedFen: z.number(),
        supplyFen: z.number(),
        feeBp: z.number(),
        feeFen: z.number(),
        amountFen: z.number(),
        capped: z.boolean(),
        earningId: z.number().nullable(),
        state: earningState.nullable(),
        reversedFen: z.number(),
        frozenUntil: dateTime.nullable(),
        createdAt: dateTime,
      }),
    ),
  }),
);
