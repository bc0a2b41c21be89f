// Response schemas of the flash-sale routes (routes/flash-sales.ts).
import { z } from 'zod';
import { dateTime, itemsOf } from './common.responses.js';

const state = z.enum(['upcoming', 'running', 'ended']).describe('upcoming: before its start; running: selling; ended: past its end or ended early');
const commissionMode = z.enum(['normal', 'none', 'rate']).describe('normal: the rules’ rates on the campaign price; none: no commission; rate: commissionRatesBp per level');

/** An item as the shop sees it: its price, the SKU's own price and what is left. */
const shopItem = z.object({
  id: z.number(),
  skuId: z.number(),
  productId: z.number(),
  productTitle: z.string(),
  skuName: z.string(),
  imageUrl: z.string().nullable(),
  skuPriceFen: z.number().describe('the SKU’s own price (struck through)'),
  priceFen: z.number().describe('the campaign price'),
  stock: z.number().describe('campaign stock'),
  sold: z.number().describe('units held by unpaid and paid orders'),
  remaining: z.number().describe('left to sell; 0 = sold out'),
  perMemberLimit: z.number().nullable(),
});

const shopSale = z.object({
  id: z.number(),
  name: z.string(),
  startsAt: dateTime,
  endsAt: dateTime,
  state,
  items: z.array(shopItem),
});

/** Running and upcoming campaigns, with the server's time for the countdowns. */
export const shopFlashSales = z.object({ now: dateTime.describe('the server’s time: count down from it'), items: z.array(shopSale) });
export const shopFlashSale = shopSale.extend({ now: dateTime });

/** An item as HQ sees it: its terms and live sales. */
const adminItem = shopItem.extend({
  returned: z.number().describe('units given back to the SKU (at the end, or orders closed after it)'),
  commissionMode,
  commissionRatesBp: z.array(z.number()).nullable(),
  paidQuantity: z.number().describe('units in paid orders'),
  unpaidQuantity: z.number().describe('units held by unpaid orders (released when they close)'),
  orders: z.number().describe('open and paid orders'),
});

export const adminFlashSale = z.object({
  id: z.number(),
  name: z.string(),
  startsAt: dateTime,
  endsAt: dateTime,
  unpaidMinutes: z.number(),
  state,
  endedAt: dateTime.nullable(),
  createdAt: dateTime,
  items: z.array(adminItem),
});
export const adminFlashSales = itemsOf(adminFlashSale);
