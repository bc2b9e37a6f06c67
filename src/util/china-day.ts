/** Periods given as China days (Asia/Shanghai, UTC+8, no daylight saving). */

const DAY = 86_400_000;

/**
 * "2026-11-01" is midnight China time; a date-only `to` includes that whole day. A day the
 * calendar does not have ("2026-02-30", which Date would roll over to 3 March) is an invalid date.
 */
export function chinaDayBound(value: string, end: boolean): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const d = new Date(`${value}T00:00:00+08:00`);
    if (Number.isNaN(d.getTime()) || new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10) !== value)
      return new Date(Number.NaN);
    return end ? new Date(d.getTime() + DAY) : d;
  }
  return new Date(value);
}
