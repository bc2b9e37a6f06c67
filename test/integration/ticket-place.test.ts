import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoShipments } from "../../src/tracking/demo-data.js";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { WebchatClient } from "../support/webchat-client.js";
import { api, staffLogin, TICKET_NUMBER } from "./ticket.helpers.js";

// Monday 2026-11-30 11:30 in Shanghai (pickup slots depend on the time of day).
const NOW = new Date("2026-11-30T03:30:00Z");

type Region = { provinceCode: string; province: string; cityCode: string | null; city: string | null };
type PlacedJson = { number: string; type: string; region: Region | null; stage: string | null };

// Issue 23: every ticket and request gets, when it is opened, where and at which stage its problem
// lies — from the waybill's tracking at that moment, else the customer's address, else unknown.
describe.each(DB_KINDS)("region and stage on every ticket on %s (issue 23)", (kind) => {
  let t: TestApp;
  let admin: { token: string };

  beforeAll(async () => {
    t = await startTestApp(kind, { DEMO_DATA: "false" }, { now: () => NOW });
    await seedDemoShipments(t.app.db.prisma, t.app.tracking.ingest, { force: true, now: NOW });
    admin = await staffLogin(t.app, t.baseUrl, "place-admin", "admin");
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = async (number: string) => {
    const res = await api<PlacedJson>(t.baseUrl, "GET", `/api/tickets/${number}`, admin.token);
    expect(res.status).toBe(200);
    return res.body;
  };
  const complain = async (body: Record<string, unknown>) => {
    const res = await api<PlacedJson>(t.baseUrl, "POST", "/api/tickets", admin.token, {
      category: "DELAY",
      description: "快递好几天不动了",
      customerPhone: "13800001111",
      ...body,
    });
    expect(res.status).toBe(201);
    return res.body;
  };

  it("a complaint about a parcel stuck at a transfer centre is attributed to that city and 分拣转运", async () => {
    const ingest = await t.app.tracking.ingest.ingest(
      [
        {
          waybill: "SF1234567890123",
          carrier: "SF",
          time: "2026-11-27T09:00:00+08:00",
          status: "picked_up",
          location: "广州市",
          description: "【广州白云营业部】已揽收",
          origin: "广东省广州市",
          destination: "北京市朝阳区",
        },
        {
          waybill: "SF1234567890123",
          carrier: "SF",
          time: "2026-11-28T02:00:00+08:00",
          status: "in_transit",
          description: "快件已到达【杭州转运中心】",
        },
      ],
      NOW,
    );
    expect(ingest.stored).toBe(2);
    const created = await complain({ waybill: "SF1234567890123" });
    expect(created.region).toEqual({ provinceCode: "330000", province: "浙江省", cityCode: "330100", city: "杭州市" });
    expect(created.stage).toBe("transit");
    // Stored on the ticket: later tracking does not move it.
    await t.app.tracking.ingest.ingest(
      [
        {
          waybill: "SF1234567890123",
          carrier: "SF",
          time: "2026-11-30T10:00:00+08:00",
          status: "out_for_delivery",
          location: "北京市",
          description: "【北京朝阳营业点】正在派件",
        },
      ],
      NOW,
    );
    expect(await get(created.number)).toMatchObject({ stage: "transit", region: { city: "杭州市" } });
    const row = await t.app.db.prisma.ticket.findUniqueOrThrow({ where: { number: created.number } });
    expect([row.provinceCode, row.cityCode, row.stage]).toEqual(["330000", "330100", "transit"]);
  });

  it("stages at the parcel's other ends: 揽收 at the origin, 派送 and 签收后 at the destination", async () => {
    // Demo parcels (src/tracking/demo-data.ts): pending pickup in 北京, out for delivery in 上海, delivered in 北京.
    expect(await complain({ waybill: "YT7001234567894" })).toMatchObject({
      stage: "pickup",
      region: { provinceCode: "110000", cityCode: "110000" },
    });
    expect(await complain({ waybill: "SF1438829301576" })).toMatchObject({
      stage: "delivery",
      region: { provinceCode: "310000", city: "上海市" },
    });
    expect(await complain({ waybill: "SF1438829301583" })).toMatchObject({
      stage: "after_delivery",
      region: { provinceCode: "110000" },
    });
  });

  it("no waybill, or a waybill with no tracking: unknown, and nothing fails", async () => {
    expect(await complain({})).toMatchObject({ region: null, stage: null });
    expect(await complain({ waybill: "SF9999999999999" })).toMatchObject({ region: null, stage: null });
  });

  it("a repeat complaint (same waybill or same customer within the window) is linked, counted and listed", async () => {
    type Repeat = PlacedJson & { repeatOf: string | null };
    const first = (await complain({ waybill: "431234567890124", customerPhone: "13600000001" })) as Repeat;
    expect(first.repeatOf).toBeNull();
    // Another customer, the same waybill: a repeat of the first.
    const again = (await complain({ waybill: "431234567890124", customerPhone: "13600000002" })) as Repeat;
    expect(again.repeatOf).toBe(first.number);
    // The first customer again, about something else: a repeat of her own latest complaint.
    const third = (await complain({ customerPhone: "13600000001", category: "STAFF_ATTITUDE" })) as Repeat;
    expect(third.repeatOf).toBe(first.number);
    // A customer's first complaint of the window is none; 7 days on (TICKET_REOPEN_DAYS) neither.
    const db = t.app.db.prisma;
    const other = (await complain({ customerPhone: "13600000003" })) as Repeat;
    expect(other.repeatOf).toBeNull();
    await db.ticket.update({
      where: { number: other.number },
      data: { createdAt: new Date(NOW.getTime() - 7 * 86_400_000 - 1) },
    });
    expect(((await complain({ customerPhone: "13600000003" })) as Repeat).repeatOf).toBeNull();

    const summary = await api<{ complaints: { total: number; repeats: number; repeatRate: number | null } }>(
      t.baseUrl,
      "GET",
      "/api/reports/summary?from=2026-11-30&to=2026-11-30",
      admin.token,
    );
    const c = summary.body.complaints;
    const expected = await db.ticket.count({
      where: { type: "complaint", repeatOfId: { not: null }, createdAt: { gte: new Date("2026-11-29T16:00:00Z") } },
    });
    expect(c.repeats).toBe(expected);
    expect(c.repeats).toBeGreaterThanOrEqual(2);
    expect(c.repeatRate).toBe(Math.round((c.repeats / c.total) * 10_000) / 10_000);
    const listed = await api<{ items: { number: string }[] }>(
      t.baseUrl,
      "GET",
      "/api/reports/tickets?from=2026-11-30&to=2026-11-30&drill=repeat&pageSize=200",
      admin.token,
    );
    expect(listed.body.items.map((i) => i.number)).toEqual(expect.arrayContaining([again.number, third.number]));
    expect(listed.body.items.map((i) => i.number)).not.toContain(first.number);
  });

  it("an agent confirms or corrects the place and stage: words or a code; a name of no place is 400 and changes nothing", async () => {
    const li = await staffLogin(t.app, t.baseUrl, "place-li", "agent", ["logistics"]);
    const other = await staffLogin(t.app, t.baseUrl, "place-wang", "agent", ["after_sales"]);
    const created = await complain({ waybill: "SF1438829301590" }); // DELAY → 物流配送
    const put = (body: unknown, token = li.token) =>
      api<PlacedJson & { error?: { code: string } }>(
        t.baseUrl,
        "PUT",
        `/api/tickets/${created.number}/place`,
        token,
        body,
      );
    let res = await put({ place: "浙江义乌分拨中心", stage: "transit" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ stage: "transit", region: { cityCode: "330700", city: "金华市" } });
    res = await put({ place: "330100" }); // a code; the stage stays
    expect(res.body).toMatchObject({ stage: "transit", region: { city: "杭州市" } });
    const bad = await put({ place: "杭洲" });
    expect([bad.status, bad.body.error?.code]).toEqual([400, "PLACE_UNKNOWN"]);
    expect((await put({ place: "330106" })).status).toBe(400); // a district's code is not a city
    expect((await put({ stage: "nowhere" })).status).toBe(400);
    expect((await put({ place: "杭州" }, other.token)).status).toBe(403); // not her group
    expect(await get(created.number)).toMatchObject({ stage: "transit", region: { city: "杭州市" } });
    res = await put({ place: null, stage: null });
    expect(res.body).toMatchObject({ region: null, stage: null });
    const events = await t.app.db.prisma.ticketEvent.findMany({
      where: { ticket: { number: created.number }, type: "place_corrected" },
    });
    expect(events).toHaveLength(3);
    expect(await t.app.db.prisma.auditEvent.count({ where: { action: "ticket.place_corrected" } })).toBe(3);
  });

  it("requests from the chat: 催件 from its tracking; a pickup from the customer's address, at 揽收", async () => {
    const urge = await WebchatClient.open(t.baseUrl);
    await urge.say("帮我催一下 773012345678903"); // stuck after 苏州's transfer centre (demo data)
    const urged = TICKET_NUMBER.exec((await urge.say("确认"))[0]!.text)?.[0] ?? "";
    expect(await get(urged)).toMatchObject({ type: "urge", stage: "transit", region: { city: "苏州市" } });

    const chat = await WebchatClient.open(t.baseUrl);
    for (const text of [
      "我要寄快递，上门取件",
      "上海市徐汇区漕溪北路88号3楼",
      "明天上午",
      "衣服",
      "3公斤",
      "13912345678",
    ])
      await chat.say(text);
    const booked = TICKET_NUMBER.exec((await chat.say("确认"))[0]!.text)?.[0] ?? "";
    expect(await get(booked)).toMatchObject({
      type: "pickup",
      stage: "pickup",
      region: { provinceCode: "310000", cityCode: "310000", city: "上海市" },
    });
  });
});
