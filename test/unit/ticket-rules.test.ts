import { describe, expect, it } from "vitest";
import { createNlu } from "../../intents/index.js";
import { isSubstantive, matchCategory, nextStep } from "../../src/conversation/flows/complaint.flow.js";
import { formatTicketNumber, isTicketNumber, periodOf } from "../../src/tickets/ticket-number.js";
import { groupForCategory, threatensEscalation, triage, waybillRequired } from "../../src/tickets/ticket-rules.js";
import { type TicketStatus, type TransitionContext, transition } from "../../src/tickets/ticket-state.js";

describe("ticket numbers (001 第八条)", () => {
  it("YYYYMM of Asia/Shanghai, serial padded to 5", () => {
    expect(formatTicketNumber("202611", 42)).toBe("202611-00042");
    expect(formatTicketNumber("202611", 123456)).toBe("202611-123456");
    // 31 Oct 17:00 UTC is already 1 Nov in Shanghai: a new month, a new serial.
    expect(periodOf(new Date("2026-10-31T17:00:00Z"))).toBe("202611");
    expect(periodOf(new Date("2026-10-31T15:59:59Z"))).toBe("202610");
    expect(isTicketNumber("202611-00042")).toBe(true);
    expect(isTicketNumber("2026-11-42")).toBe(false);
    expect(() => formatTicketNumber("202611", 0)).toThrow();
  });
});

describe("ticket lifecycle", () => {
  const ctx: TransitionContext = {
    actorId: "a1",
    actorRole: "agent",
    assigneeId: null,
    resolvedAt: null,
    now: new Date("2026-11-20T00:00:00Z"),
    reopenWindowDays: 7,
  };
  const ok = (s: TicketStatus, a: Parameters<typeof transition>[1], c = ctx) => transition(s, a, c);

  it("follows new → open → pending_customer → open → resolved → closed", () => {
    expect(ok("new", "take")).toEqual({ ok: true, to: "open" });
    expect(ok("open", "pend", { ...ctx, assigneeId: "a1" })).toEqual({ ok: true, to: "pending_customer" });
    expect(ok("pending_customer", "customer_reply")).toEqual({ ok: true, to: "open" });
    expect(ok("open", "resolve", { ...ctx, assigneeId: "a1" })).toEqual({ ok: true, to: "resolved" });
    expect(ok("resolved", "close")).toEqual({ ok: true, to: "closed" });
  });

  it("refuses illegal moves with a reason", () => {
    for (const [s, a] of [
      ["new", "resolve"],
      ["new", "pend"],
      ["resolved", "reply"],
      ["closed", "take"],
      ["open", "close"],
      ["open", "reopen"],
      ["resolved", "transfer"],
    ] as const) {
      const r = ok(s, a, { ...ctx, assigneeId: "a1" });
      expect(r.ok, `${s} ${a}`).toBe(false);
      if (!r.ok) expect(r.reason.length).toBeGreaterThan(10);
    }
  });

  it("first-contact ownership: another agent cannot work an owned ticket; a supervisor can", () => {
    expect(ok("open", "reply", { ...ctx, assigneeId: "other" }).ok).toBe(false);
    expect(ok("open", "take", { ...ctx, assigneeId: "other" }).ok).toBe(false);
    expect(ok("open", "reply", { ...ctx, actorRole: "supervisor", assigneeId: "other" }).ok).toBe(true);
  });

  it("reopens only within the window (7 days)", () => {
    const now = new Date("2026-11-20T00:00:00Z");
    const c = { ...ctx, now, actorId: undefined, actorRole: undefined };
    expect(ok("resolved", "reopen", { ...c, resolvedAt: new Date("2026-11-15T00:00:00Z") }).ok).toBe(true);
    expect(ok("closed", "reopen", { ...c, resolvedAt: new Date("2026-11-01T00:00:00Z") }).ok).toBe(false);
  });
});

describe("routing and priority", () => {
  it("routes categories to the groups of domain.md", () => {
    expect(groupForCategory("DELAY")).toBe("logistics");
    expect(groupForCategory("COD")).toBe("logistics");
    expect(groupForCategory("STAFF_ATTITUDE")).toBe("after_sales");
    expect(groupForCategory("IMPROPER_CHARGE")).toBe("after_sales");
    expect(waybillRequired("LOSS")).toBe(true);
    expect(waybillRequired("STAFF_ATTITUDE")).toBe(false);
  });

  it("raises priority: big claims, repeats, and threats (which also go to 法务)", () => {
    const base = { category: "LOSS", description: "丢了", recentComplaints: 0 };
    expect(triage(base)).toMatchObject({ priority: "normal", groupCode: "logistics", reasons: [] });
    expect(triage({ ...base, claimedAmount: 800 })).toMatchObject({ priority: "high", groupCode: "logistics" });
    expect(triage({ ...base, claimedAmount: 8000 })).toMatchObject({ priority: "urgent", groupCode: "legal" });
    expect(triage({ ...base, recentComplaints: 1 })).toMatchObject({ priority: "high" });
    expect(triage({ ...base, description: "再不处理我就打12305投诉" })).toMatchObject({
      priority: "urgent",
      groupCode: "legal",
    });
    for (const s of ["我要找媒体曝光", "我已经请了律师", "I will sue you", "talk to my lawyer"])
      expect(threatensEscalation(s), s).toBe(true);
    for (const s of ["快递三天没到", "courteous staff please", "my parcel is late"])
      expect(threatensEscalation(s), s).toBe(false);
  });
});

describe("complaint intake helpers", () => {
  const nlu = createNlu();
  it("asks only for what is missing, in order", () => {
    expect(nextStep({})).toBe("category");
    expect(nextStep({ category: "DELAY" })).toBe("waybill");
    expect(nextStep({ category: "STAFF_ATTITUDE", waybill: null })).toBe("description");
    expect(nextStep({ category: "DELAY", waybill: "SF1", description: "x" })).toBe("phone");
    expect(nextStep({ category: "DELAY", waybill: "SF1", description: "x", phone: "13800000000" })).toBe("confirm");
  });
  it("tells a description from a bare request to complain", () => {
    for (const s of ["我要投诉", "投诉", "I want to make a complaint", "我要投诉 SF1234567890123"])
      expect(isSubstantive(s, nlu.parse(s)), s).toBe(false);
    for (const s of ["快递三天了还没到", "快递员态度太差了还骂人", "the courier threw my parcel over the fence"])
      expect(isSubstantive(s, nlu.parse(s)), s).toBe(true);
  });
  it("matches category quick replies in both languages", () => {
    expect(matchCategory("延误")).toBe("DELAY");
    expect(matchCategory("Damage")).toBe("DAMAGE");
    expect(matchCategory("cod")).toBe("COD");
    expect(matchCategory("随便")).toBeUndefined();
  });
});
