import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Scheduler } from "../../src/scheduler/scheduler.js";

/** One backing store (database, Redis queue) that scheduler instances can be opened on, like restarts. */
export interface SchedulerHarness {
  /** `now` pins the scheduler's clock where it has one of its own (the database sweep). */
  open(now?: () => Date): Promise<Scheduler>;
  /** Loses every trigger held outside the database (Redis restarted empty), as an outage would. */
  loseFastPath(): Promise<void>;
  cleanup(): Promise<void>;
}

/** Every kind of timer the app arms (SLA, SLA webhook, survey send/remind/close, outbound retry, retention, rollup). */
export const TIMER_KINDS = ["sla", "slahook", "survey", "outbox", "retention", "reportrollup"] as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(fn: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await sleep(20);
  }
}

/**
 * The Scheduler contract: every implementation fires each armed key once, not before it is
 * due, honours re-arm and cancel, survives a restart, and retries a failing handler.
 */
export function schedulerContract(name: string, makeHarness: () => Promise<SchedulerHarness>): void {
  describe(`Scheduler contract: ${name}`, () => {
    let harness: SchedulerHarness;
    const open: Scheduler[] = [];
    const fired: { id: string; at: number }[] = [];
    const count = (id: string) => fired.filter((f) => f.id === id).length;
    const start = async (onFire?: (id: string) => Promise<void>) => {
      const s = await harness.open();
      s.handle("test", async (id) => {
        if (onFire) await onFire(id);
        fired.push({ id, at: Date.now() });
      });
      open.push(s);
      await s.start();
      return s;
    };

    beforeEach(async () => {
      fired.length = 0;
      harness = await makeHarness();
    });
    afterEach(async () => {
      for (const s of open.splice(0)) await s.stop();
      await harness.cleanup();
    });

    it("fires an armed key once, not before it is due", async () => {
      const s = await start();
      const due = Date.now() + 400;
      await s.arm("test:a", new Date(due));
      await until(() => count("a") === 1);
      expect(fired[0]!.at).toBeGreaterThanOrEqual(due - 5);
      await sleep(600);
      expect(count("a")).toBe(1);
    });

    it("re-arming replaces the earlier due time", async () => {
      const s = await start();
      await s.arm("test:b", new Date(Date.now() + 1_000));
      const later = Date.now() + 2_000;
      await s.arm("test:b", new Date(later));
      await until(() => count("b") === 1);
      expect(fired[0]!.at).toBeGreaterThanOrEqual(later - 5);
      await sleep(500);
      expect(count("b")).toBe(1);
    });

    it("cancel stops a pending trigger", async () => {
      const s = await start();
      await s.arm("test:c", new Date(Date.now() + 300));
      await s.arm("test:keep", new Date(Date.now() + 500));
      await s.cancel("test:c");
      await until(() => count("keep") === 1);
      await sleep(300);
      expect(count("c")).toBe(0);
    });

    it("fires at once what fell due while it was stopped, and keeps what is armed across a restart", async () => {
      const first = await harness.open();
      await first.arm("test:past", new Date(Date.now() - 60_000));
      await first.arm("test:future", new Date(Date.now() + 700));
      await first.stop();
      const startedAt = Date.now();
      await start();
      await until(() => count("past") === 1);
      expect(fired[0]!.at - startedAt).toBeLessThan(2000);
      await until(() => count("future") === 1);
      await sleep(300);
      expect([count("past"), count("future")]).toEqual([1, 1]);
    });

    it("a handler may re-arm its own key for a later time (warning, then breach)", async () => {
      let s: Scheduler | undefined;
      s = await start(async (id) => {
        if (id === "d" && count("d") === 0) await s!.arm("test:d", new Date(Date.now() + 300));
      });
      await s.arm("test:d", new Date(Date.now() + 100));
      await until(() => count("d") === 2);
      await sleep(500);
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
      await s.arm("test:e", new Date());
      await until(() => count("e") === 1, 15_000);
      expect(failures).toBe(1);
    });

    it("fires many triggers due at the same instant exactly once each", async () => {
      const s = await start();
      const due = new Date(Date.now() + 300);
      for (let i = 0; i < 300; i++) await s.arm(`test:m${i}`, due);
      await until(() => fired.length >= 300, 20_000);
      await sleep(500);
      expect(new Set(fired.map((f) => f.id)).size).toBe(300);
      expect(fired).toHaveLength(300);
    });

    it("the database sweep fires a due trigger of every kind whose fast-path trigger was lost", async () => {
      let now = Date.now();
      const s = await harness.open(() => new Date(now));
      for (const kind of TIMER_KINDS) s.handle(kind, async (id) => void fired.push({ id: `${kind}:${id}`, at: now }));
      open.push(s);
      await s.start();
      const due = new Date(now + 3_600_000);
      for (const kind of TIMER_KINDS) await s.arm(`${kind}:lost`, due);
      await harness.loseFastPath();
      expect(await s.sweep()).toBe(0);
      // The hour passes (pinned clock); the triggers now exist only in the database.
      now = due.getTime() + 60_000;
      await s.sweep();
      await until(() => fired.length >= TIMER_KINDS.length);
      expect(fired.map((f) => f.id).sort()).toEqual(TIMER_KINDS.map((k) => `${k}:lost`).sort());
      expect(await s.sweep()).toBe(0);
    });

    it("refuses a key without a kind", async () => {
      const s = await start();
      await expect(s.arm("nokind", new Date())).rejects.toThrow();
    });
  });
}
