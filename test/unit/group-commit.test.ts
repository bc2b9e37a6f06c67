import { describe, expect, it } from "vitest";
import { GroupCommit } from "../../src/db/group-commit.js";

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("GroupCommit", () => {
  it("coalesces concurrent callers into few batches and gives each caller its own result", async () => {
    const batches: number[][] = [];
    const g = new GroupCommit<number, number>(
      async (items) => {
        batches.push(items);
        await tick();
        return items.map((i) => i * 10);
      },
      { maxBatch: 64, maxInFlight: 1 },
    );
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => g.run(i)));
    expect(results).toEqual(Array.from({ length: 100 }, (_, i) => i * 10));
    expect(batches.length).toBeLessThanOrEqual(3);
    expect(batches.every((b) => b.length <= 64)).toBe(true);
    expect(g.pending).toBe(0);
  });

  it("never runs more than maxInFlight batches at once", async () => {
    let running = 0;
    let peak = 0;
    const g = new GroupCommit<number, number>(
      async (items) => {
        running++;
        peak = Math.max(peak, running);
        await tick();
        running--;
        return items;
      },
      { maxBatch: 2, maxInFlight: 3 },
    );
    await Promise.all(Array.from({ length: 40 }, (_, i) => g.run(i)));
    expect(peak).toBe(3);
  });

  it("when a batch fails, retries item by item so only the bad item's caller sees the error", async () => {
    const g = new GroupCommit<number, number>(
      async (items) => {
        if (items.includes(13)) throw new Error("bad input 13");
        return items;
      },
      { maxBatch: 64, maxInFlight: 1 },
    );
    const settled = await Promise.allSettled([11, 12, 13, 14].map((i) => g.run(i)));
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect((settled[2] as PromiseRejectedResult).reason.message).toBe("bad input 13");
  });

  it("does not retry after a lost connection (the outcome is unknown): every caller sees the error", async () => {
    let calls = 0;
    const g = new GroupCommit<number, number>(
      async () => {
        calls++;
        throw new Error("Connection terminated unexpectedly");
      },
      { maxBatch: 64, maxInFlight: 1 },
    );
    const settled = await Promise.allSettled([1, 2, 3].map((i) => g.run(i)));
    expect(settled.every((s) => s.status === "rejected")).toBe(true);
    expect(calls).toBe(1);
  });
});
