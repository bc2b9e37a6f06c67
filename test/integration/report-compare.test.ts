import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLLUP_KEY, refreshRollup } from "../../src/reports/report.rollup.js";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { api, staffLogin } from "./ticket.helpers.js";

// Monday 2026-11-30 11:30 in Shanghai.
const NOW = new Date("2026-11-30T03:30:00Z");
const PERIOD = "from=2026-11-24&to=2026-11-30"; // 7 days; the one before is 17–23 November

type Summary = {
  complaints: { total: number; byCategory: Record<string, number>; byStage: Record<string, number> };
  previous?: {
    period: { from: string; to: string };
    complaints: {
      total: number;
      byCategory: Record<string, number>;
      byStage: Record<string, number>;
      byRegion: { provinces: { provinceCode: string; total: number }[]; unknown: number };
      byOutlet: { outlets: { code: string; total: number }[]; unknown: number };
    };
  };
};

// Issue 23 (003 §9.2.2 对比不同时间段、不同地区): this period beside the last, and the tickets behind a
// stage, a place or an outlet.
describe.each(DB_KINDS)("period comparison and drill-down by place on %s (issue 23)", (kind) => {
  let t: TestApp;
  let admin: { token: string };
  const numbers: { current: string[]; previous: string[] } = { current: [], previous: [] };

  beforeAll(async () => {
    t = await startTestApp(kind, { DEMO_DATA: "false" }, { now: () => NOW });
    await t.app.scheduler.cancel(ROLLUP_KEY); // the test rolls up itself
    admin = await staffLogin(t.app, t.baseUrl, "compare-admin", "admin");
    const imported = await fetch(`${t.baseUrl}/api/admin/outlets/import`, {
      method: "POST",
      headers: { "content-type": "text/csv", authorization: `Bearer ${admin.token}` },
      body: "code,name\nHZ1,杭州一号网点\n",
    });
    expect(imported.status).toBe(200);
    const open = async (
      when: "current" | "previous",
      category: string,
      place: Record<string, unknown> | null,
      createdAt?: string,
    ) => {
      const made = await api<{ number: string }>(t.baseUrl, "POST", "/api/tickets", admin.token, {
        category,
        description: `${category} 投诉`,
        customerPhone: `1380000${String(numbers.current.length + numbers.previous.length).padStart(4, "0")}`,
      });
      expect(made.status).toBe(201);
      if (place) {
        const res = await api(t.baseUrl, "PUT", `/api/tickets/${made.body.number}/place`, admin.token, place);
        expect(res.status).toBe(200);
      }
      if (createdAt)
        await t.app.db.prisma.ticket.update({
          where: { number: made.body.number },
          data: { createdAt: new Date(createdAt) },
        });
      numbers[when].push(made.body.number);
    };
    await open("current", "DELAY", { place: "杭州", stage: "transit", outlet: "HZ1" });
    await open("current", "DELAY", { place: "杭州", stage: "transit" });
    await open("current", "DELAY", { place: "330100", stage: "transit" });
    await open("current", "DAMAGE", null);
    await open("previous", "DELAY", { place: "杭州", stage: "transit", outlet: "HZ1" }, "2026-11-20T02:00:00Z");
    await open("previous", "LOSS", { place: "北京", stage: "delivery" }, "2026-11-20T03:00:00Z");
    await open("previous", "LOSS", { place: "北京", stage: "delivery" }, "2026-11-23T15:59:59Z"); // 23:59:59 China time
  });
  afterAll(async () => {
    await t?.close();
  });

  it("compare=previous adds the same complaint figures for the period just before, of the same length", async () => {
    const plain = await api<Summary>(t.baseUrl, "GET", `/api/reports/summary?${PERIOD}`, admin.token);
    expect(plain.body.previous).toBeUndefined();
    const res = await api<Summary>(t.baseUrl, "GET", `/api/reports/summary?${PERIOD}&compare=previous`, admin.token);
    expect(res.status).toBe(200);
    expect(res.body.complaints.total).toBe(4);
    expect(res.body.complaints.byCategory).toEqual({ DELAY: 3, DAMAGE: 1 });
    const prev = res.body.previous!;
    expect(prev.period).toEqual({ from: "2026-11-16T16:00:00.000Z", to: "2026-11-23T16:00:00.000Z" });
    expect(prev.complaints.total).toBe(3);
    expect(prev.complaints.byCategory).toEqual({ DELAY: 1, LOSS: 2 });
    expect(prev.complaints.byStage).toMatchObject({ transit: 1, delivery: 2, unknown: 0 });
    expect(prev.complaints.byRegion.provinces.map((p) => [p.provinceCode, p.total])).toEqual([
      ["110000", 2],
      ["330000", 1],
    ]);
    expect(prev.complaints.byOutlet.outlets.map((o) => [o.code, o.total])).toEqual([["HZ1", 1]]);
    const bad = await api(t.baseUrl, "GET", `/api/reports/summary?${PERIOD}&compare=lastyear`, admin.token);
    expect(bad.status).toBe(400);
  });

  it("drill-down by province, city, stage and outlet (unknown: none); bad codes are 400", async () => {
    const drill = async (q: string) => {
      const res = await api<{ total: number; items: { number: string }[] }>(
        t.baseUrl,
        "GET",
        `/api/reports/tickets?${PERIOD}&${q}`,
        admin.token,
      );
      expect(res.status).toBe(200);
      return res.body.items.map((i) => i.number).sort();
    };
    const [hz1, hz2, hz3, damage] = numbers.current as [string, string, string, string];
    expect(await drill("province=330000")).toEqual([hz1, hz2, hz3].sort());
    expect(await drill("city=330100&category=DELAY")).toEqual([hz1, hz2, hz3].sort());
    expect(await drill("stage=transit")).toEqual([hz1, hz2, hz3].sort());
    expect(await drill("stage=unknown")).toEqual([damage]);
    expect(await drill("province=unknown")).toEqual([damage]);
    expect(await drill("outlet=HZ1")).toEqual([hz1]);
    expect(await drill("outlet=unknown")).toEqual([hz2, hz3, damage].sort());
    expect(await drill("province=110000")).toEqual([]); // 北京's are last period's
    for (const q of ["province=浙江", "city=33", "stage=sorting", `outlet=${"x".repeat(41)}`])
      expect((await api(t.baseUrl, "GET", `/api/reports/tickets?${PERIOD}&${q}`, admin.token)).status).toBe(400);
  });

  it("by outlet and root cause: the rollup gives the live figures, and a changed outlet or root cause counts at once", async () => {
    // The week before is at least two days old (the rollup's reach; the database's own clock).
    const q = "/api/reports/summary?from=2026-11-17&to=2026-11-23";
    type Figures = {
      complaints: {
        byOutlet: { outlets: { code: string; total: number; quality: number }[]; unknown: number };
        byRootCause: { quality: number; nonQuality: number; unset: number };
      };
    };
    const figures = async () => (await api<Figures>(t.baseUrl, "GET", q, admin.token)).body.complaints;
    const live = await figures();
    expect(live.byOutlet).toMatchObject({ outlets: [{ code: "HZ1", total: 1, quality: 0 }], unknown: 2 });
    expect(live.byRootCause).toEqual({ quality: 0, nonQuality: 0, unset: 3 });
    expect((await refreshRollup(t.app.db.prisma)).days).toBeGreaterThan(0);
    expect(await t.app.db.prisma.reportOutletDay.count()).toBeGreaterThan(0);
    expect(await figures()).toEqual(live);
    // 北京's first LOSS: its outlet set by the agent, its root cause at resolution (written directly here).
    const [, bj] = numbers.previous as [string, string, string];
    expect((await api(t.baseUrl, "PUT", `/api/tickets/${bj}/place`, admin.token, { outlet: "HZ1" })).status).toBe(200);
    await t.app.db.prisma.ticket.update({ where: { number: bj }, data: { rootCause: "non_quality" } });
    const changed = await figures();
    expect(changed.byOutlet).toMatchObject({ outlets: [{ code: "HZ1", total: 2 }], unknown: 1 });
    expect(changed.byRootCause).toEqual({ quality: 0, nonQuality: 1, unset: 2 });
    await refreshRollup(t.app.db.prisma);
    expect(await figures()).toEqual(changed);
  });
});
