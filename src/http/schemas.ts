// Request schemas shared by routes; the same zod schemas validate and document (OpenAPI).
import { z } from 'zod';
import { CARRIER_CODES, TRACKING_NO_PATTERN } from '../modules/orders/index.js';

export const idParams = z.object({ id: z.coerce.number().int().positive() });
export const page = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export const phone = z.string().regex(/^1[3-9]\d{9}$/, 'a mainland mobile number');
export const password = z.string().min(8).max(64);
export const fen = z.number().int().min(0).max(1e12);
export const positiveFen = z.number().int().min(1).max(1e12);
export const idempotencyKey = z.string().min(8).max(100).regex(/^[\w.:-]+$/, 'letters, digits and . _ : -');
export const reason = z.string().trim().min(2).max(500);
export const checkoutItems = z
  .array(z.object({ skuId: z.number().int().positive(), quantity: z.number().int().min(1).max(999) }))
  .min(1)
  .max(50);

/** A calendar day in Asia/Shanghai (YYYY-MM-DD); 2026-02-30 is refused like any other bad input (400). */
export const shanghaiDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD (Asia/Shanghai)')
  .refine((d) => {
    const at = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === d;
  }, 'not a calendar date');

/** Shanghai days from and to (both included) as instants: [from 00:00, the day after to 00:00). */
export function shanghaiDayRange(days: { from?: string; to?: string }): { start?: Date; before?: Date } {
  const start = days.from ? new Date(`${days.from}T00:00:00+08:00`) : undefined;
  const before = days.to ? new Date(new Date(`${days.to}T00:00:00+08:00`).getTime() + 86_400_000) : undefined;
  return { start, before };
}

/** A carrier's tracking number as carriers print them. */
export const trackingNo = z.string().trim().regex(TRACKING_NO_PATTERN, 'letters, digits and -');

/** A parcel as HQ records it (or a buyer's return parcel): a known carrier (快递100's company code) and its tracking number. */
export const parcelInput = z.object({ carrierCode: z.enum(CARRIER_CODES), trackingNo });

/** Where a return goes, as the reviewer (HQ or a supplier) names it. */
/** A consignee in mainland China: the district by its 6-digit GB/T 2260 code, which decides the regional agent. */
export const shippingAddressInput = z.object({
  name: z.string().trim().min(1).max(30),
  phone: z.string().regex(/^1[3-9]\d{9}$/, 'a mainland mobile number'),
  province: z.string().trim().min(1).max(20),
  city: z.string().trim().min(1).max(30),
  district: z.string().trim().min(1).max(30),
  detail: z.string().trim().min(1).max(120),
  regionCode: z.string().regex(/^\d{6}$/, 'a 6-digit district code (GB/T 2260)'),
});

export const returnAddressInput = z.object({ name: z.string().trim().min(1).max(50), phone: z.string().trim().min(5).max(30), address: z.string().trim().min(5).max(200) });

/** A checkout in a campaign (秒杀, 拼团, 砍价): its participant prices it. */
export const checkoutCampaign = z
  .object({
    kind: z.enum(['flash_sale', 'group_buy', 'bargain']),
    id: z.number().int().positive(),
    groupId: z.number().int().positive().optional().describe('拼团: the open group to join; none opens a new group'),
  })
  .describe('bought in a campaign: the campaign prices the order');
