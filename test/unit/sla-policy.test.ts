import { describe, expect, it } from "vitest";
import { CALENDAR_24X7, CALENDAR_BUSINESS } from "../../src/sla/business-calendar.js";
import { formatDuration } from "../../src/sla/duration.js";
import {
  clockKindsFor,
  defaultPolicies,
  meetClock,
  nextFireAt,
  pauseClock,
  recalculateClock,
  remainingMs,
  resumeClock,
  selectPolicy,
  startClock,
  stopClock,
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

// Boundaries and branches mutation testing showed no test depended on (issue 22).
describe("SLA policy selection, edge cases", () => {
  const policies = defaultPolicies();
  const subject = { category: "DELAY", priority: "normal", groupCode: "logistics", complex: false };
  const resolution = policies[1]!;

  it("a complaint (or a ticket with no type) runs first response, resolution and the regulatory clock", () => {
    expect(clockKindsFor(undefined)).toEqual(["first_response", "resolution", "regulatory"]);
    expect(clockKindsFor("complaint")).toEqual(["first_response", "resolution", "regulatory"]);
    expect(clockKindsFor("pickup")).toEqual(["resolution"]);
  });

  it("the more specific policy wins at equal rank whatever its name; a higher rank wins over specificity", () => {
    const specific = { ...resolution, name: "zz_delay", category: "DELAY", targetMinutes: 600 };
    expect(selectPolicy([...policies, specific], "resolution", subject)?.name).toBe("zz_delay");
    const ranked = { ...resolution, name: "zzz_ranked", targetMinutes: 60, rank: 1 };
    expect(selectPolicy([specific, ranked], "resolution", subject)?.name).toBe("zzz_ranked");
  });

  it("a policy for another group does not match; one for the ticket's group does", () => {
    const other = { ...resolution, name: "a_claims_group", groupCode: "claims", targetMinutes: 5 };
    expect(selectPolicy([...policies, other], "resolution", subject)?.name).toBe("resolution");
    const own = { ...resolution, name: "z_logistics", groupCode: "logistics", targetMinutes: 5 };
    expect(selectPolicy([...policies, own], "resolution", subject)?.name).toBe("z_logistics");
  });
});

describe("SLA clock transitions, edge cases", () => {
  const c = startClock({ targetMinutes: 60, warnRatio: 0.8, pausable: true }, CALENDAR_24X7, t0);

  it("a warning configured after the due time fires at the due time", () => {
    const late = startClock({ targetMinutes: 60, warnRatio: 1.2, pausable: true }, CALENDAR_24X7, t0);
    expect(late.warnAt).toEqual(at(min(72)));
    expect(late.nextFireAt).toEqual(at(min(60)));
  });

  it("only a running clock pauses; only a paused one resumes, and it runs again", () => {
    const met = meetClock(c, at(min(5)))!;
    expect(pauseClock(met, at(min(6)))).toBeUndefined();
    const paused = pauseClock(c, at(min(10)))!;
    expect(pauseClock(paused, at(min(11)))).toBeUndefined();
    expect(resumeClock(c, CALENDAR_24X7, at(min(20)))).toBeUndefined();
    expect(resumeClock(paused, CALENDAR_24X7, at(min(20)))?.state).toBe("running");
  });

  it("a paused clock can be met", () => {
    const paused = pauseClock(c, at(min(10)))!;
    expect(meetClock(paused, at(min(20)))).toMatchObject({ state: "met", metAt: at(min(20)), pausedAt: null });
  });

  it("stopping: running or paused clocks stop without being met; finished ones stay as they are", () => {
    expect(stopClock(c)).toMatchObject({ state: "stopped", pausedAt: null, nextFireAt: null, metAt: null });
    const paused = pauseClock(c, at(min(10)))!;
    expect(stopClock(paused)).toMatchObject({ state: "stopped", pausedAt: null, nextFireAt: null });
    expect(stopClock(meetClock(c, at(min(5)))!)).toBeUndefined();
    expect(stopClock(stopClock(c)!)).toBeUndefined();
  });

  it("time left: working time before the due time, frozen while paused, negative once overdue", () => {
    expect(remainingMs(c, CALENDAR_24X7, at(min(15)))).toBe(min(45));
    expect(Math.abs(remainingMs(c, CALENDAR_24X7, at(min(60))))).toBe(0);
    expect(remainingMs(c, CALENDAR_24X7, at(min(75)))).toBe(-min(15));
    const paused = pauseClock(c, at(min(10)))!;
    expect(remainingMs(paused, CALENDAR_24X7, at(min(500)))).toBe(min(50));
    const biz = startClock({ targetMinutes: 120, warnRatio: 0.8, pausable: true }, CALENDAR_BUSINESS, t0);
    // Started Monday 10:00 Shanghai, due 12:00; at 11:00 one working hour is left.
    expect(biz.dueAt).toEqual(new Date("2025-11-10T04:00:00Z"));
    expect(remainingMs(biz, { ...CALENDAR_BUSINESS, useChinaHolidays: false }, new Date("2025-11-10T03:00:00Z"))).toBe(
      min(60),
    );
    // Nine working hours from Monday 10:00 fall due Tuesday 10:00; at Monday 17:00 two working
    // hours are left (17:00–18:00, 09:00–10:00), not the 17 wall-clock hours.
    const plain = { ...CALENDAR_BUSINESS, useChinaHolidays: false };
    const long = startClock({ targetMinutes: 540, warnRatio: 0.8, pausable: true }, plain, t0);
    expect(long.dueAt).toEqual(new Date("2025-11-11T02:00:00Z"));
    expect(remainingMs(long, plain, new Date("2025-11-10T09:00:00Z"))).toBe(min(120));
  });
});

describe("recalculating a live clock when the calendar changes", () => {
  const BIZ = { ...CALENDAR_BUSINESS, useChinaHolidays: false };
  const closed = (...days: string[]) => ({ ...BIZ, closedDays: days });
  // Monday 2025-11-10 10:00 Shanghai, 20 working hours: due Wednesday 12:00, warn (16 h) Tuesday 17:00.
  const c = startClock({ targetMinutes: 1200, warnRatio: 0.8, pausable: true }, BIZ, t0);
  const z = (iso: string) => new Date(iso);

  it("starts where expected", () => {
    expect([c.dueAt, c.warnAt]).toEqual([z("2025-11-12T04:00:00Z"), z("2025-11-11T09:00:00Z")]);
  });

  it("a closed Tuesday moves the due time and a pending warning by a day", () => {
    const r = recalculateClock(c, BIZ, closed("2025-11-11"), z("2025-11-10T04:00:00Z"))!;
    expect([r.dueAt, r.warnAt, r.nextFireAt]).toEqual([
      z("2025-11-13T04:00:00Z"),
      z("2025-11-12T09:00:00Z"),
      z("2025-11-12T09:00:00Z"),
    ]);
  });

  it("a warning already given stays; the due time still moves", () => {
    const warned = { ...c, warnedAt: z("2025-11-10T04:00:00Z") };
    const r = recalculateClock(warned, BIZ, closed("2025-11-11"), z("2025-11-10T04:00:00Z"))!;
    expect([r.dueAt, r.warnAt, r.nextFireAt]).toEqual([
      z("2025-11-13T04:00:00Z"),
      z("2025-11-11T09:00:00Z"),
      z("2025-11-13T04:00:00Z"),
    ]);
  });

  it("a warning time already passed (or reached) is kept, not moved to now", () => {
    const past = recalculateClock(c, BIZ, closed("2025-11-12"), z("2025-11-11T09:30:00Z"))!;
    expect([past.dueAt, past.warnAt]).toEqual([z("2025-11-13T04:00:00Z"), z("2025-11-11T09:00:00Z")]);
    const reached = recalculateClock(c, BIZ, closed("2025-11-11"), z("2025-11-11T09:00:00Z"))!;
    expect([reached.dueAt, reached.warnAt]).toEqual([z("2025-11-12T05:00:00Z"), z("2025-11-11T09:00:00Z")]);
  });

  it("a clock due now or overdue, or already finished, does not move", () => {
    expect(recalculateClock(c, BIZ, closed("2025-11-12"), z("2025-11-12T04:00:00Z"))).toBeUndefined();
    expect(recalculateClock(c, BIZ, closed("2025-11-12"), z("2025-11-13T02:00:00Z"))).toBeUndefined();
    const met = meetClock(c, z("2025-11-10T03:00:00Z"))!;
    expect(recalculateClock(met, BIZ, closed("2025-11-11"), z("2025-11-10T04:00:00Z"))).toBeUndefined();
  });

  it("counts from the start when the clock starts later than now", () => {
    const r = recalculateClock(c, BIZ, closed("2025-11-10"), z("2025-11-10T00:00:00Z"))!;
    expect(r.dueAt).toEqual(z("2025-11-13T03:00:00Z"));
  });

  it("counts a paused clock from its pause, and it stays paused", () => {
    const paused = pauseClock(c, z("2025-11-10T04:00:00Z"))!;
    const r = recalculateClock(paused, BIZ, closed("2025-11-11"), z("2025-11-11T04:00:00Z"))!;
    expect([r.state, r.dueAt, r.nextFireAt]).toEqual(["paused", z("2025-11-13T04:00:00Z"), null]);
  });
});
