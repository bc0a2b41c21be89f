// Response schemas of the 拼团 routes (routes/group-buys.ts): what the group-buys module returns.
import { z } from 'zod';
import { dateTime, itemsOf } from './common.responses.js';

const groupStatus = z.enum(['pending', 'open', 'succeeded', 'failed', 'refunded', 'cancelled']);
const memberStatus = z.enum(['unpaid', 'paid', 'dropped', 'refunding', 'refunded']);

const offerFields = {
  id: z.number(),
  title: z.string(),
  productId: z.number(),
  productTitle: z.string(),
  imageUrl: z.string().nullable(),
  groupSize: z.number().describe('N: the group succeeds when N members paid'),
  timeLimitHours: z.number().describe("each group's time from its opening"),
  startsAt: dateTime,
  endsAt: dateTime,
  phase: z.enum(['scheduled', 'running', 'ended']),
  skus: z.array(z.object({ skuId: z.number(), skuName: z.string(), priceFen: z.number(), groupPriceFen: z.number() })),
  minGroupPriceFen: z.number(),
  createdAt: dateTime,
};

const groupFields = {
  id: z.number(),
  offerId: z.number(),
  status: groupStatus,
  groupSize: z.number(),
  simulatedSlots: z.number().describe('places the system filled at the deadline (模拟成团)'),
  openedAt: dateTime.nullable(),
  expiresAt: dateTime.nullable(),
  finishedAt: dateTime.nullable(),
  createdAt: dateTime,
};

/** The shop's offer: 模拟成团 is HQ's to know. */
export const shopOffer = z.object({ ...offerFields });
export const shopOffers = itemsOf(shopOffer);
export const openGroup = z.object({ ...groupFields, opener: z.object({ nickname: z.string(), avatarUrl: z.string().nullable() }), slotsLeft: z.number() });
export const shopOfferDetail = shopOffer.extend({ openGroups: z.array(openGroup) });

export const groupDetail = z.object({
  ...groupFields,
  openerInviteCode: z.string().describe("the opener's invite code: the group's share link carries it"),
  slotsLeft: z.number(),
  joinable: z.boolean(),
  members: z.array(z.object({ nickname: z.string().describe('masked'), avatarUrl: z.string().nullable(), isOpener: z.boolean(), paidAt: dateTime.nullable() })),
  mine: z.object({ status: memberStatus, orderId: z.number() }).nullable().describe("the signed-in viewer's place, if any"),
  offer: shopOffer,
});

export const myGroups = itemsOf(
  z.object({
    ...groupFields,
    title: z.string(),
    productId: z.number(),
    productTitle: z.string(),
    memberStatus,
    isOpener: z.boolean(),
    orderId: z.number(),
    slotsLeft: z.number(),
  }),
);

export const adminOffer = z.object({
  ...offerFields,
  simulatedFill: z.boolean(),
  groups: z.object({ open: z.number(), succeeded: z.number(), failed: z.number() }).optional(),
});
export const adminOffers = itemsOf(adminOffer);

export const adminGroups = itemsOf(
  z.object({
    ...groupFields,
    openerId: z.number(),
    openerNickname: z.string(),
    members: z.array(
      z.object({
        memberId: z.number(),
        nickname: z.string(),
        phone: z.string().nullable(),
        isOpener: z.boolean(),
        status: memberStatus,
        orderId: z.number(),
        refundNo: z.string().nullable(),
        joinedAt: dateTime,
        paidAt: dateTime.nullable(),
      }),
    ),
  }),
);
