// The console's and the shop's money text. Run with: npx vitest run --config web/vitest.config.ts
import { describe, expect, it } from 'vitest';
import { bpToPercentText, fenToYuanText, formatBp, formatFen, parsePercentToBp, parseYuanToFen } from './money';

describe('money', () => {
  it('formats fen as yuan with two decimals', () => {
    expect(formatFen(0)).toBe('¥0.00');
    expect(formatFen(1)).toBe('¥0.01');
    expect(formatFen(123456)).toBe('¥1,234.56');
    expect(formatFen(-1234)).toBe('-¥12.34');
    expect(formatFen(100_000_000_00)).toBe('¥100,000,000.00');
    expect(formatFen(undefined)).toBe('—');
    expect(formatFen(null)).toBe('—'); // unknown is not ¥0.00
    expect(formatFen(12.5)).toBe('¥12.5'); // a non-integer is shown as it is, never rounded into a plausible amount
  });

  it('gives an input field its yuan digits, without symbol or grouping', () => {
    expect(fenToYuanText(123456)).toBe('1234.56');
    expect(fenToYuanText(5)).toBe('0.05');
    expect(fenToYuanText(-5)).toBe('-0.05');
    expect(fenToYuanText(undefined)).toBe('');
  });

  it('parses yuan text into fen exactly, without float drift', () => {
    expect(parseYuanToFen('12.34')).toBe(1234);
    expect(parseYuanToFen('0.29')).toBe(29); // 0.29 * 100 = 28.999999999999996 in floats
    expect(parseYuanToFen('1.005')).toBeNull(); // three decimals are refused, not rounded
    expect(parseYuanToFen('19.9')).toBe(1990);
    expect(parseYuanToFen('12')).toBe(1200);
    expect(parseYuanToFen('.5')).toBe(50);
    expect(parseYuanToFen('12.')).toBe(1200);
    expect(parseYuanToFen('¥1,234.56')).toBe(123456);
    expect(parseYuanToFen(' 8 ')).toBe(800);
    expect(parseYuanToFen('-12.34')).toBeNull();
    expect(parseYuanToFen('-12.34', { allowNegative: true })).toBe(-1234);
    for (const bad of ['', '.', 'abc', '1e3', '12.3.4', '--1', '1 2']) expect(parseYuanToFen(bad)).toBeNull();
  });

  it('round-trips every cent from 0 to 100 yuan', () => {
    for (let fen = 0; fen <= 10_000; fen++) expect(parseYuanToFen(fenToYuanText(fen))).toBe(fen);
  });

  it('shows basis points as percent and parses them back', () => {
    expect(formatBp(1000)).toBe('10%');
    expect(formatBp(1250)).toBe('12.5%');
    expect(bpToPercentText(1)).toBe('0.01');
    expect(parsePercentToBp('12.5')).toBe(1250);
    expect(parsePercentToBp('0.01')).toBe(1);
    expect(parsePercentToBp('7.07')).toBe(707);
    for (let bp = 0; bp <= 10_000; bp++) expect(parsePercentToBp(bpToPercentText(bp))).toBe(bp);
  });
});
