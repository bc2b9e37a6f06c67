import { describe, expect, it } from "vitest";
import { typingLimiter } from "../../src/realtime/typing.js";

describe("typing signals (issue 18)", () => {
  it("relays 5 in any 10 s, then again once those are 10 s old", () => {
    let now = 1_000_000;
    const may = typingLimiter(5, 10_000, () => now);
    expect([1, 2, 3, 4, 5, 6].map(() => may())).toEqual([true, true, true, true, true, false]);
    now += 9_999;
    expect(may()).toBe(false);
    now += 1;
    expect([1, 2, 3, 4, 5, 6].map(() => may())).toEqual([true, true, true, true, true, false]);
  });
});
