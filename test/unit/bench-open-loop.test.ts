import { describe, expect, it } from "vitest";
import { OPEN_LOOP_FRACTION, openLoopRate } from "../../bench/load.js";

// Issue 20: the bench's open-loop rate follows what the machine did in the same run, so its
// p99 means the same on a slow and on a fast day.
describe("bench open-loop rate", () => {
  it("is a share of the baseline measured in the same run", () => {
    expect(openLoopRate(4000)).toBe(Math.round(4000 * OPEN_LOOP_FRACTION));
    expect(openLoopRate(2000, 0.4)).toBe(800);
    // A machine twice as fast gets twice the rate: the load is the same share of its capacity.
    expect(openLoopRate(6000) / openLoopRate(3000)).toBe(2);
  });

  it("refuses a baseline that measured nothing", () => {
    expect(() => openLoopRate(0)).toThrow();
    expect(() => openLoopRate(Number.NaN)).toThrow();
  });
});
