// The largest amount one order may total. Every money path an order takes must carry it:
// - WeChat Pay: amount.total and amount.refund are int32 fen, at most 2 147 483 647;
// - loyalty points: goods paid × points per yuan (configurable up to 1 000) ÷ 100 lands in int4
//   points columns, so an order's goods may be at most 214 748 364 fen at the highest rate;
// - JS numbers stay exact up to 2^53 − 1 and money columns are bigint: far above both.
// 200 000 000 fen (¥2 000 000.00) is the round amount below all of them.
import { unprocessable } from '../../errors.js';
import { formatYuan } from '../../money.js';

export const MAX_ORDER_TOTAL_FEN = 200_000_000;

/** Refuses a cart no payment path could carry: a line's goods, all goods, or the payable over the bound. */
export function checkOrderTotal(quote: { lines: Array<{ unitPriceFen: number; quantity: number }>; goodsFen: number; payableFen: number }): void {
  const largestFen = Math.max(quote.goodsFen, quote.payableFen, ...quote.lines.map((l) => l.unitPriceFen * l.quantity));
  if (!(largestFen <= MAX_ORDER_TOTAL_FEN)) {
    throw unprocessable('ORDER_TOTAL_TOO_LARGE', `an order may total at most ¥${formatYuan(MAX_ORDER_TOTAL_FEN)}`, { maxFen: MAX_ORDER_TOTAL_FEN });
  }
}
