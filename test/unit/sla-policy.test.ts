import { describe, expect, it } from "vitest";
import { CALENDAR_24X7, CALENDAR_BUSINESS } from "../../src/sla/business-calendar.js";
import { formatDuration } from "../../src/sla/duration.js";
import {
  clockKindsFor,
  defaultPolicies,
  meetClock,
  nextFireAt,
  pauseClock,
  resumeClock,
  selectPolicy,
  startClock,
} from "../../src/sla/sla-policy.js";

const t0 = new Date("2025-11-10T02:00:00Z"); // Monday 10:00 in Shanghai
const min = (n: number) => n * 60_000;
const at = (ms: number) => new Date(t0.getTime() + ms);

describe("SLA policies and clocks", () => {
  const policies = defaultPolicies();
  const subject = { category: "DELAY", priority: "normal", groupCode: "logistics", complex: false };

  it("selects the defaults: 30 min, 24 h, 48 h when complex or urgent, 7 days regulatory", () => {
    expect(selectPolicy(policies, "first_response", subject)?.targetMinutes).toBe(30);
    expect(selectPolicy(policies, "resolution", subject)?.targetMinutes).toBe(1440);
    expect(selectPolicy(policies, "resolution", { ...subject, complex: true })?.targetMinutes).toBe(2880);
    expect(selectPolicy(policies, "resolution", { ...subject, priority: "urgent" })?.targetMinutes).toBe(2880);
    const reg = selectPolicy(policies, "regulatory", subject)!;
    expect([reg.targetMinutes, reg.pausable]).toEqual([7 * 1440, false]);
  });

  it("a ticket type gets only its own policies: a 催件 promises 2 h and no complaint clocks; a claim runs the national claim steps", () => {
    const urge = { ...subject, type: "urge" };
    expect(clockKindsFor("urge")).toEqual(["resolution"]);
    expect(selectPolicy(policies, "resolution", urge)?.targetMinutes).toBe(120);
    expect(selectPolicy(policies, "first_response", urge)).toBeUndefined();
    expect(selectPolicy(policies, "regulatory", urge)).toBeUndefined();
    // A complaint never picks up a request's promise.
    expect(selectPolicy(policies, "resolution", subject)?.name).toBe("resolution");
    const claim = { ...subject, type: "claim" };
    expect(clockKindsFor("claim")).toEqual(["claim_ack", "claim_proposal"]);
    expect(
      (["claim_ack", "claim_proposal", "claim_payment"] as const).map((k) => {
        const p = selectPolicy(policies, k, claim);
        return [p?.targetMinutes, p?.pausable];
      }),
    ).toEqual([
      [24 * 60, false],
      [30 * 24 * 60, false],
      [7 * 24 * 60, false],
    ]);
  });

  it("higher rank wins, then the more specific policy; inactive ones never match", () => {
    const extra = [
      { ...policies[1]!, name: "delay_fast", category: "DELAY", targetMinutes: 600, rank: 0 },
      { ...policies[1]!, name: "off", targetMinutes: 1, rank: 99, active: false },
    ];
    expect(selectPolicy([...policies, ...extra], "resolution", subject)?.name).toBe("delay_fast");
    expect(selectPolicy([...policies, ...extra], "resolution", { ...subject, category: "LOSS" })?.name).toBe(
      "resolution",
    );
  });

  it("warns at 80%, then breaches: the next fire time is the warning, then the due time", () => {
    const c = startClock({ targetMinutes: 30, warnRatio: 0.8, pausable: true }, CALENDAR_24X7, t0);
    expect(c.warnAt).toEqual(at(min(24)));
    expect(nextFireAt(c)).toEqual(c.warnAt);
    const warned = { ...c, warnedAt: at(min(25)) };
    expect(nextFireAt(warned)).toEqual(c.dueAt);
    expect(nextFireAt({ ...c, state: "met" })).toBeNull();
  });

  it("pause keeps the time left; resume adds the paused time", () => {
    const c = startClock({ targetMinutes: 60, warnRatio: 0.8, pausable: true }, CALENDAR_24X7, t0);
    const paused = pauseClock(c, at(min(10)))!;
    expect(paused.state).toBe("paused");
    expect(nextFireAt(paused)).toBeNull();
    const resumed = resumeClock(paused, CALENDAR_24X7, at(min(40)))!;
    expect(resumed.pausedMs).toBe(min(30));
    expect(resumed.dueAt).toEqual(at(min(90)));
    expect(resumed.warnAt).toEqual(at(min(78)));
    expect(pauseClock({ ...c, pausable: false }, at(min(10)))).toBeUndefined(); // regulatory never pauses
  });

  it("resume on a business calendar gives back only working time", () => {
    const c = startClock({ targetMinutes: 120, warnRatio: 0.8, pausable: true }, CALENDAR_BUSINESS, t0);
    expect(c.dueAt).toEqual(new Date("2025-11-10T04:00:00Z")); // 12:00 Shanghai
    const paused = pauseClock(c, new Date("2025-11-10T03:00:00Z"))!; // 11:00, 1 h left
    const resumed = resumeClock(paused, CALENDAR_BUSINESS, new Date("2025-11-10T09:30:00Z"))!; // 17:30
    expect(resumed.dueAt).toEqual(new Date("2025-11-11T01:30:00Z")); // 30 min today + 30 min Tuesday 09:30
  });

  it("met clocks stop", () => {
    const c = startClock({ targetMinutes: 30, warnRatio: 0.8, pausable: true }, CALENDAR_24X7, t0);
    const met = meetClock(c, at(min(5)))!;
    expect([met.state, met.nextFireAt]).toEqual(["met", null]);
    expect(meetClock(met, at(min(6)))).toBeUndefined();
  });

  it("says durations in plain words", () => {
    expect(formatDuration(min(30), "zh-CN")).toBe("30分钟");
    expect(formatDuration(min(1440), "zh-CN")).toBe("24小时");
    expect(formatDuration(min(2880), "zh-CN")).toBe("48小时");
    expect(formatDuration(min(7 * 1440), "zh-CN")).toBe("7天");
    expect(formatDuration(min(320), "zh-CN")).toBe("5小时20分钟");
    expect(formatDuration(min(30), "en")).toBe("30 minutes");
    expect(formatDuration(min(61), "en")).toBe("1 hour 1 minute");
  });
});
