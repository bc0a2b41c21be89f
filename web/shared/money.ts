// Money in the API is integer fen; rates are integer basis points. This file is the only place
// (for the console and the shop alike) that turns them into text, or text back into them. Parsing is
// done on the digits, never through floating point, so "12.34" is exactly 1234 fen and "0.29" is
// exactly 29. An unknown amount (null, undefined) shows as "—", never as ¥0.00.

const GROUP = /\B(?=(\d{3})+(?!\d))/g;

/** ¥1,234.56 (negative: -¥1,234.56). Non-integers are refused loudly rather than rounded silently. */
export function formatFen(fen: number | null | undefined): string {
  if (fen === null || fen === undefined || Number.isNaN(fen)) return '—';
  if (!Number.isSafeInteger(fen)) return `¥${String(fen)}`;
  const negative = fen < 0;
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${negative ? '-' : ''}¥${String(yuan).replace(GROUP, ',')}.${String(cents).padStart(2, '0')}`;
}

/** 1234 → "12.34" (no symbol, no grouping): the text an input field starts with. */
export function fenToYuanText(fen: number | null | undefined): string {
  if (fen === null || fen === undefined || !Number.isSafeInteger(fen)) return '';
  const negative = fen < 0;
  const abs = Math.abs(fen);
  return `${negative ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * Parses a decimal with at most two fraction digits into hundredths, exactly.
 * "12.34" → 1234, "12.3" → 1230, "12" → 1200, "-0.5" → -50, "1,234.5" → 123450.
 * Returns null for anything else (three decimals, letters, empty, out of safe range).
 */
export function parseHundredths(text: string, opts: { allowNegative?: boolean } = {}): number | null {
  const s = text.trim().replace(/[,，]/g, '').replace(/^[¥￥]\s*/, '');
  const m = /^([+-])?(\d+)?(?:\.(\d{0,2}))?$/.exec(s);
  if (!m || (m[2] === undefined && (m[3] === undefined || m[3] === ''))) return null;
  const negative = m[1] === '-';
  if (negative && !opts.allowNegative) return null;
  const whole = m[2] ?? '0';
  const frac = (m[3] ?? '').padEnd(2, '0');
  if (whole.length > 13) return null;
  const value = Number(whole) * 100 + Number(frac);
  if (!Number.isSafeInteger(value)) return null;
  return negative ? -value : value;
}

/** Yuan text → fen. */
export function parseYuanToFen(text: string, opts: { allowNegative?: boolean } = {}): number | null {
  return parseHundredths(text, opts);
}

/** Basis points → "12.5%" (1 bp = 0.01 %). */
export function formatBp(bp: number | null | undefined): string {
  if (bp === null || bp === undefined || !Number.isSafeInteger(bp)) return '—';
  return `${bpToPercentText(bp)}%`;
}

/** 1250 → "12.5"; 1000 → "10"; 1 → "0.01". */
export function bpToPercentText(bp: number): string {
  const negative = bp < 0;
  const abs = Math.abs(bp);
  const whole = Math.floor(abs / 100);
  const frac = String(abs % 100).padStart(2, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/** "12.5" (percent) → 1250 bp, exactly. */
export function parsePercentToBp(text: string): number | null {
  return parseHundredths(text.replace(/%$/, ''));
}

export { newIdempotencyKey } from './client';
