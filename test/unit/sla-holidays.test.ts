// Issue 19: the holiday schedule of a year comes from the admins' data, else chinese-days, else
// Monday–Friday (marked as a fallback). The schedules below are test fixtures, not real notices.
import { describe, expect, it } from "vitest";
import {
  addWorkingMinutes,
  CALENDAR_BUSINESS,
  isWorkingDay,
  spanUsesFallback,
} from "../../src/sla/business-calendar.js";
import { nextCheckAt } from "../../src/sla/holiday.service.js";
import { parseHolidayIcs } from "../../src/sla/holiday-ics.js";
import {
  BUILTIN_YEARS,
  calendarCoverage,
  EMPTY_HOLIDAYS,
  holidayTable,
  officialDay,
  statutoryHolidays,
  WARN_DAYS,
} from "../../src/sla/holidays.js";
import { pauseClock, recalculateClock, startClock } from "../../src/sla/sla-policy.js";

const sh = (local: string) => new Date(`${local}+08:00`);
/** The first year chinese-days has no data for (2027 with chinese-days 1.5.7). */
const LAST_BUILTIN = Math.max(...BUILTIN_YEARS);
const NEXT = LAST_BUILTIN + 1;

/** A made-up schedule for NEXT: 1–3 January off, the Saturday 9 January a make-up working day. */
const FIXTURE = holidayTable([
  { year: NEXT, date: `${NEXT}-01-01`, kind: "holiday", name: "测试假日" },
  { year: NEXT, date: `${NEXT}-01-02`, kind: "holiday", name: "测试假日" },
  { year: NEXT, date: `${NEXT}-01-03`, kind: "holiday", name: "测试假日" },
  { year: NEXT, date: `${NEXT}-01-09`, kind: "workday", name: "测试调休" },
]);

describe("holiday lookup order", () => {
  it("chinese-days answers for the years it covers", () => {
    expect(BUILTIN_YEARS.has(2025)).toBe(true);
    expect(officialDay(EMPTY_HOLIDAYS, "2025-10-01")).toMatchObject({ kind: "holiday", source: "chinese-days" });
    expect(officialDay(EMPTY_HOLIDAYS, "2025-09-28")).toMatchObject({ kind: "workday", source: "chinese-days" });
    expect(officialDay(EMPTY_HOLIDAYS, "2025-11-14")).toEqual({ kind: "normal", source: "chinese-days" });
  });

  it("a year nobody has data for is the fallback: the statutory holidays off, other days by the week", () => {
    expect(BUILTIN_YEARS.has(NEXT)).toBe(false);
    expect(officialDay(EMPTY_HOLIDAYS, `${NEXT}-01-01`)).toEqual({ kind: "holiday", name: "元旦", source: "fallback" });
    expect(officialDay(EMPTY_HOLIDAYS, `${NEXT}-01-05`)).toEqual({ kind: "normal", source: "fallback" });
  });

  it("the statutory holidays computed for a year are holidays in the State Council's schedules (2025, 2026), 清明 since 2008", () => {
    expect([...statutoryHolidays(2026)].sort()).toEqual(
      [
        ["2026-01-01", "元旦"],
        ["2026-02-16", "春节"], // 除夕
        ["2026-02-17", "春节"],
        ["2026-02-18", "春节"],
        ["2026-02-19", "春节"],
        ["2026-04-05", "清明节"],
        ["2026-05-01", "劳动节"],
        ["2026-05-02", "劳动节"],
        ["2026-06-19", "端午节"],
        ["2026-09-25", "中秋节"],
        ["2026-10-01", "国庆节"],
        ["2026-10-02", "国庆节"],
        ["2026-10-03", "国庆节"],
      ].sort(),
    );
    for (const year of [2025, 2026])
      for (const day of statutoryHolidays(year).keys())
        expect(officialDay(EMPTY_HOLIDAYS, day).kind, day).toBe("holiday");
    for (const year of [...BUILTIN_YEARS].filter((y) => y >= 2008)) {
      const qingming = [...statutoryHolidays(year)].find(([, name]) => name === "清明节")![0];
      expect(officialDay(EMPTY_HOLIDAYS, qingming).kind, qingming).toBe("holiday");
    }
    // 2027 (no schedule yet): 除夕 6 February, 端午 9 June, 中秋 15 September.
    expect(statutoryHolidays(2027).get("2027-02-06")).toBe("春节");
    expect(statutoryHolidays(2027).get("2027-06-09")).toBe("端午节");
    expect(statutoryHolidays(2027).get("2027-09-15")).toBe("中秋节");
  });

  it("an admin-loaded year wins over chinese-days, and days it does not list follow the week", () => {
    const table = holidayTable([{ year: 2025, date: "2025-11-14", kind: "holiday", name: "测试假日" }]);
    expect(officialDay(table, "2025-11-14")).toMatchObject({ kind: "holiday", source: "admin" });
    // chinese-days' National Day is not in the loaded 2025 schedule: the loaded year decides alone.
    expect(officialDay(table, "2025-10-01")).toEqual({ kind: "normal", source: "admin" });
    // Other years keep chinese-days.
    expect(officialDay(table, "2024-10-01")).toMatchObject({ kind: "holiday", source: "chinese-days" });
  });

  it("the business calendar counts on the loaded schedule", () => {
    const cal = { ...CALENDAR_BUSINESS, holidays: FIXTURE };
    expect(isWorkingDay(cal, `${NEXT}-01-01`)).toBe(false);
    expect(isWorkingDay(cal, `${NEXT}-01-09`)).toBe(true);
    expect(isWorkingDay(CALENDAR_BUSINESS, `${NEXT}-01-09`)).toBe(false); // a Saturday, unknown as 调休
  });
});

describe("clocks across the end of the data", () => {
  const start = sh(`${LAST_BUILTIN}-12-31T17:00:00`);
  const policy = { targetMinutes: 120, warnRatio: 0.5, pausable: true };

  it("without data for the next year: Monday–Friday, and the clock says so", () => {
    const c = startClock(policy, CALENDAR_BUSINESS, start);
    expect(c.calendarFallback).toBe(true);
    // 1 h on 31 December, the second hour on the next weekday morning that is not a statutory holiday.
    expect(c.dueAt).toEqual(addWorkingMinutes(CALENDAR_BUSINESS, start, 120));
  });

  it("with the next year loaded: after its New Year holiday, not a fallback", () => {
    const cal = { ...CALENDAR_BUSINESS, holidays: FIXTURE };
    const c = startClock(policy, cal, start);
    expect(c.calendarFallback).toBe(false);
    const firstWorking = [4, 5, 6, 7].map((d) => `${NEXT}-01-0${d}`).find((d) => isWorkingDay(cal, d))!;
    expect(c.dueAt).toEqual(sh(`${firstWorking}T10:00:00`));
  });

  it("loading the year moves a live clock by the working time it had left, and unmarks it", () => {
    const cal = { ...CALENDAR_BUSINESS, holidays: FIXTURE };
    const c = startClock(policy, CALENDAR_BUSINESS, start);
    const fresh = startClock(policy, cal, start);
    const moved = recalculateClock(c, CALENDAR_BUSINESS, cal, sh(`${LAST_BUILTIN}-12-31T17:30:00`));
    expect(moved).toMatchObject({ dueAt: fresh.dueAt, warnAt: fresh.warnAt, calendarFallback: false });
    expect(moved?.nextFireAt).toEqual(fresh.warnAt);
    // Paused: counted from the pause, and it stays paused.
    const paused = pauseClock(c, sh(`${LAST_BUILTIN}-12-31T17:30:00`))!;
    const movedPaused = recalculateClock(paused, CALENDAR_BUSINESS, cal, sh(`${NEXT}-01-02T12:00:00`));
    expect(movedPaused).toMatchObject({ state: "paused", dueAt: fresh.dueAt, nextFireAt: null });
    // Nothing changes: nothing to write.
    expect(recalculateClock(fresh, cal, cal, sh(`${LAST_BUILTIN}-12-31T17:30:00`))).toBeUndefined();
  });

  it("a 24×7 clock, or one inside covered years, is never a fallback", () => {
    expect(
      spanUsesFallback({ ...CALENDAR_BUSINESS, mode: "twentyfour_seven" }, start, sh(`${NEXT}-01-05T00:00:00`)),
    ).toBe(false);
    expect(
      spanUsesFallback(CALENDAR_BUSINESS, sh(`${LAST_BUILTIN}-03-02T10:00:00`), sh(`${LAST_BUILTIN}-03-03T10:00:00`)),
    ).toBe(false);
  });
});

describe("calendar coverage", () => {
  it("warns from 60 days before the last covered day, not before", () => {
    const end = Date.parse(`${LAST_BUILTIN}-12-31`);
    const day = (offset: number) => new Date(end - offset * 86_400_000).toISOString().slice(0, 10);
    expect(calendarCoverage(EMPTY_HOLIDAYS, day(WARN_DAYS + 1)).status).toBe("ok");
    expect(calendarCoverage(EMPTY_HOLIDAYS, day(WARN_DAYS))).toMatchObject({
      status: "warning",
      coveredUntil: `${LAST_BUILTIN}-12-31`,
      daysLeft: WARN_DAYS,
    });
    expect(calendarCoverage(EMPTY_HOLIDAYS, `${NEXT}-01-02`)).toMatchObject({ status: "expired", coveredUntil: null });
  });

  it("a loaded next year extends the coverage; a gap stops it", () => {
    expect(calendarCoverage(FIXTURE, `${LAST_BUILTIN}-11-15`)).toMatchObject({
      status: "ok",
      coveredUntil: `${NEXT}-12-31`,
    });
    const gap = holidayTable([{ year: NEXT + 1, date: `${NEXT + 1}-01-01`, kind: "holiday", name: "测试" }]);
    expect(calendarCoverage(gap, `${LAST_BUILTIN}-11-15`)).toMatchObject({
      status: "warning",
      coveredUntil: `${LAST_BUILTIN}-12-31`,
    });
  });
});

describe("daily check", () => {
  it("runs at the next 09:00 China time", () => {
    expect(nextCheckAt(sh("2026-11-30T08:59:59"))).toEqual(sh("2026-11-30T09:00:00"));
    expect(nextCheckAt(sh("2026-11-30T09:00:00"))).toEqual(sh("2026-12-01T09:00:00"));
    expect(nextCheckAt(sh("2026-12-31T23:30:00"))).toEqual(sh("2027-01-01T09:00:00"));
  });
});

describe("ICS import", () => {
  it("reads all-day events: ranges expand, 班 / ALTERNATE-WORKDAY mark working days", () => {
    const ics = [
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      "PRODID:-//kuaidi-desk//test//CN",
      "BEGIN:VEVENT",
      "UID:a@test",
      "DTSTART;VALUE=DATE:20270101",
      "DTEND;VALUE=DATE:20270104",
      "SUMMARY:测试假日(休)",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:b@test",
      "DTSTART;VALUE=DATE:20270109",
      "DTEND;VALUE=DATE:20270110",
      "SUMMARY:测试假日(班)",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:c@test",
      "DTSTART;VALUE=DATE:20270110",
      "SUMMARY:测试调休",
      "X-APPLE-SPECIAL-DAY:ALTERNATE-WORKDAY",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:d@test",
      "DTSTART:20270201T090000Z",
      "SUMMARY:a meeting",
      "END:VEVENT",
      "END:VCALENDAR",
    ].join("\r\n");
    const r = parseHolidayIcs(ics);
    expect(r.days).toEqual([
      { date: "2027-01-01", kind: "holiday", name: "测试假日" },
      { date: "2027-01-02", kind: "holiday", name: "测试假日" },
      { date: "2027-01-03", kind: "holiday", name: "测试假日" },
      { date: "2027-01-09", kind: "workday", name: "测试假日" },
      { date: "2027-01-10", kind: "workday", name: "测试调休" },
    ]);
    expect(r.problems).toEqual(["a meeting: not an all-day event"]);
  });

  it("something that is not iCalendar is a problem, not a throw", () => {
    const r = parseHolidayIcs("date,kind\n2027-01-01,holiday");
    expect(r.days).toEqual([]);
    expect(r.problems[0]).toMatch(/not an iCalendar file/);
  });

  it("blank text, several calendars and unreadable dates are problems, not throws (the import route answered 500)", () => {
    for (const text of ["", " ", "\ufeff", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR"]) {
      const r = parseHolidayIcs(text);
      expect(r.days, JSON.stringify(text)).toEqual([]);
      expect(r.problems[0]).toMatch(/not an iCalendar file/);
    }
    const event = (lines: string) =>
      parseHolidayIcs(`BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n${lines}\r\nEND:VEVENT\r\nEND:VCALENDAR`);
    expect(event("DTSTART:abc\r\nSUMMARY:元旦").problems).toEqual([
      '元旦: unreadable date (invalid date-time value: "abc--T::")',
    ]);
    const badEnd = event("DTSTART;VALUE=DATE:20270101\r\nDTEND;VALUE=DATE:x\r\nSUMMARY:元旦");
    expect(badEnd.days).toEqual([]);
    expect(badEnd.problems[0]).toMatch(/^元旦: unreadable date/);
  });
});
