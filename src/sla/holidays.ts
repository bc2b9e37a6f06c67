/**
 * China's official schedule of working days (issue 19), pure: which days are public holidays
 * and which weekend days are 调休 make-up working days, per year, in this order:
 *   1. the schedule an admin loaded for the year (HolidayDay rows, from the State Council's notice);
 *   2. else `chinese-days`, for the years its data covers;
 *   3. else the days off by law (全国年节及纪念日放假办法, as revised in 2024, in force from 2025),
 *      computed — the lunar ones with the ICU Chinese calendar — without the 调休 swaps only the
 *      yearly notice gives; the week decides the rest (Monday–Friday), and the day is marked as a
 *      fallback.
 * No year's dates are written here; they come from the package's data, the law or the admins.
 */
import { createRequire } from "node:module";

export type HolidayKind = "holiday" | "workday";

export interface HolidayEntry {
  date: string;
  kind: HolidayKind;
  name: string;
}

/** The in-memory snapshot clocks are computed on (built from the database, swapped whole on change). */
export interface HolidayTable {
  /** Years with an admin-loaded schedule. */
  readonly loadedYears: ReadonlySet<number>;
  /** Days listed in those schedules (a notice may list a day of the neighbouring year). */
  readonly days: ReadonlyMap<string, { kind: HolidayKind; name: string }>;
}

export type DaySource = "admin" | "chinese-days" | "fallback";

export interface OfficialDay {
  /** A public holiday (off), a 调休 working day (on), or an ordinary day (the week decides). */
  kind: HolidayKind | "normal";
  name?: string;
  source: DaySource;
}

// The package's own data file (its holidays and 调休 working days per year). Loaded as data.
const BUILTIN = createRequire(import.meta.url)("chinese-days/dist/chinese-days.json") as {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
};

/** Years `chinese-days` has a schedule for (every year has a New Year's Day holiday). */
export const BUILTIN_YEARS: ReadonlySet<number> = new Set(
  Object.keys(BUILTIN.holidays).map((d) => Number(d.slice(0, 4))),
);

export const EMPTY_HOLIDAYS: HolidayTable = { loadedYears: new Set(), days: new Map() };

/** Builds the snapshot from HolidayDay rows. */
export function holidayTable(rows: readonly (HolidayEntry & { year: number })[]): HolidayTable {
  const loadedYears = new Set<number>();
  const days = new Map<string, { kind: HolidayKind; name: string }>();
  for (const r of rows) {
    loadedYears.add(r.year);
    days.set(r.date, { kind: r.kind, name: r.name });
  }
  return { loadedYears, days };
}

/** Has the year a schedule (loaded or built in)? */
export function yearCovered(table: HolidayTable, year: number): boolean {
  return table.loadedYears.has(year) || BUILTIN_YEARS.has(year);
}

/** What the official schedule says about a date (YYYY-MM-DD), and whose word it is. */
export function officialDay(table: HolidayTable, iso: string): OfficialDay {
  const year = Number(iso.slice(0, 4));
  const listed = table.days.get(iso);
  if (listed) return { kind: listed.kind, name: listed.name, source: "admin" };
  if (table.loadedYears.has(year)) return { kind: "normal", source: "admin" };
  if (BUILTIN_YEARS.has(year)) {
    const holiday = BUILTIN.holidays[iso];
    if (holiday) return { kind: "holiday", name: holidayName(holiday), source: "chinese-days" };
    const workday = BUILTIN.workdays[iso];
    if (workday) return { kind: "workday", name: holidayName(workday), source: "chinese-days" };
    return { kind: "normal", source: "chinese-days" };
  }
  const statutory = statutoryHolidays(year).get(iso);
  if (statutory) return { kind: "holiday", name: statutory, source: "fallback" };
  return { kind: "normal", source: "fallback" };
}

const statutoryByYear = new Map<number, ReadonlyMap<string, string>>();
const LUNAR = new Intl.DateTimeFormat("zh-CN-u-ca-chinese", { timeZone: "UTC", month: "numeric", day: "numeric" });
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/**
 * The public holidays of 全国年节及纪念日放假办法 (2024 revision, art. 2) for a year no schedule
 * covers: 元旦 1 January; 春节 除夕 to 正月初三 (4 days); 清明 the 清明 solar term; 劳动节 1–2 May;
 * 端午 五月初五; 中秋 八月十五; 国庆 1–3 October. Lunar dates from the ICU Chinese calendar (the
 * first, not the leap, month of a number); 清明 by the solar-term formula valid for 2001–2099.
 */
export function statutoryHolidays(year: number): ReadonlyMap<string, string> {
  const cached = statutoryByYear.get(year);
  if (cached) return cached;
  const days = new Map<string, string>();
  const fixed = (mmdd: string, name: string) => days.set(`${year}-${mmdd}`, name);
  fixed("01-01", "元旦");
  fixed("05-01", "劳动节");
  fixed("05-02", "劳动节");
  for (const d of ["01", "02", "03"]) fixed(`10-${d}`, "国庆节");
  const yy = year % 100;
  fixed(`04-0${Math.floor(yy * 0.2422 + 4.81) - Math.floor(yy / 4)}`, "清明节");
  // Lunar dates: the first day of the Gregorian year whose Chinese-calendar month and day match.
  const lunar = (month: string, day: string): number | undefined => {
    for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) {
      const parts = LUNAR.formatToParts(new Date(t));
      if (parts.find((p) => p.type === "month")?.value === month && parts.find((p) => p.type === "day")?.value === day)
        return t;
    }
    return undefined;
  };
  const newYear = lunar("1", "1");
  if (newYear !== undefined) for (let i = -1; i <= 2; i++) days.set(isoDay(newYear + i * 86_400_000), "春节");
  const duanwu = lunar("5", "5");
  if (duanwu !== undefined) days.set(isoDay(duanwu), "端午节");
  const midAutumn = lunar("8", "15");
  if (midAutumn !== undefined) days.set(isoDay(midAutumn), "中秋节");
  statutoryByYear.set(year, days);
  return days;
}

/** chinese-days names a day "English,中文,n". */
function holidayName(raw: string): string {
  return raw.split(",")[1] ?? raw;
}

/** Starts warning this many days before the last covered day. */
export const WARN_DAYS = 60;

export interface CalendarCoverage {
  /** ok; warning: the data ends within WARN_DAYS; expired: today's year has no data (fallback in use). */
  status: "ok" | "warning" | "expired";
  /** The last day of the last year covered without a gap from today's year (null: not even today's). */
  coveredUntil: string | null;
  /** Days from today to coveredUntil (negative once past). */
  daysLeft: number | null;
  message: string;
}

/** How long the schedule lasts from `today` (YYYY-MM-DD in China time). */
export function calendarCoverage(table: HolidayTable, today: string): CalendarCoverage {
  const year = Number(today.slice(0, 4));
  let last = year - 1;
  while (yearCovered(table, last + 1)) last++;
  if (last < year)
    return {
      status: "expired",
      coveredUntil: null,
      daysLeft: null,
      message: `节假日数据缺失：${year} 年没有节假日安排，工作日按周一至周五及法定节假日计算（不含调休）。请在管理页导入国务院办公厅的 ${year} 年节假日安排。`,
    };
  const coveredUntil = `${last}-12-31`;
  const daysLeft = Math.round((Date.parse(coveredUntil) - Date.parse(today)) / 86_400_000);
  if (daysLeft > WARN_DAYS)
    return { status: "ok", coveredUntil, daysLeft, message: `节假日数据覆盖至 ${coveredUntil}` };
  return {
    status: "warning",
    coveredUntil,
    daysLeft,
    message: `节假日数据仅覆盖至 ${coveredUntil}（还剩 ${daysLeft} 天），之后的工作日将按周一至周五及法定节假日计算（不含调休）。请在管理页导入国务院办公厅的 ${last + 1} 年节假日安排。`,
  };
}
