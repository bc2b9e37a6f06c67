import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addWorkingMinutes,
  CALENDAR_24X7,
  CALENDAR_BUSINESS,
  type CalendarSpec,
  isWorkingDay,
  spanUsesFallback,
  validateCalendar,
  workingMsBetween,
  zonedParts,
  zonedTime,
} from "../../src/sla/business-calendar.js";

/** Shanghai wall time → instant (UTC+8, no DST). */
const sh = (iso: string) => new Date(`${iso}+08:00`);
const business: CalendarSpec = CALENDAR_BUSINESS;

describe("business calendar", () => {
  it("24×7 adds plain minutes", () => {
    expect(addWorkingMinutes(CALENDAR_24X7, sh("2025-09-30T17:00:00"), 24 * 60)).toEqual(sh("2025-10-01T17:00:00"));
  });

  it("knows China's holidays and 调休 make-up days", () => {
    expect(isWorkingDay(business, "2025-10-01")).toBe(false); // National Day
    expect(isWorkingDay(business, "2025-10-08")).toBe(false); // still the Golden Week holiday
    expect(isWorkingDay(business, "2025-09-28")).toBe(true); // a Sunday, but a 调休 working day
    expect(isWorkingDay(business, "2025-10-11")).toBe(true); // a Saturday 调休 working day
    expect(isWorkingDay(business, "2025-10-12")).toBe(false); // an ordinary Sunday
    expect(isWorkingDay(business, "2025-10-09")).toBe(true);
  });

  it("a clock started on 30 Sep before National Day falls due after the holiday", () => {
    // 17:00 on 30 Sep leaves 1 h that day; the next working day is Thu 9 Oct.
    const due = addWorkingMinutes(business, sh("2025-09-30T17:00:00"), 8 * 60);
    expect(due).toEqual(sh("2025-10-09T16:00:00"));
  });

  it("a 调休 Saturday counts as a working day", () => {
    // Fri 10 Oct 17:00 + 2 h: 1 h on Friday, 1 h on Saturday 11 Oct (调休).
    expect(addWorkingMinutes(business, sh("2025-10-10T17:00:00"), 120)).toEqual(sh("2025-10-11T10:00:00"));
  });

  it("outside opening hours starts counting at the next opening", () => {
    expect(addWorkingMinutes(business, sh("2025-10-09T07:30:00"), 30)).toEqual(sh("2025-10-09T09:30:00"));
    expect(addWorkingMinutes(business, sh("2025-10-09T20:00:00"), 30)).toEqual(sh("2025-10-10T09:30:00"));
    // Friday evening → Monday morning over an ordinary weekend
    expect(addWorkingMinutes(business, sh("2025-11-14T18:30:00"), 60)).toEqual(sh("2025-11-17T10:00:00"));
  });

  it("custom closed days are skipped", () => {
    const cal = { ...business, closedDays: ["2025-11-17"] };
    expect(addWorkingMinutes(cal, sh("2025-11-14T17:30:00"), 60)).toEqual(sh("2025-11-18T09:30:00"));
  });

  it("computes in the calendar's zone, whatever the server's zone", () => {
    const ny = { ...business, timezone: "America/New_York", useChinaHolidays: false };
    // 2025-11-14 is a Friday; 17:00 EST = 22:00 UTC; +2 h → Monday 10:00 EST.
    expect(addWorkingMinutes(ny, new Date("2025-11-14T22:00:00Z"), 120)).toEqual(new Date("2025-11-17T15:00:00Z"));
  });

  it("workingMsBetween is the inverse of addWorkingMinutes", () => {
    const start = fc.date({
      min: new Date("2024-01-01T00:00:00Z"),
      max: new Date("2026-12-01T00:00:00Z"),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(start, fc.integer({ min: 0, max: 20_000 }), (s, minutes) => {
        const due = addWorkingMinutes(business, s, minutes);
        expect(due.getTime()).toBeGreaterThanOrEqual(s.getTime());
        expect(workingMsBetween(business, s, due)).toBe(minutes * 60_000);
      }),
      { numRuns: 200 },
    );
  });

  it("validates specs", () => {
    expect(validateCalendar(business)).toEqual([]);
    expect(validateCalendar({ ...business, dayStart: "18:00", dayEnd: "09:00" })).toHaveLength(1);
    expect(validateCalendar({ ...business, timezone: "Mars/Olympus" })).toHaveLength(1);
    expect(validateCalendar({ ...business, closedDays: ["2025/10/01"] })).toHaveLength(1);
  });
});

// Boundaries mutation testing showed no test depended on (issue 22).
describe("business calendar, edge cases", () => {
  const plain: CalendarSpec = { ...CALENDAR_BUSINESS, useChinaHolidays: false };

  it("reads wall-clock fields to the second and finds local instants, across a DST change too", () => {
    expect(zonedParts(new Date("2025-11-10T01:30:45Z"), "Asia/Shanghai")).toEqual({
      y: 2025,
      m: 11,
      d: 10,
      hh: 9,
      mm: 30,
      ss: 45,
    });
    expect(zonedTime({ y: 2025, m: 11, d: 10 }, 9 * 60 + 30, "Asia/Shanghai")).toEqual(sh("2025-11-10T09:30:00"));
    // New York springs forward at 02:00 on 2025-03-09: 05:00 that morning is EDT (UTC−4).
    expect(zonedTime({ y: 2025, m: 3, d: 9 }, 5 * 60, "America/New_York")).toEqual(new Date("2025-03-09T09:00:00Z"));
  });

  it("validates opening hours (HH:MM, up to 24:00, start before end) and names the problem", () => {
    const hours = (dayStart: string, dayEnd: string) => validateCalendar({ ...plain, dayStart, dayEnd });
    expect(hours("00:00", "24:00")).toEqual([]);
    expect(hours("09:00", "09:59")).toEqual([]);
    expect(hours("x9:00", "18:00")).toEqual(['time of day must be HH:MM, got "x9:00"']);
    expect(hours("09:00", "18:00x")).toEqual(['time of day must be HH:MM, got "18:00x"']);
    expect(hours("09:00", "25:00")).toEqual(["time of day out of range: 25:00"]);
    expect(hours("09:00", "24:01")).toEqual(["time of day out of range: 24:01"]);
    expect(hours("09:60", "18:00")).toEqual(["time of day out of range: 09:60"]);
    expect(hours("09:30", "09:20")).toEqual(["dayStart must be before dayEnd"]);
    expect(hours("09:00", "09:00")).toEqual(["dayStart must be before dayEnd"]);
    // A 24×7 calendar has no opening hours to check.
    expect(validateCalendar({ ...CALENDAR_24X7, dayStart: "", dayEnd: "" })).toEqual([]);
  });

  it("validates the time zone and closed days", () => {
    expect(validateCalendar({ ...plain, timezone: "Mars/Olympus" })).toEqual(["unknown time zone Mars/Olympus"]);
    expect(validateCalendar({ ...plain, closedDays: ["2025-10-01", "2025-12-31"] })).toEqual([]);
    for (const bad of [
      "2025-1-01",
      "2025-01-1",
      "25-01-01",
      "x2025-01-01",
      "2025-01-01x",
      "abcd-01-01",
      "2025-ab-01",
      "2025-01-ab",
    ])
      expect(validateCalendar({ ...plain, closedDays: [bad] })).toEqual([`closed day ${bad} is not YYYY-MM-DD`]);
  });

  it("a calendar that ignores China's holidays works National Day and rests on a 调休 Sunday", () => {
    expect(isWorkingDay(plain, "2025-10-01")).toBe(true);
    expect(isWorkingDay(plain, "2025-09-28")).toBe(false);
  });

  it("24×7 counts weekends and nights; nothing is counted backwards", () => {
    expect(addWorkingMinutes(CALENDAR_24X7, sh("2025-11-15T03:00:00"), 60)).toEqual(sh("2025-11-15T04:00:00"));
    expect(workingMsBetween(CALENDAR_24X7, sh("2025-11-15T03:00:00"), sh("2025-11-15T04:00:00"))).toBe(3_600_000);
    expect(workingMsBetween(CALENDAR_24X7, sh("2025-11-15T04:00:00"), sh("2025-11-15T03:00:00"))).toBe(0);
  });

  it("work that ends exactly at closing time is due at closing time; nothing left at closing means the next opening", () => {
    expect(addWorkingMinutes(plain, sh("2025-11-10T17:00:00"), 60)).toEqual(sh("2025-11-10T18:00:00"));
    expect(addWorkingMinutes(plain, sh("2025-11-10T18:00:00"), 0)).toEqual(sh("2025-11-11T09:00:00"));
  });

  it("a calendar with no working time fails loudly instead of looping", () => {
    const never: CalendarSpec = { ...plain, id: "never", dayStart: "09:00", dayEnd: "09:00" };
    expect(() => addWorkingMinutes(never, sh("2025-11-10T10:00:00"), 1)).toThrow(
      "calendar never has no working time in 3660 days",
    );
  });

  it("a span ending before it starts is judged by its start year", () => {
    expect(spanUsesFallback(CALENDAR_BUSINESS, sh("2040-01-10T10:00:00"), sh("2025-01-10T10:00:00"))).toBe(true);
    expect(spanUsesFallback(CALENDAR_BUSINESS, sh("2025-01-10T10:00:00"), sh("2025-01-10T10:00:00"))).toBe(false);
  });
});
