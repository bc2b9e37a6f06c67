import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Scheduler } from "../../src/scheduler/scheduler.js";

/**
 * One backing store (database, Redis queue) that scheduler instances can be opened on, like restarts.
 * Time is the contract's pinned clock, never the wall clock: a trigger falls due only when the test
 * moves the clock, so "not before it is due" and "exactly once" hold or fail the same on any machine.
 */
export interface SchedulerHarness {
  /** A scheduler on this store whose clock is `now`. */
  open(now: () => Date): Promise<Scheduler>;
  /**
   * Returns once `s` (started) has handled every trigger due by its clock: after the clock moved,
   * everything now due has fired and no handler is still running. Waits on the implementation
   * itself (a whole poll of its own loop; BullMQ's queue drained), never for a fixed time.
   */
  settle(s: Scheduler): Promise<void>;
  /** Loses every trigger held outside the database (Redis restarted empty), as an outage would. */
  loseFastPath(): Promise<void>;
  cleanup(): Promise<void>;
}

/** Every kind of timer the app arms (SLA, SLA webhook, survey send/remind/close, outbound retry, retention, rollup). */
export const TIMER_KINDS = ["sla", "slahook", "survey", "outbox", "retention", "reportrollup"] as const;

const HOUR = 3_600_000;

/** Waits for a condition the implementation brings about; the bound only turns a hang into a failure. */
export async function until(fn: () => boolean | Promise<boolean>, what = "condition"): Promise<void> {
  await expect.poll(fn, { timeout: 30_000, interval: 10, message: `waiting for ${what}` }).toBe(true);
}

/**
 * The Scheduler contract: every implementation fires each armed key once, not before it is
 * due, honours re-arm and cancel, survives a restart, and retries a failing handler.
 */
export function schedulerContract(name: string, makeHarness: () => Promise<SchedulerHarness>): void {
  describe(`Scheduler contract: ${name}`, () => {
    let harness: SchedulerHarness;
    const open: Scheduler[] = [];
    // A fixed instant, not the wall clock (due times are an hour apart so BullMQ's real-time
    // delays, counted from this clock, never run out by themselves during a test).
    const T0 = Date.parse("2026-03-02T09:00:00+08:00");
    let now = T0;
    const clock = () => new Date(now);
    const fired: { id: string; at: number }[] = [];
    const count = (id: string) => fired.filter((f) => f.id === id).length;
    const start = async (onFire?: (id: string) => Promise<void>) => {
      const s = await harness.open(clock);
      s.handle("test", async (id) => {
        if (onFire) await onFire(id);
        fired.push({ id, at: now });
      });
      open.push(s);
      await s.start();
      return s;
    };
    /** Moves the pinned clock to `t` and lets `s` act on it. */
    const advanceTo = async (s: Scheduler, t: number) => {
      now = t;
      await harness.settle(s);
    };

    beforeEach(async () => {
      fired.length = 0;
      now = T0;
      harness = await makeHarness();
    });
    afterEach(async () => {
      for (const s of open.splice(0)) await s.stop();
      await harness.cleanup();
    });

    it("fires an armed key once, not before it is due", async () => {
      const s = await start();
      const due = T0 + HOUR;
      await s.arm("test:a", new Date(due));
      await harness.settle(s);
      await advanceTo(s, due - 1);
      expect(count("a")).toBe(0);
      await advanceTo(s, due);
      expect(fired).toEqual([{ id: "a", at: due }]);
      await advanceTo(s, due + HOUR);
      expect(count("a")).toBe(1);
    });

    it("re-arming replaces the earlier due time", async () => {
      const s = await start();
      await s.arm("test:b", new Date(T0 + HOUR));
      await s.arm("test:b", new Date(T0 + 2 * HOUR));
      await advanceTo(s, T0 + HOUR);
      expect(count("b")).toBe(0);
      await advanceTo(s, T0 + 2 * HOUR);
      expect(fired).toEqual([{ id: "b", at: T0 + 2 * HOUR }]);
      await advanceTo(s, T0 + 3 * HOUR);
      expect(count("b")).toBe(1);
    });

    it("cancel stops a pending trigger", async () => {
      const s = await start();
      await s.arm("test:c", new Date(T0 + HOUR));
      await s.arm("test:keep", new Date(T0 + HOUR));
      await s.cancel("test:c");
      await advanceTo(s, T0 + 2 * HOUR);
      expect([count("c"), count("keep")]).toEqual([0, 1]);
    });

    it("fires at once what fell due while it was stopped, and keeps what is armed across a restart", async () => {
      const first = await harness.open(clock);
      await first.arm("test:past", new Date(T0 - 60_000));
      await first.arm("test:future", new Date(T0 + HOUR));
      await first.stop();
      const s = await start();
      // At once: the clock has not moved.
      await until(() => count("past") === 1, "the overdue trigger to fire on start");
      await harness.settle(s);
      expect([count("past"), count("future")]).toEqual([1, 0]);
      await advanceTo(s, T0 + HOUR);
      expect([count("past"), count("future")]).toEqual([1, 1]);
    });

    it("a handler may re-arm its own key for a later time (warning, then breach)", async () => {
      let s: Scheduler | undefined;
      s = await start(async (id) => {
        if (id === "d" && count("d") === 0) await s!.arm("test:d", new Date(now + HOUR));
      });
      await s.arm("test:d", new Date(T0 + HOUR));
      await advanceTo(s, T0 + HOUR);
      expect(count("d")).toBe(1);
      await advanceTo(s, T0 + 2 * HOUR - 1);
      expect(count("d")).toBe(1);
      await advanceTo(s, T0 + 2 * HOUR);
      expect(fired.map((f) => f.at)).toEqual([T0 + HOUR, T0 + 2 * HOUR]);
      await advanceTo(s, T0 + 3 * HOUR);
      expect(count("d")).toBe(2);
    });

    it("retries a failing handler until it succeeds", async () => {
      let failures = 0;
      const s = await start(async (id) => {
        if (id === "e" && failures < 1) {
          failures++;
          throw new Error("transient");
        }
      });
      await s.arm("test:e", new Date(T0));
      await until(() => failures === 1, "the first attempt to fail");
      // Past any backoff of a first retry.
      now = T0 + HOUR;
      await until(async () => {
        await harness.settle(s);
        return count("e") === 1;
      }, "the retry to succeed");
      expect(failures).toBe(1);
      await advanceTo(s, T0 + 2 * HOUR);
      expect(count("e")).toBe(1);
    });

    it("fires many triggers due at the same instant exactly once each", async () => {
      const s = await start();
      const due = new Date(T0 + HOUR);
      for (let i = 0; i < 300; i++) await s.arm(`test:m${i}`, due);
      await harness.settle(s);
      expect(fired).toHaveLength(0);
      await advanceTo(s, due.getTime());
      expect(fired).toHaveLength(300);
      await advanceTo(s, due.getTime() + HOUR);
      expect(new Set(fired.map((f) => f.id)).size).toBe(300);
      expect(fired).toHaveLength(300);
    });

    it("the database sweep fires a due trigger of every kind whose fast-path trigger was lost", async () => {
      const s = await harness.open(clock);
      for (const kind of TIMER_KINDS) s.handle(kind, async (id) => void fired.push({ id: `${kind}:${id}`, at: now }));
      open.push(s);
      await s.start();
      const due = new Date(now + HOUR);
      for (const kind of TIMER_KINDS) await s.arm(`${kind}:lost`, due);
      await harness.loseFastPath();
      expect(await s.sweep()).toBe(0);
      // The hour passes (pinned clock); the triggers now exist only in the database.
      now = due.getTime() + 60_000;
      await s.sweep();
      await harness.settle(s);
      expect(fired.map((f) => f.id).sort()).toEqual(TIMER_KINDS.map((k) => `${k}:lost`).sort());
      expect(await s.sweep()).toBe(0);
    });

    it("refuses a key without a kind", async () => {
      const s = await start();
      await expect(s.arm("nokind", new Date(T0))).rejects.toThrow();
    });
  });
}
