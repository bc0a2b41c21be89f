// Dates are shown in Beijing time, whatever the viewer's machine is set to.
const TZ = 'Asia/Shanghai';

const dateTime = new Intl.DateTimeFormat('sv-SE', {
  timeZone: TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/** "2026-11-23 17:24:31" */
export function formatDateTime(value: string | Date | null | undefined): string {
  if (!value) return '—';
  const d = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(d.getTime())) return String(value);
  return dateTime.format(d);
}

export function formatDate(value: string | Date | null | undefined): string {
  const s = formatDateTime(value);
  return s === '—' ? s : s.slice(0, 10);
}

export function formatInt(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return n.toLocaleString('en-US');
}
