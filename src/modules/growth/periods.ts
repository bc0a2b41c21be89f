// Leaderboard periods on the Asia/Shanghai calendar: a day, an ISO week (Monday first), a month,
// all time, or any range of days. Each folded period has a key; a range is a sum of day keys.
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

export type PeriodKind = 'day' | 'week' | 'month' | 'all' | 'range';

export interface Period {
  kind: PeriodKind;
  /** the folded key ('d:2026-11-23', 'w:2026-W48', 'm:2026-11', 'all'); null for a range of days */
  key: string | null;
  /** first and last Shanghai day, inclusive ('YYYY-MM-DD'); null bounds for all time */
  from: string | null;
  to: string | null;
}

/** The Shanghai calendar day of an instant, 'YYYY-MM-DD'. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

function parseDay(day: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new RangeError(`not a day: ${day}`);
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== day) throw new RangeError(`not a day: ${day}`);
  return date;
}

function addDays(day: string, days: number): string {
  return new Date(parseDay(day).getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

/** ISO 8601 week of a day: the week belongs to the year of its Thursday. */
export function isoWeekKey(day: string): string {
  const date = parseDay(day);
  const weekday = (date.getUTCDay() + 6) % 7; // Monday 0
  const thursday = new Date(date.getTime() + (3 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY_MS / 7) + 1;
  return `w:${year}-W${String(week).padStart(2, '0')}`;
}

/** The folded keys a day's delta adds to. */
export function periodKeysOfDay(day: string): string[] {
  return [`d:${day}`, isoWeekKey(day), `m:${day.slice(0, 7)}`, 'all'];
}

export function periodOf(kind: Exclude<PeriodKind, 'range'>, day: string): Period {
  parseDay(day);
  switch (kind) {
    case 'day':
      return { kind, key: `d:${day}`, from: day, to: day };
    case 'week': {
      const weekday = (parseDay(day).getUTCDay() + 6) % 7;
      const monday = addDays(day, -weekday);
      return { kind, key: isoWeekKey(day), from: monday, to: addDays(monday, 6) };
    }
    case 'month': {
      const [y, m] = day.split('-').map(Number);
      const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
      return { kind, key: `m:${day.slice(0, 7)}`, from: `${day.slice(0, 7)}-01`, to: last };
    }
    case 'all':
      return { kind, key: 'all', from: null, to: null };
  }
}

export const MAX_RANGE_DAYS = 366;

export function rangeOf(from: string, to: string): Period {
  const days = (parseDay(to).getTime() - parseDay(from).getTime()) / DAY_MS;
  if (days < 0) throw new RangeError('the range ends before it starts');
  if (days >= MAX_RANGE_DAYS) throw new RangeError(`a range is at most ${MAX_RANGE_DAYS} days`);
  return { kind: 'range', key: null, from, to };
}

export function isDay(text: string): boolean {
  try {
    parseDay(text);
    return true;
  } catch {
    return false;
  }
}
