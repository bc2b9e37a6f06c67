import { describe, expect, it } from "vitest";
import { monthsLess, wholeMonths } from "../../src/reports/report.rollup.js";

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

// A month mostly covered is read from Report*Month less its day rows outside the period; the
// rolled-up days only guide the choice (the subtraction is of every day outside, rows or not).
describe("monthsLess", () => {
  const days = (first: string, last: string) => {
    const out = new Set<string>();
    for (let d = Date.parse(first); d <= Date.parse(last); d += 86_400_000)
      out.add(new Date(d).toISOString().slice(0, 10));
    return out;
  };

  it("takes a month less its days outside when they are fewer, and the days of a month barely covered", () => {
    const rolled = days("2026-08-01", "2026-11-28");
    expect(monthsLess([{ first: "2026-08-29", last: "2026-11-28" }], rolled)).toEqual({
      months: ["2026-09-01", "2026-10-01", "2026-11-01"],
      days: [{ first: "2026-08-29", last: "2026-08-31" }],
      // November's 29th and 30th are not rolled up: subtracted all the same (no rows, or stale ones).
      minus: [{ first: "2026-11-29", last: "2026-11-30" }],
    });
    expect(monthsLess([{ first: "2026-10-03", last: "2026-10-30" }], rolled)).toEqual({
      months: ["2026-10-01"],
      days: [],
      minus: [
        { first: "2026-10-01", last: "2026-10-02" },
        { first: "2026-10-31", last: "2026-10-31" },
      ],
    });
  });

  it("a dirty day inside a month (two runs) is subtracted with the days outside", () => {
    const runs = [
      { first: "2026-01-01", last: "2026-01-14" },
      { first: "2026-01-16", last: "2026-01-31" },
    ];
    expect(monthsLess(runs, days("2026-01-01", "2026-01-31"))).toEqual({
      months: ["2026-01-01"],
      days: [],
      minus: [{ first: "2026-01-15", last: "2026-01-15" }],
    });
  });

  it("reads the days when the month's other rolled-up days are about as many", () => {
    const rolled = days("2026-03-01", "2026-03-31");
    expect(monthsLess([{ first: "2026-03-16", last: "2026-03-31" }], rolled)).toEqual({
      months: [],
      days: [{ first: "2026-03-16", last: "2026-03-31" }],
      minus: [],
    });
    expect(monthsLess([], rolled)).toEqual({ months: [], days: [], minus: [] });
  });
});
