import { describe, expect, it } from "vitest";
import { chinaDayBound } from "../../src/util/china-day.js";

describe("chinaDayBound: report and feedback periods in China days", () => {
  it("a day starts at midnight China time; a date-only end includes that whole day", () => {
    expect(chinaDayBound("2026-11-01", false).toISOString()).toBe("2026-10-31T16:00:00.000Z");
    expect(chinaDayBound("2026-11-01", true).toISOString()).toBe("2026-11-01T16:00:00.000Z");
    expect(chinaDayBound("2028-02-29", false).toISOString()).toBe("2028-02-28T16:00:00.000Z");
    expect(chinaDayBound("2026-11-01T08:00:00+08:00", true).toISOString()).toBe("2026-11-01T00:00:00.000Z");
  });

  it("a day the calendar does not have is invalid, not rolled over into the next month", () => {
    for (const day of ["2026-02-29", "2026-02-30", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00"])
      expect(Number.isNaN(chinaDayBound(day, false).getTime()), day).toBe(true);
  });
});
