import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STAGES } from "../../src/places/stage.js";
import { ROLLUP_KEY, refreshRollup } from "../../src/reports/report.rollup.js";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { CITIES } from "./report-cities.fixture.js";
import { staffLogin } from "./ticket.helpers.js";

const TICKETS = 1_000;
const PERIOD = "from=2026-10-01&to=2026-10-31";

type Summary = {
  complaints: {
    total: number;
    byRegion: {
      provinces: { provinceCode: string; province: string; total: number }[];
      cities: { provinceCode: string; cityCode: string; city: string; total: number }[];
      unknown: number;
    };
    byStage: Record<string, number>;
  };
};

// Issue 23: the dashboard by place over a generated month — 1,000 complaints in 30 cities, every
// tenth one without a place or stage — the same figures computed live and from the rollup.
describe.each(DB_KINDS)("complaints by region and stage on %s (issue 23)", (kind) => {
  let t: TestApp;
  let sup: { token: string };
  const expectedCity = new Map<string, number>();
  const expectedStage: Record<string, number> = { pickup: 0, transit: 0, delivery: 0, after_delivery: 0, unknown: 0 };

  beforeAll(async () => {
    t = await startTestApp(kind, { DEMO_DATA: "false" });
    await t.app.scheduler.cancel(ROLLUP_KEY); // this file drives the rollup itself
    sup = await staffLogin(t.app, t.baseUrl, "sup", "supervisor");
    const db = t.app.db.prisma;
    const customer = await db.customer.create({ data: { phone: "13700001111" } });
    const rows = Array.from({ length: TICKETS }, (_, k) => {
      const unknown = k % 10 === 9;
      // Uneven on purpose: every city in turn, with 杭州市 given every 5th ticket too.
      const place = unknown ? null : k % 5 === 0 ? CITIES[4]! : CITIES[Math.floor(k / 10) % 30]!;
      const stage = unknown ? null : STAGES[k % 4]!;
      if (place) expectedCity.set(place.cityCode!, (expectedCity.get(place.cityCode!) ?? 0) + 1);
      expectedStage[stage ?? "unknown"]! += 1;
      return {
        number: `202610-${String(k + 1).padStart(5, "0")}`,
        category: "DELAY",
        groupCode: k % 2 ? "logistics" : "after_sales",
        customerId: customer.id,
        channel: "webchat",
        description: "快递延误",
        provinceCode: place?.provinceCode ?? null,
        cityCode: place?.cityCode ?? null,
        stage,
        // Spread over October, China time; 10:00 + k minutes on day (k mod 31) + 1.
        createdAt: new Date(Date.UTC(2026, 9, (k % 31) + 1, 2, k % 60)),
      };
    });
    await db.ticket.createMany({ data: rows });
    // A request and a complaint outside the period do not count.
    await db.ticket.create({
      data: { ...rows[0]!, number: "202610-09998", type: "urge", createdAt: new Date("2026-10-05T02:00:00Z") },
    });
    await db.ticket.create({
      data: { ...rows[0]!, number: "202609-09999", createdAt: new Date("2026-09-30T10:00:00Z") },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const summary = async (query = PERIOD): Promise<Summary> => {
    const res = await fetch(`${t.baseUrl}/api/reports/summary?${query}`, {
      headers: { authorization: `Bearer ${sup.token}` },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Summary;
  };

  it("counts complaints per city, province and stage; the unknown apart; most first", async () => {
    const s = await summary();
    expect(s.complaints.total).toBe(TICKETS);
    const { byRegion, byStage } = s.complaints;
    expect(byStage).toEqual(expectedStage);
    expect(byRegion.unknown).toBe(TICKETS / 10);
    expect(byRegion.cities).toHaveLength(30);
    expect(Object.fromEntries(byRegion.cities.map((c) => [c.cityCode, c.total]))).toEqual(
      Object.fromEntries(expectedCity),
    );
    expect(byRegion.cities[0]).toMatchObject({ city: "杭州市", provinceCode: "330000" });
    const totals = byRegion.cities.map((c) => c.total);
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
    // Provinces add up their cities (浙江: 杭州 + 金华; 广东: 广州 + 深圳).
    const zj = byRegion.provinces.find((p) => p.provinceCode === "330000")!;
    expect(zj.total).toBe((expectedCity.get("330100") ?? 0) + (expectedCity.get("330700") ?? 0));
    expect(byRegion.provinces.reduce((a, p) => a + p.total, 0) + byRegion.unknown).toBe(TICKETS);
    // Filtered by group: half of them.
    const half = await summary(`${PERIOD}&group=logistics`);
    expect(half.complaints.total).toBe(TICKETS / 2);
    expect(Object.values(half.complaints.byStage).reduce((a, b) => a + b, 0)).toBe(TICKETS / 2);
  });

  it("the rollup gives the same figures as the live computation, and a changed ticket is seen at once", async () => {
    const db = t.app.db.prisma;
    const live = await summary();
    // Most of October: read as the month sums less the days outside the period (monthsLess).
    const MOST = "from=2026-10-03&to=2026-10-30";
    const liveMost = await summary(MOST);
    const liveMostGroup = await summary(`${MOST}&group=logistics`);
    expect(liveMost.complaints.total).toBeLessThan(TICKETS);
    await refreshRollup(db);
    expect(await db.reportPlaceDay.count()).toBeGreaterThan(0);
    expect(await summary()).toEqual(live);
    expect(await summary(MOST)).toEqual(liveMost);
    expect(await summary(`${MOST}&group=logistics`)).toEqual(liveMostGroup);
    // An agent corrects a ticket's place: its day is computed live again (trigger) until re-rolled.
    await db.ticket.update({ where: { number: "202610-00010" }, data: { provinceCode: "330000", cityCode: "330100" } });
    const changed = await summary();
    expect(changed.complaints.byRegion.unknown).toBe(TICKETS / 10 - 1);
    await refreshRollup(db);
    expect(await summary()).toEqual(changed);
    // October is covered whole: its place and outlet figures come from the month sums (migration
    // 0043), not from the day rows — gone here, and the figures stay; one agent's still need the days.
    expect(await db.reportPlaceMonth.count()).toBeGreaterThan(0);
    expect(await db.reportOutletMonth.count()).toBeGreaterThan(0);
    // Most of October: the month less the day rows of 1, 2 and 31 October, not the days inside.
    const most = await summary(MOST);
    const inside = { day: { gte: new Date("2026-10-03"), lte: new Date("2026-10-30") } };
    await db.reportPlaceDay.deleteMany({ where: inside });
    await db.reportOutletDay.deleteMany({ where: inside });
    expect(await summary(MOST)).toEqual(most);
    await db.reportPlaceDay.deleteMany({});
    await db.reportOutletDay.deleteMany({});
    expect(await summary()).toEqual(changed);
    const half = await summary(`${PERIOD}&group=logistics`);
    expect(Object.values(half.complaints.byStage).reduce((a, b) => a + b, 0)).toBe(TICKETS / 2);
  });

  it("the tickets CSV carries province and city codes and names and the stage", async () => {
    const res = await fetch(`${t.baseUrl}/api/reports/export/tickets.csv?${PERIOD}`, {
      headers: { authorization: `Bearer ${sup.token}` },
    });
    const lines = (await res.text()).replace(/^\uFEFF/, "").split("\r\n");
    // The outlet's columns follow (issue 23; outlets.test.ts has them filled).
    expect(lines[0]).toMatch(/,province_code,province,city_code,city,stage,outlet_code,outlet$/);
    const first = lines.find((l) => l.startsWith("202610-00001,"))!;
    expect(first).toMatch(/,330000,浙江省,330100,杭州市,pickup,,$/);
    expect(lines.find((l) => l.startsWith("202610-00020,"))).toMatch(/,,,,,,,$/);
  });
});
