import { describe, expect, it } from "vitest";
import { csvLine } from "../../src/reports/csv.format.js";
import { detectSpikes } from "../../src/reports/early-warning.js";

const rule = { windowHours: 6, baselineDays: 7, factor: 2, minCount: 5 };

/** Synthetic hourly complaint counts: a steady rate per category, plus a burst in the last hours. */
function synthetic(ratePerHour: Record<string, number>, burst: Record<string, number>, seed = 7) {
  let x = seed;
  const rand = () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
  const hours = rule.baselineDays * 24 + rule.windowHours;
  return Object.entries(ratePerHour).map(([category, rate]) => {
    let baseline = 0;
    let recent = 0;
    for (let h = 0; h < hours; h++) {
      // Poisson-ish: the rate ± 50% noise, rounded.
      const n = Math.round(rate * (0.5 + rand()));
      if (h < hours - rule.windowHours) baseline += n;
      else recent += n + (burst[category] ?? 0);
    }
    return { category, baseline, recent };
  });
}

describe("complaint early warning (003 §7.3.1)", () => {
  it("flags the category that bursts, not the ones at their usual noisy pace", () => {
    const counts = synthetic({ DELAY: 3, LOSS: 0.5, DAMAGE: 1 }, { LOSS: 2 });
    expect(detectSpikes(counts, rule).map((s) => s.category)).toEqual(["LOSS"]);
  });

  it("stays quiet on many weeks of steady synthetic traffic", () => {
    for (let seed = 1; seed <= 50; seed++)
      expect(detectSpikes(synthetic({ DELAY: 3, LOSS: 0.5, DAMAGE: 1, COD: 0.2 }, {}, seed), rule)).toEqual([]);
  });

  it("needs a minimum count: a jump from 0 to 2 is noise, from 0 to 5 is news", () => {
    expect(detectSpikes([{ category: "COD", baseline: 0, recent: 2 }], rule)).toEqual([]);
    expect(detectSpikes([{ category: "COD", baseline: 0, recent: 5 }], rule)).toEqual([
      { category: "COD", recent: 5, expected: 0, ratio: null },
    ]);
  });

  it("compares against the baseline scaled to one window", () => {
    // 28 windows of 6 h in 7 days: 56 in the baseline predicts 2 per window; 5 is 2.5×.
    expect(detectSpikes([{ category: "DELAY", baseline: 56, recent: 5 }], rule)).toEqual([
      { category: "DELAY", recent: 5, expected: 2, ratio: 2.5 },
    ]);
    expect(detectSpikes([{ category: "DELAY", baseline: 84, recent: 6 }], rule)).toEqual([]);
  });
});

describe("complaint early warning, boundaries", () => {
  it("exactly the factor times the expected count is not a spike; one more is", () => {
    const loose = { ...rule, minCount: 1 };
    // 56 in 7 days predicts 2 per 6 h window; the factor is 2.
    expect(detectSpikes([{ category: "DELAY", baseline: 56, recent: 4 }], loose)).toEqual([]);
    expect(detectSpikes([{ category: "DELAY", baseline: 56, recent: 5 }], loose)).toHaveLength(1);
    expect(detectSpikes([{ category: "COD", baseline: 0, recent: 4 }], rule)).toEqual([]);
  });

  it("scales the baseline by the rule's window and period, rounds to two decimals, biggest first", () => {
    // Daily windows over 14 days: 14 windows.
    const daily = { windowHours: 24, baselineDays: 14, factor: 1.5, minCount: 3 };
    expect(
      detectSpikes(
        [
          { category: "LOSS", baseline: 11, recent: 5 },
          { category: "DELAY", baseline: 140, recent: 15 },
          { category: "DAMAGE", baseline: 140, recent: 30 },
        ],
        daily,
      ),
    ).toEqual([
      { category: "DAMAGE", recent: 30, expected: 10, ratio: 3 },
      { category: "LOSS", recent: 5, expected: 0.79, ratio: 6.36 },
    ]);
  });
});

describe("CSV lines", () => {
  it("quotes separators and defuses spreadsheet formulas", () => {
    expect(csvLine(["a,b", 'say "hi"', null, 3, "=1+1", "-5", "中文"])).toBe(
      '"a,b","say ""hi""",,3,\'=1+1,\'-5,中文\r\n',
    );
  });
});
