import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addWorkingMinutes,
  CALENDAR_24X7,
  CALENDAR_BUSINESS,
  type CalendarSpec,
  isWorkingDay,
  validateCalendar,
  workingMsBetween,
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
