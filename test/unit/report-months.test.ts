import { describe, expect, it } from "vitest";
import { wholeMonths } from "../../src/reports/report.rollup.js";

// Issue 23: the summary reads the place and outlet figures of months covered whole from
// Report*Month, the other rolled-up days from the day tables.
describe("wholeMonths", () => {
  it("takes the months a run covers from their first to their last day, and leaves the edges as days", () => {
    expect(wholeMonths([{ first: "2025-11-17", last: "2026-03-02" }])).toEqual({
      months: ["2025-12-01", "2026-01-01", "2026-02-01"],
      days: [
        { first: "2025-11-17", last: "2025-11-30" },
        { first: "2026-03-01", last: "2026-03-02" },
      ],
    });
  });

  it("a month broken by a day not rolled up (two runs) is read as days", () => {
    const runs = [
      { first: "2026-01-01", last: "2026-01-14" },
      { first: "2026-01-16", last: "2026-02-28" },
    ];
    expect(wholeMonths(runs)).toEqual({
      months: ["2026-02-01"],
      days: [
        { first: "2026-01-01", last: "2026-01-14" },
        { first: "2026-01-16", last: "2026-01-31" },
      ],
    });
  });

  it("a run of exactly one month, of part of one, and leap February", () => {
    expect(wholeMonths([{ first: "2028-02-01", last: "2028-02-29" }])).toEqual({ months: ["2028-02-01"], days: [] });
    expect(wholeMonths([{ first: "2028-02-01", last: "2028-02-28" }])).toEqual({
      months: [],
      days: [{ first: "2028-02-01", last: "2028-02-28" }],
    });
    expect(wholeMonths([])).toEqual({ months: [], days: [] });
  });
});
