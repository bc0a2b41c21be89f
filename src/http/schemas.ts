// Request schemas shared by routes; the same zod schemas validate and document (OpenAPI).
import { z } from 'zod';

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
