/**
 * Business-calendar arithmetic for SLA clocks: pure functions, no I/O.
 *
 * A calendar is either 24×7 (the default: 001 quotes 24-hour online service) or business
 * hours on working days. Working days follow China's public holidays and make-up working
 * days (调休) — the admin-loaded schedule of the year, else `chinese-days`, else Monday–Friday
 * (holidays.ts) — plus custom closed days. All wall-clock reasoning happens in the calendar's
 * own time zone (Asia/Shanghai by default), whatever the server's zone is.
 */
import { EMPTY_HOLIDAYS, type HolidayTable, officialDay, yearCovered } from "./holidays.js";

export type CalendarMode = "twentyfour_seven" | "business_hours";

export interface CalendarSpec {
  id: string;
  timezone: string;
  mode: CalendarMode;
  /** "HH:MM" local opening time on working days. */
  dayStart: string;
  /** "HH:MM" local closing time on working days. */
  dayEnd: string;
  useChinaHolidays: boolean;
  /** Extra closed days, ISO dates (YYYY-MM-DD) in the calendar's zone. */
  closedDays: readonly string[];
  /** The holiday snapshot (admin-loaded years); without it only chinese-days' years are known. */
  holidays?: HolidayTable;
}

export const DEFAULT_TIMEZONE = "Asia/Shanghai";

export const CALENDAR_24X7: CalendarSpec = {
  id: "24x7",
  timezone: DEFAULT_TIMEZONE,
  mode: "twentyfour_seven",
  dayStart: "00:00",
  dayEnd: "24:00",
  useChinaHolidays: false,
  closedDays: [],
};

export const CALENDAR_BUSINESS: CalendarSpec = {
  id: "business",
  timezone: DEFAULT_TIMEZONE,
  mode: "business_hours",
  dayStart: "09:00",
  dayEnd: "18:00",
  useChinaHolidays: true,
  closedDays: [],
};

const MINUTE = 60_000;
/** A clock can never need more than ten years of calendar to find its due time. */
const MAX_DAYS = 3660;

interface LocalDate {
  y: number;
  m: number;
  d: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone: timezone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** Wall-clock fields of an instant in a time zone. */
export function zonedParts(
  instant: Date,
  timezone: string,
): { y: number; m: number; d: number; hh: number; mm: number; ss: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(timezone).formatToParts(instant)) if (p.type !== "literal") parts[p.type] = Number(p.value);
  return {
    y: parts.year ?? 1970,
    m: parts.month ?? 1,
    d: parts.day ?? 1,
    hh: (parts.hour ?? 0) % 24,
    mm: parts.minute ?? 0,
    ss: parts.second ?? 0,
  };
}

/** Offset of the zone from UTC at an instant, in ms (Asia/Shanghai: +8 h). */
function offsetMs(instant: number, timezone: string): number {
  const p = zonedParts(new Date(instant), timezone);
  const asUtc = Date.UTC(p.y, p.m - 1, p.d, p.hh, p.mm, p.ss);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant at which the wall clock in `timezone` shows the given local time. */
export function zonedTime(date: LocalDate, minutesOfDay: number, timezone: string): Date {
  const guess = Date.UTC(date.y, date.m - 1, date.d) + minutesOfDay * MINUTE;
  let instant = guess - offsetMs(guess, timezone);
  // A second pass settles instants near a DST change (Asia/Shanghai has none, other zones may).
  instant = guess - offsetMs(instant, timezone);
  return new Date(instant);
}

export function isoDate(date: LocalDate): string {
  return `${date.y}-${String(date.m).padStart(2, "0")}-${String(date.d).padStart(2, "0")}`;
}

/** The local calendar date of an instant in the calendar's zone. */
export function localDateOf(instant: Date, timezone: string): LocalDate {
  const p = zonedParts(instant, timezone);
  return { y: p.y, m: p.m, d: p.d };
}

function addDays(date: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(date.y, date.m - 1, date.d + days));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

function parseHhMm(value: string): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(value);
  if (!match) throw new Error(`time of day must be HH:MM, got ${JSON.stringify(value)}`);
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  if (minutes > 24 * 60 || Number(match[2]) > 59) throw new Error(`time of day out of range: ${value}`);
  return minutes;
}

/** Checks a calendar spec; returns a list of problems (empty when valid). */
export function validateCalendar(spec: CalendarSpec): string[] {
  const problems: string[] = [];
  try {
    formatter(spec.timezone);
  } catch {
    problems.push(`unknown time zone ${spec.timezone}`);
  }
  if (spec.mode === "business_hours") {
    try {
      if (parseHhMm(spec.dayStart) >= parseHhMm(spec.dayEnd)) problems.push("dayStart must be before dayEnd");
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  for (const d of spec.closedDays)
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) problems.push(`closed day ${d} is not YYYY-MM-DD`);
  return problems;
}

/**
 * Is this local date a working day? Custom closed days first, then China's official
 * schedule (public holidays are off, 调休 weekend days are on), else Monday–Friday.
 */
export function isWorkingDay(spec: CalendarSpec, date: LocalDate | string): boolean {
  const iso = typeof date === "string" ? date : isoDate(date);
  if (spec.closedDays.includes(iso)) return false;
  if (spec.useChinaHolidays) {
    const official = officialDay(spec.holidays ?? EMPTY_HOLIDAYS, iso);
    if (official.kind !== "normal") return official.kind === "workday";
  }
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** The working window [open, close) of a local date, or undefined on a day off. */
function windowOf(spec: CalendarSpec, date: LocalDate): { open: number; close: number } | undefined {
  if (!isWorkingDay(spec, date)) return undefined;
  const open = zonedTime(date, parseHhMm(spec.dayStart), spec.timezone).getTime();
  const close = zonedTime(date, parseHhMm(spec.dayEnd), spec.timezone).getTime();
  return { open, close };
}

/**
 * The instant `minutes` of working time after `start`. 24×7: plain addition. Business
 * hours: time outside opening hours and on days off does not count, so a clock started
 * on the evening before the National Day holiday falls due after it.
 */
export function addWorkingMinutes(spec: CalendarSpec, start: Date, minutes: number): Date {
  if (spec.mode === "twentyfour_seven") return new Date(start.getTime() + minutes * MINUTE);
  let remaining = Math.max(0, minutes * MINUTE);
  let cursor = start.getTime();
  let day = localDateOf(start, spec.timezone);
  for (let i = 0; i < MAX_DAYS; i++) {
    const w = windowOf(spec, day);
    if (w) {
      if (cursor < w.open) cursor = w.open;
      if (cursor < w.close) {
        const available = w.close - cursor;
        if (remaining <= available) return new Date(cursor + remaining);
        remaining -= available;
        cursor = w.close;
      }
    }
    day = addDays(day, 1);
    cursor = Math.max(cursor, zonedTime(day, 0, spec.timezone).getTime());
  }
  throw new Error(`calendar ${spec.id} has no working time in ${MAX_DAYS} days`);
}

/** Working time between two instants, in ms (0 when `to` is not after `from`). */
export function workingMsBetween(spec: CalendarSpec, from: Date, to: Date): number {
  const a = from.getTime();
  const b = to.getTime();
  if (b <= a) return 0;
  if (spec.mode === "twentyfour_seven") return b - a;
  let total = 0;
  let day = localDateOf(from, spec.timezone);
  for (let i = 0; i < MAX_DAYS; i++) {
    const dayStart = zonedTime(day, 0, spec.timezone).getTime();
    if (dayStart >= b) break;
    const w = windowOf(spec, day);
    if (w) total += Math.max(0, Math.min(b, w.close) - Math.max(a, w.open));
    day = addDays(day, 1);
  }
  return total;
}

/**
 * Did any day of [from, to] fall on a year without holiday data, so that it was counted
 * Monday–Friday? Only a business-hours calendar that follows China's holidays can.
 */
export function spanUsesFallback(spec: CalendarSpec, from: Date, to: Date): boolean {
  if (spec.mode !== "business_hours" || !spec.useChinaHolidays) return false;
  const first = localDateOf(from, spec.timezone).y;
  const last = localDateOf(to.getTime() < from.getTime() ? from : to, spec.timezone).y;
  for (let y = first; y <= last; y++) if (!yearCovered(spec.holidays ?? EMPTY_HOLIDAYS, y)) return true;
  return false;
}
