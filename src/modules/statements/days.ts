// Bill days are Beijing calendar days (UTC+8, no DST): both providers cut their bills at Beijing midnight,
// whatever time zone this server runs in.
const BEIJING_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;

/** The Beijing day (YYYY-MM-DD) an instant falls on. */
export function beijingDay(at: Date | number): string {
  return new Date(new Date(at).getTime() + BEIJING_MS).toISOString().slice(0, 10);
}

/** True for a real calendar day written YYYY-MM-DD. */
export function isDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** [start, end) of a Beijing day as instants. */
export function dayBounds(day: string): { start: Date; end: Date } {
  const start = new Date(`${day}T00:00:00+08:00`);
  return { start, end: new Date(start.getTime() + DAY_MS) };
}

export function addDays(day: string, n: number): string {
  return new Date(new Date(`${day}T00:00:00Z`).getTime() + n * DAY_MS).toISOString().slice(0, 10);
}

/** The instant `hour`:00 Beijing on the day after `day`: when that day's bill is due. */
export function nextDayAt(day: string, hour: number): Date {
  return new Date(dayBounds(addDays(day, 1)).start.getTime() + hour * 3_600_000);
}
