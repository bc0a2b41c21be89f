// Response schemas of the bargain routes (routes/bargains.ts): offers, a bargain's progress, lists.
import { z } from 'zod';
import { dateTime, itemsOf } from './common.responses.js';

const int = z.number().int();
const fen = z.number().int();
const helperRule = z.enum(['new_members', 'anyone']).describe('new_members: only members who registered after the bargain started may help');
const bargainStatus = z.enum(['open', 'complete', 'bought', 'expired']).describe('complete: at the floor, not bought yet');

export const bargainOffer = z.object({
  id: int,
  productId: int,
  skuId: int,
  title: z.string(),
  skuName: z.string(),
  imageUrl: z.string().nullable(),
  skuPriceFen: fen.describe("the SKU's price now"),
  startPriceFen: fen,
  floorPriceFen: fen,
  helpersNeeded: int.describe('cuts to reach the floor'),
  timeLimitHours: int.describe('each bargain may be bought within this long of its start'),
  helperRule,
  startsAt: dateTime,
  endsAt: dateTime,
  stockCap: int.describe('bargains that may be bought'),
  takenCount: int.describe('bought, or held by an unpaid order'),
  status: z.enum(['active', 'stopped']),
  running: z.boolean().describe('active, in its window, with stock left'),
  createdAt: dateTime,
});
export const bargainOffers = itemsOf(bargainOffer);
export const adminBargainOffers = itemsOf(bargainOffer.extend({ startedCount: int, boughtCount: int }));

const bargainBase = {
  id: int,
  offerId: int,
  productId: int,
  skuId: int,
  title: z.string(),
  skuName: z.string(),
  imageUrl: z.string().nullable(),
  startPriceFen: fen,
  floorPriceFen: fen,
  cutFen: fen.describe('cut so far'),
  currentPriceFen: fen.describe('start − cut: what the starter would pay now'),
  helpersNeeded: int,
  helpedCount: int,
  helperRule,
  status: bargainStatus,
  orderId: int.nullable().describe("the order buying it (unpaid or paid); the starter's own view only"),
  orderPriceFen: fen.nullable().describe("what that order's line pays"),
  startedAt: dateTime,
  expiresAt: dateTime,
  completedAt: dateTime.nullable(),
  boughtAt: dateTime.nullable(),
};

export const bargainProgress = z.object({
  ...bargainBase,
  starter: z.object({ nickname: z.string().describe('masked'), avatarUrl: z.string().nullable() }),
  helps: z.array(z.object({ seq: int, nickname: z.string().describe('masked'), avatarUrl: z.string().nullable(), cutFen: fen, createdAt: dateTime })),
  viewer: z.object({ isStarter: z.boolean(), helped: z.boolean() }).describe('the signed-in viewer (both false for a visitor)'),
});
export const helpResult = z.object({ cutFen: fen.describe('what my cut took off'), bargain: bargainProgress });
export const myBargains = itemsOf(z.object(bargainBase));
export const offerBargains = itemsOf(z.object({ ...bargainBase, starterId: int, nickname: z.string(), phone: z.string().describe('masked') }));
