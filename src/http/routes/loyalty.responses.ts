// Response schemas of the loyalty routes (routes/loyalty.ts): points, sign-in, notes, the points
// mall, badges and the honour rank.
import { z } from 'zod';
import { dateTime, itemsOf } from './common.responses.js';
import { shippingAddressOut } from '../responses.js';

const total = z.number();
const honourLevel = z.enum(['bronze', 'silver', 'gold', 'platinum', 'diamond']);
const honour = z.object({
  lifetimeEarned: z.number(),
  level: z.object({ code: honourLevel, name: z.string(), nextCode: honourLevel.nullable(), nextAtPoints: z.number().nullable() }),
  rank: z.number().nullable(),
});
/** day is the Shanghai day (YYYY-MM-DD) */
const signInStatus = z.object({
  day: z.string(),
  signedToday: z.boolean(),
  streak: z.number(),
  nextPoints: z.number(),
  bonusEveryDays: z.number(),
  bonusPoints: z.number(),
  daysToBonus: z.number(),
});
export const myPoints = z.object({ balance: z.number(), lifetimeEarned: z.number(), honour, signIn: signInStatus });

const pointsTransaction = z.object({
  id: z.number(),
  memberId: z.number(),
  points: z.number(),
  shortfall: z.number(),
  reason: z.enum(['order_paid', 'order_refunded', 'sign_in', 'note_reward', 'mall_exchange', 'mall_refund', 'admin_adjust', 'reward']),
  refType: z.string().nullable(),
  refId: z.number().nullable(),
  memo: z.string().nullable(),
  balanceAfter: z.number(),
  createdAt: dateTime,
});
export const myPointsTransactions = z.object({ total, items: z.array(pointsTransaction) });
/** phone is masked unless the caller may see personal data */
export const pointsTransactions = z.object({ total, items: z.array(pointsTransaction.extend({ nickname: z.string(), phone: z.string().nullable() })) });
export const pointsAdjusted = z.object({ duplicate: z.boolean(), balance: z.number() });

export const signedIn = z.object({ duplicate: z.boolean(), day: z.string(), streak: z.number(), points: z.number(), bonusPoints: z.number() });
export const mySignIns = z.object({
  status: signInStatus,
  items: z.array(z.object({ day: z.string(), streak: z.number(), basePoints: z.number(), bonusPoints: z.number() })),
});

const noteStatus = z.enum(['visible', 'hidden']);
/** A note as its author gets it back. */
export const note = z.object({
  id: z.number(),
  status: noteStatus,
  authorId: z.number(),
  authorName: z.string(),
  authorAvatarUrl: z.string().nullable(),
  title: z.string(),
  body: z.string(),
  photoUrls: z.array(z.string()),
  productId: z.number().nullable(),
  productTitle: z.string().nullable(),
  productImageUrl: z.string().nullable(),
  likeCount: z.number(),
  rewardedAt: dateTime.nullable(),
  createdAt: dateTime,
  likedByMe: z.boolean(),
});
export const myNotes = itemsOf(note);
/** A note in the public feed: also whether it is the caller's own. */
export const feedNote = note.extend({ mine: z.boolean() });
export const feedNotes = itemsOf(feedNote);
export const adminNotes = z.object({
  total,
  items: z.array(note.extend({ hiddenReason: z.string().nullable(), rewardPoints: z.number().nullable(), rewardCashFen: z.number().nullable() })),
});
export const liked = z.object({ noteId: z.number(), liked: z.boolean(), likeCount: z.number(), rewarded: z.boolean() });
export const unliked = z.object({ noteId: z.number(), liked: z.boolean(), likeCount: z.number() });
export const noteVisibility = z.object({ id: z.number(), status: noteStatus });

const mallKind = z.enum(['goods', 'coupon']);
export const mallItem = z.object({
  id: z.number(),
  kind: mallKind,
  title: z.string(),
  description: z.string(),
  imageUrl: z.string().nullable(),
  pointsPrice: z.number(),
  skuId: z.number().nullable(),
  couponTemplateId: z.number().nullable(),
  stock: z.number(),
  perMemberLimit: z.number().nullable(),
  status: z.enum(['on', 'off']),
  createdAt: dateTime,
});
export const mallItems = itemsOf(mallItem);

const shippingAddress = shippingAddressOut;
const redemption = z.object({
  id: z.number(),
  memberId: z.number(),
  itemId: z.number(),
  itemTitle: z.string(),
  kind: mallKind,
  quantity: z.number(),
  points: z.number(),
  status: z.enum(['pending', 'fulfilled', 'granted', 'cancelled']),
  shippingAddress: shippingAddress.nullable(),
  trackingNo: z.string().nullable(),
  handledAt: dateTime.nullable(),
  cancelReason: z.string().nullable(),
  createdAt: dateTime,
});
/** 201 for a new redemption, 200 for a repeated clientKey (duplicate: true) */
export const exchanged = z.object({ duplicate: z.boolean(), redemption: redemption.optional() });
export const myRedemptions = itemsOf(redemption);
/** phone is masked unless the caller may see personal data */
export const redemptions = z.object({ total, items: z.array(redemption.extend({ nickname: z.string(), phone: z.string().nullable() })) });
export const redemptionFulfilled = z.object({ id: z.number(), status: z.literal('fulfilled') });
export const redemptionCancelled = z.object({ id: z.number(), status: z.literal('cancelled') });

const badgeCode = z.enum(['first_order', 'sign_in_streak_7', 'popular_note', 'points_1000']);
const badge = { code: badgeCode, name: z.string(), nameEn: z.string(), description: z.string() };
const myBadge = z.object({ ...badge, earned: z.boolean(), awardedAt: dateTime.nullable() });
export const myBadges = itemsOf(myBadge);
export const badges = itemsOf(z.object({ ...badge, holders: z.number() }));
export const badgeAwards = itemsOf(z.object({ memberId: z.number(), nickname: z.string(), badgeCode: z.string(), awardedAt: dateTime }));
export const memberPoints = z.object({ balance: z.number(), lifetimeEarned: z.number(), honour, badges: z.array(myBadge) });

export const honourTop = itemsOf(z.object({ rank: z.number(), name: z.string(), lifetimeEarned: z.number(), level: honourLevel }));

export const loyaltySettings = z.object({
  pointsPerYuan: z.number(),
  signInBasePoints: z.number(),
  streakBonusEveryDays: z.number(),
  streakBonusPoints: z.number(),
  noteRewardLikes: z.number(),
  noteRewardPoints: z.number(),
  noteRewardCashFen: z.number(),
});
