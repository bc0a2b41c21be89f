// Money arithmetic on integer fen. Products go through BigInt so no intermediate loses a fen.

/** floor(a × b ÷ c) exactly, for non-negative integers. */
export function mulDivFloor(a: number, b: number, c: number): number {
  if (c <= 0) throw new RangeError('divisor must be positive');
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

/** a × rateBp ÷ 10 000, rounded down. */
export function applyRateBp(amountFen: number, rateBp: number): number {
  return mulDivFloor(amountFen, rateBp, 10_000);
}

/**
 * Splits totalFen across parts in proportion to weights with the largest-remainder method,
 * so the parts add up to exactly totalFen and no part exceeds its share by a whole fen.
 */
export function allocateProportionally(totalFen: number, weights: number[]): number[] {
  const weightSum = weights.reduce((s, w) => s + w, 0);
  if (totalFen === 0 || weights.length === 0) return weights.map(() => 0);
  if (weightSum <= 0) throw new RangeError('weights must add up to more than zero');
  const shares = weights.map((w, index) => {
    const exact = BigInt(totalFen) * BigInt(w);
    return { index, floor: Number(exact / BigInt(weightSum)), remainder: exact % BigInt(weightSum) };
  });
  let left = totalFen - shares.reduce((s, p) => s + p.floor, 0);
  const byRemainder = [...shares].sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const share of byRemainder) {
    if (left === 0) break;
    share.floor += 1;
    left -= 1;
  }
  return shares.map((s) => s.floor);
}

/** Yuan text as providers write it ("0.01", "-12.30") to integer fen, exactly: no float, no leading zeros, no more than two decimals. */
export function parseYuan(text: string): number {
  const m = /^(-?)(0|[1-9]\d*)(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) throw new RangeError('not a yuan amount');
  const fen = BigInt(m[2]!) * 100n + BigInt((m[3] ?? '').padEnd(2, '0'));
  if (fen > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('amount too large');
  return (m[1] ? -1 : 1) * Number(fen);
}

export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Asia/Shanghai calendar day of an instant, for daily limits and "today" figures. */
export function shanghaiDayStart(at: Date): Date {
  const offsetMs = 8 * 3_600_000;
  const local = new Date(at.getTime() + offsetMs);
  local.setUTCHours(0, 0, 0, 0);
  return new Date(local.getTime() - offsetMs);
}
