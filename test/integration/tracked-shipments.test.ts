import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLLUP_KEY } from "../../src/reports/report.rollup.js";
import { refreshTrackedShipments, TRACKED_KEY } from "../../src/reports/tracked-shipments.js";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { api, staffLogin } from "./ticket.helpers.js";

// Monday 2026-11-30 11:30 in Shanghai.
const NOW = new Date("2026-11-30T03:30:00Z");

type Rated = { shipments: number | null; ratePer10k: number | null; total: number };
type Summary = {
  complaints: {
    byOutlet: { outlets: ({ code: string; shipmentsFrom: string | null } & Rated)[] };
    byRegion: {
      provinces: ({ provinceCode: string } & Rated)[];
      cities: ({ cityCode: string } & Rated)[];
    };
  };
};

const ev = (waybill: string, time: string, status: string, where: { location?: string; description?: string }) => ({
  waybill,
  carrier: "SF",
  time: `${time}+08:00`,
  status,
  description: where.description ?? "快件处理中",
  ...(where.location ? { location: where.location } : {}),
});

// Issue 23: outlets and regions carry their own parcels from the stored tracking, so complaints per
// 10,000 parcels are computed per place; an outlet's imported monthly count wins for its month.
describe.each(DB_KINDS)("parcels per place from the tracking on %s (issue 23)", (kind) => {
  let t: TestApp;
  let sup: { token: string };

  beforeAll(async () => {
    t = await startTestApp(kind, { DEMO_DATA: "false" }, { now: () => NOW });
    await t.app.scheduler.cancel(ROLLUP_KEY);
    await t.app.scheduler.cancel(TRACKED_KEY); // the test refreshes itself
    sup = await staffLogin(t.app, t.baseUrl, "tracked-sup", "supervisor");
    const db = t.app.db.prisma;
    await db.outlet.createMany({
      data: [
        { code: "HZ001", name: "杭州西湖网点", regionCodes: ["330100"] },
        { code: "NB001", name: "宁波江北网点", regionCodes: ["330200"] },
      ],
    });
    await db.outletShipments.create({
      data: { outletCode: "NB001", month: new Date("2026-11-01"), shipments: 10_000 },
    });
    const withPlaces = (events: ReturnType<typeof ev>[], origin: string, destination: string) =>
      events.map((e) => ({ ...e, origin, destination }));
    await t.app.tracking.ingest.ingest(
      [
        // A: 杭州 → 宁波, picked up at a street of the 西湖 outlet, delivered by 宁波江北.
        ...withPlaces(
          [
            ev("SF2301", "2026-11-10T09:00:00", "picked_up", { location: "杭州西湖区古荡网点" }),
            ev("SF2301", "2026-11-11T02:00:00", "in_transit", { description: "快件已到达【杭州转运中心】" }),
            ev("SF2301", "2026-11-12T08:00:00", "out_for_delivery", { location: "宁波江北网点" }),
            ev("SF2301", "2026-11-13T10:00:00", "delivered", { location: "宁波江北网点" }),
          ],
          "浙江省杭州市",
          "宁波市",
        ),
        // B: within 杭州, seen at the outlet on two days: once.
        ...withPlaces(
          [
            ev("SF2302", "2026-11-10T10:00:00", "picked_up", { location: "杭州西湖网点" }),
            ev("SF2302", "2026-11-11T15:00:00", "delivered", { description: "【杭州西湖网点】已签收" }),
          ],
          "杭州",
          "杭州市西湖区",
        ),
        // C: 北京 → 杭州, out for delivery from the 西湖 outlet.
        ...withPlaces(
          [
            ev("SF2303", "2026-11-20T09:00:00", "picked_up", { location: "北京朝阳网点" }),
            ev("SF2303", "2026-11-21T09:00:00", "out_for_delivery", { location: "杭州西湖网点" }),
          ],
          "北京市",
          "杭州",
        ),
        // D: picked up in 上海 on 31 October, at the 西湖 outlet on 1 November; a misspelt destination.
        ...withPlaces(
          [
            ev("SF2304", "2026-10-31T10:00:00", "picked_up", { location: "上海浦东网点" }),
            ev("SF2304", "2026-11-01T09:00:00", "out_for_delivery", { location: "杭州西湖网点" }),
          ],
          "上海",
          "杭洲",
        ),
      ],
      NOW,
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  const summary = async (q: string) => {
    const r = await api<Summary>(t.baseUrl, "GET", `/api/reports/summary?${q}`, sup.token);
    if (r.status !== 200) throw new Error(JSON.stringify(r.body));
    return r.body.complaints;
  };

  it("counts each outlet's, city's and province's parcels per day; an imported month wins", async () => {
    expect(await refreshTrackedShipments(t.app.db.prisma, 0)).toEqual(["2026-10-01", "2026-11-01"]);
    const rows = await t.app.db.prisma.trackedShipmentsDay.findMany({
      orderBy: [{ kind: "asc" }, { code: "asc" }, { day: "asc" }],
    });
    const of = (k: string, code: string) =>
      rows.filter((r) => r.kind === k && r.code === code).map((r) => [r.day.toISOString().slice(0, 10), r.shipments]);
    expect(of("outlet", "HZ001")).toEqual([
      ["2026-11-01", 1],
      ["2026-11-10", 2],
      ["2026-11-21", 1],
    ]);
    expect(of("outlet", "NB001")).toEqual([["2026-11-12", 1]]);
    // D's destination is misspelt (杭洲): no city of it, never a wrong one.
    expect(of("city", "330100")).toEqual([
      ["2026-11-10", 2],
      ["2026-11-20", 1],
    ]);
    expect(of("province", "330000")).toEqual([
      ["2026-11-10", 2],
      ["2026-11-20", 1],
    ]);
    expect(of("city", "330200")).toEqual([["2026-11-10", 1]]);
    expect(of("city", "110000")).toEqual([["2026-11-20", 1]]);
    expect(of("city", "310000")).toEqual([["2026-10-31", 1]]);

    // Complaints: about A (宁波江北 delivered it) and about C (at the 西湖 outlet, in 杭州).
    for (const [waybill, phone] of [
      ["SF2301", "13800002341"],
      ["SF2303", "13800002342"],
    ] as const) {
      const made = await api<{ outlet: { code: string } | null }>(t.baseUrl, "POST", "/api/tickets", sup.token, {
        category: "DELAY",
        description: "快件延误",
        customerPhone: phone,
        waybill,
      });
      expect(made.status).toBe(201);
    }
    const month = await summary("from=2026-11-01&to=2026-11-30");
    const outlet = (code: string) => month.byOutlet.outlets.find((o) => o.code === code);
    expect(outlet("HZ001")).toMatchObject({ total: 1, shipments: 4, shipmentsFrom: "tracking", ratePer10k: 2500 });
    expect(outlet("NB001")).toMatchObject({ total: 1, shipments: 10_000, shipmentsFrom: "import", ratePer10k: 1 });
    const city = (code: string) => month.byRegion.cities.find((c) => c.cityCode === code);
    expect(city("330100")).toMatchObject({ total: 1, shipments: 3, ratePer10k: 3333.33 });
    expect(city("330200")).toMatchObject({ total: 1, shipments: 1, ratePer10k: 10_000 });
    expect(month.byRegion.provinces.find((p) => p.provinceCode === "330000")).toMatchObject({
      total: 2,
      shipments: 3,
      ratePer10k: 6666.67,
    });
    // One day: that day's parcels (the import pro rata).
    const day = await summary("from=2026-11-10&to=2026-11-10");
    expect(day.byOutlet.outlets.find((o) => o.code === "HZ001")).toMatchObject({ shipments: 2 });
    expect(day.byOutlet.outlets.find((o) => o.code === "NB001")).toMatchObject({ shipments: 333 });
    // Most of a month: its sum less the days outside the period (11-01 here) — the same as the days.
    const most = await summary("from=2026-11-02&to=2026-11-30");
    expect(most.byOutlet.outlets.find((o) => o.code === "HZ001")).toMatchObject({ shipments: 3 });
    const twoThirds = await summary("from=2026-11-11&to=2026-11-30");
    expect(twoThirds.byOutlet.outlets.find((o) => o.code === "HZ001")).toMatchObject({ shipments: 1 });
    expect(twoThirds.byOutlet.outlets.find((o) => o.code === "NB001")).toMatchObject({ shipments: 6667 });
    // Into December, of which neither the import nor the tracking says anything: unknown.
    const across = await summary("from=2026-11-30&to=2026-12-01");
    expect(across.byOutlet.outlets.find((o) => o.code === "HZ001")).toMatchObject({
      shipments: null,
      ratePer10k: null,
    });
    // An imported month beside a tracked one: each month from where it is known (the summary reads
    // the tracked months apart only for outlets with an import in the period).
    await t.app.db.prisma.outletShipments.create({
      data: { outletCode: "HZ001", month: new Date("2026-10-01"), shipments: 3_100 },
    });
    const both = await summary("from=2026-10-01&to=2026-11-30");
    expect(both.byOutlet.outlets.find((o) => o.code === "HZ001")).toMatchObject({
      total: 1,
      shipments: 3_104,
      shipmentsFrom: "both",
    });
    expect(both.byOutlet.outlets.find((o) => o.code === "NB001")).toMatchObject({ shipments: null });
  });

  it("a later run recomputes only the months new tracking touches; an outlet change recomputes all", async () => {
    await t.app.tracking.ingest.ingest(
      [{ ...ev("SF2305", "2026-11-25T09:00:00", "picked_up", { location: "【杭州西湖网点】" }), origin: "杭州市" }],
      NOW,
    );
    expect(await refreshTrackedShipments(t.app.db.prisma, 0)).toEqual(["2026-11-01"]);
    expect(await refreshTrackedShipments(t.app.db.prisma, 0)).toEqual([]);
    const month = await summary("from=2026-11-01&to=2026-11-30");
    expect(month.byOutlet.outlets.find((o) => o.code === "HZ001")).toMatchObject({ shipments: 5 });
    // Renamed through the admin API: its old name no longer matches, every month is counted afresh.
    const admin = await staffLogin(t.app, t.baseUrl, "tracked-admin", "admin");
    const patched = await api(t.baseUrl, "PATCH", "/api/admin/outlets/HZ001", admin.token, { name: "杭州文三网点" });
    expect(patched.status).toBe(200);
    expect(await refreshTrackedShipments(t.app.db.prisma, 0)).toEqual(["2026-10-01", "2026-11-01"]);
    expect(await t.app.db.prisma.trackedShipmentsDay.count({ where: { kind: "outlet", code: "HZ001" } })).toBe(0);
  });
});
