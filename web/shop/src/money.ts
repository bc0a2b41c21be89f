// Money is integer fen everywhere; this is the one place it becomes text. No float arithmetic.

/** 12345 → "¥123.45", -5 → "-¥0.05". */
export function formatFen(fen: number | string | null | undefined): string {
  const n = typeof fen === 'string' ? Number(fen) : fen ?? 0;
  if (!Number.isFinite(n)) return '¥-';
  const value = Math.trunc(n);
  const abs = Math.abs(value);
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${value < 0 ? '-' : ''}¥${yuan}.${cents < 10 ? '0' : ''}${cents}`;
}

/** The yuan digits of a fen amount without the symbol: 12345 → "123.45". */
export function fenDigits(fen: number): string {
  return formatFen(fen).replace('¥', '');
}

/**
 * Parses what a person typed in yuan ("12", "12.3", "12.34") into fen by string manipulation,
 * never through a float. Returns null for anything else.
 */
export function parseYuanToFen(input: string): number | null {
  const m = /^\s*(\d{1,10})(?:\.(\d{0,2}))?\s*$/.exec(input);
  if (!m) return null;
  const cents = (m[2] ?? '').padEnd(2, '0');
  return Number(m[1]) * 100 + Number(cents);
}
