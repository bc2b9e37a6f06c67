import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatTime } from "../../src/conversation/flows/track.texts.js";
import { DEMO_RECEIVER_PHONE, DEMO_SHIPMENTS, seedDemoShipments } from "../../src/tracking/demo-data.js";
import { signBody } from "../../src/tracking/tracking.routes.js";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { WebchatClient } from "../support/webchat-client.js";

const SECRET = "tracking-test-secret-0123456789";
const HOUR = 3_600_000;
// The app's clock, pinned: 12:00 in China, so the demo's hour-old out-for-delivery event is today.
const NOW = new Date("2026-03-10T12:00:00+08:00");

async function push(t: TestApp, body: unknown, signature?: string): Promise<Response> {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  return fetch(`${t.baseUrl}/api/tracking/events`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(signature === undefined
        ? { "x-signature": signBody(raw, SECRET) }
        : signature
          ? { "x-signature": signature }
          : {}),
    },
    body: raw,
  });
}

async function dialogState(t: TestApp, chat: WebchatClient): Promise<Record<string, unknown>> {
  const db = t.app.db.prisma;
  const identity = await db.channelIdentity.findFirstOrThrow({
    where: { channel: "webchat", externalId: chat.sessionId },
  });
  const conv = await db.conversation.findFirstOrThrow({ where: { identityId: identity.id } });
  const row = await db.botState.findUnique({ where: { key: conv.id } });
  return (row?.data ?? {}) as Record<string, unknown>;
}

describe.each(DB_KINDS)("tracking on %s", (kind) => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp(kind, { TRACKING_WEBHOOK_SECRET: SECRET }, { now: () => NOW });
    const login = await fetch(`${t.baseUrl}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: "admin-pass-123" }),
    });
    token = ((await login.json()) as { token: string }).token;
  });
  afterAll(async () => {
    await t?.close();
  });

  it("answers a seeded waybill through the web chat with status, place and recent events", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const [answer] = await chat.say("SF1438829301576");
    expect(answer!.text).toContain("SF1438829301576");
    expect(answer!.text).toContain("派送中");
    expect(answer!.text).toContain("上海");
    // The demo's out-for-delivery event is an hour old, the same day in China as NOW.
    expect(answer!.text).toContain("预计今天送达");
    expect(answer!.text.match(/^· /gm)).toHaveLength(3); // the last three events
    expect((await dialogState(t, chat)).lastWaybill).toBe("SF1438829301576");
  });

  it("a follow-up about the parcel just shown ('这个什么时候能到') is answered for it, not asked for its number again", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("75312345678901");
    const [again] = await chat.say("这个什么时候能到");
    expect(again!.text).toContain("75312345678901");
    expect(again!.text).toContain("运输中");
    expect(again!.text).toContain("预计送达");
    // The status and the latest event, not the whole card again.
    expect(again!.text.match(/^· /gm)).toHaveLength(1);
    // A bare arrival question right after the answer is about that parcel too, in either language…
    const [howLong] = await chat.say("还要多久");
    expect(howLong!.text).toContain("75312345678901");
    const [when] = await chat.say("几时到");
    expect(when!.text).toContain("75312345678901");
    // "好的" is an acknowledgement, not thanks.
    const [ok] = await chat.say("好的");
    expect(ok!.text).not.toContain("不客气");
    expect(ok!.text).toContain("随时找我");
    // …and neither is a thumbs-up.
    const [thumbs] = await chat.say("👍🏻");
    expect(thumbs!.text).not.toContain("不客气");
    expect(thumbs!.text).toContain("随时找我");
    const en = await WebchatClient.open(t.baseUrl, "en");
    await en.say("75312345678901");
    const [whenEn] = await en.say("how long will it take");
    expect(whenEn!.text).toContain("75312345678901");
    // …but a question about a route is a question, not about the parcel shown.
    const [route] = await chat.say("上海到北京多久能到");
    expect(route!.text).not.toContain("75312345678901");
    // Without a parcel shown before, the number is asked for.
    const fresh = await WebchatClient.open(t.baseUrl);
    const [ask] = await fresh.say("这个什么时候能到");
    const offered = [ask!.text, ...(ask!.quickReplies?.map((q) => q.title) ?? [])].join(" ");
    expect(offered).not.toContain("75312345678901");
    expect(offered).toMatch(/运单号|查快递/);
  });

  it("says politely it found nothing for an unknown waybill, with the carrier's format hint and a human", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const [answer] = await chat.say("SF9999999999999 到哪了");
    expect(answer!.text).toContain("没有查到运单号 SF9999999999999");
    expect(answer!.text).toContain("顺丰单号是15位");
    expect(answer!.quickReplies?.map((q) => q.title)).toContain("转人工");
    expect(answer!.text).not.toMatch(/派送中|已签收|运输中/);
  });

  it("asks for the number, then hints at the format of a malformed one", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const [ask] = await chat.say("我的快递到哪了");
    expect(ask!.text).toContain("运单号");
    const [hint] = await chat.say("SF12345");
    expect(hint!.text).toContain("没有查到运单号 SF12345");
    expect(hint!.text).toContain("7位");
  });

  it("answers in English", async () => {
    const chat = await WebchatClient.open(t.baseUrl, "en");
    const [answer] = await chat.say("where is my parcel SF1438829301583");
    expect(answer!.text).toContain("Delivered");
    expect(answer!.text).toContain("Status:");
    expect(answer!.text).not.toContain("当前状态");
  });

  it("answers each of 8 waybills in one message: five compact lines, the late and problem ones flagged, the rest listed", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const eight = [
      "SF1438829301576", // out for delivery
      "SF1438829301590", // late
      "YT7001234567892", // problem parcel
      "75312345678918", // stuck
      "SF1438829301583", // delivered
      "75312345678925",
      "JDVA12345678901",
      "773012345678901",
    ];
    const [answer] = await chat.say(`帮我查下这些：${eight.join(" ")}`);
    const lines = answer!.text.split("\n");
    expect(lines[0]).toBe("您发送了8个单号，查询结果如下：");
    for (const [i, w] of eight.slice(0, 5).entries()) {
      const line = lines.find((l) => l.startsWith(`${i + 1}. `));
      expect(line, w).toContain(w);
    }
    expect(lines.find((l) => l.startsWith("1. "))).toContain("派送中");
    expect(lines.find((l) => l.startsWith("1. "))).not.toContain("⚠");
    expect(lines.find((l) => l.startsWith("2. "))).toMatch(/⚠已超时效约\d+小时/);
    expect(lines.find((l) => l.startsWith("3. "))).toContain("问题件");
    expect(lines.find((l) => l.startsWith("3. "))).toContain("⚠");
    expect(lines.find((l) => l.startsWith("4. "))).toMatch(/⚠\d+小时无新物流/);
    expect(lines.find((l) => l.startsWith("5. "))).toContain("已签收");
    expect(lines.some((l) => l.startsWith("6. "))).toBe(false);
    expect(answer!.text).toContain(`另有3个单号这次没有查询（一次最多查5个）：${eight.slice(5).join(" ")}`);
    const rest = answer!.quickReplies?.find((q) => q.title.startsWith("查询其余单号"));
    expect(rest).toEqual({ title: "查询其余单号（3个）", value: eight.slice(5).join(" ") });
    expect(answer!.quickReplies?.map((q) => q.title)).toContain("转人工");

    const [more] = await chat.say(rest!.value!);
    expect(more!.text.split("\n")[0]).toBe("您发送了3个单号，查询结果如下：");
    for (const [i, w] of eight.slice(5).entries()) expect(more!.text).toMatch(new RegExp(`^${i + 1}\\. .*${w}`, "m"));
    expect(more!.text).not.toContain("另有");
  });

  it("names at most 10 of the waybills left out of a long paste, and counts them all", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const seventeen = DEMO_SHIPMENTS.slice(0, 17).map((s) => s.waybill);
    const [answer] = await chat.say(seventeen.join("\n"));
    const rest = seventeen.slice(5);
    expect(answer!.text).toContain(`另有12个单号这次没有查询（一次最多查5个）：${rest.slice(0, 10).join(" ")} …`);
    expect(answer!.text).not.toContain(rest[10]!);
    expect(answer!.quickReplies?.[0]).toEqual({ title: "查询其余单号（12个）", value: rest.join(" ") });
  });

  it("gives an unknown waybill among several its own not-found line, in English too", async () => {
    const chat = await WebchatClient.open(t.baseUrl, "en");
    const [answer] = await chat.say("SF1438829301583, SF9999999999999 and 75312345678901 please");
    const lines = answer!.text.split("\n");
    expect(lines[0]).toBe("You sent 3 waybills. Here is what I found:");
    expect(lines[1]).toMatch(/^1\. SF Express SF1438829301583: Delivered/);
    expect(lines[2]).toBe("2. SF9999999999999: not found, please check the number");
    expect(lines[3]).toMatch(/^3\. .* 75312345678901: In transit, \d\d-\d\d \d\d:\d\d /);
    expect(answer!.text).not.toContain("more (at most");
    const zh = await WebchatClient.open(t.baseUrl);
    const [zhAnswer] = await zh.say("SF1438829301583 SF9999999999999");
    expect(zhAnswer!.text).toContain("2. SF9999999999999：未查到，请核对单号");
    // Two waybills pasted back to back without a space are two waybills, not "I can't answer that".
    const [glued] = await zh.say("SF1438829301583SF9999999999999");
    expect(glued!.text).toContain("2. SF9999999999999：未查到，请核对单号");
  });

  it("offers a delay complaint with the waybill pre-filled for a late parcel", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const [answer] = await chat.say("SF1438829301590");
    expect(answer!.text).toContain("超过正常时限");
    expect(answer!.quickReplies?.map((q) => q.title)).toContain("我要投诉");
    const state = await dialogState(t, chat);
    expect(state.suggestedComplaint).toMatchObject({ category: "DELAY", waybill: "SF1438829301590" });
    expect(state.lastWaybill).toBe("SF1438829301590");
    // "好的" to the offer takes it: the delay complaint for that parcel, not "不客气" or "not sure".
    const [taken] = await chat.say("好的");
    expect(taken!.text).toContain("登记“延误”投诉");
    const en = await WebchatClient.open(t.baseUrl, "en");
    await en.say("SF1438829301590");
    const [yes] = await en.say("yes please");
    expect(yes!.text).toMatch(/delay/i);
    expect(yes!.text).not.toMatch(/not sure/i);
    // A yes in the customer's own words, which the engine is unsure of, takes the offer too.
    const ownWords = await WebchatClient.open(t.baseUrl, "en");
    await ownWords.say("my parcel 75312345678918 hasn't moved for 5 days, this is ridiculous");
    const [taken2] = await ownWords.say("yes I want to complain");
    expect(taken2!.text).not.toMatch(/Did you want to/i);
    // What they wrote about the parcel is the description: not asked to describe it again.
    expect(taken2!.text).not.toMatch(/describe/i);
    expect((await dialogState(t, ownWords)).flow).toMatchObject({
      name: "complaint",
      data: {
        description: "my parcel 75312345678918 hasn't moved for 5 days, this is ridiculous",
        waybill: "75312345678918",
      },
    });
    // Once the conversation has moved on, "好的" is only an acknowledgement.
    const later = await WebchatClient.open(t.baseUrl);
    await later.say("SF1438829301590");
    await later.say("运费怎么算");
    const [ok] = await later.say("好的");
    expect(ok!.text).not.toContain("投诉");
  });

  it("'这个怎么还没到' right after a late parcel's answer is about that parcel: its status and the complaint offer, not an FAQ", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("SF1438829301590");
    const [why] = await chat.say("这个怎么还没到");
    expect(why!.text).toContain("SF1438829301590");
    expect(why!.text).toContain("超过正常时限");
    expect(why!.text.match(/^· /gm)).toHaveLength(1);
    expect(why!.quickReplies?.map((q) => q.title)).toContain("我要投诉");
    const [again] = await chat.say("为什么还没送到");
    expect(again!.text).toContain("SF1438829301590");
    const [slow] = await chat.say("點解咁慢"); // Cantonese: why so slow
    expect(slow!.text).toContain("SF1438829301590");
    const en = await WebchatClient.open(t.baseUrl, "en");
    await en.say("SF1438829301590");
    const [whyEn] = await en.say("why hasn't it arrived");
    expect(whyEn!.text).toContain("SF1438829301590");
    // "我没收到啊" after a card that says 已签收: the card's 签收未收到 offer, not an FAQ to read.
    const signed = await WebchatClient.open(t.baseUrl);
    await signed.say("SF1438829301583");
    const [notHere] = await signed.say("我没收到啊");
    expect(notHere!.text).toContain("SF1438829301583");
    expect(notHere!.quickReplies?.map((q) => q.title)).toContain("我要投诉");
    expect((await dialogState(t, signed)).suggestedComplaint).toMatchObject({ waybill: "SF1438829301583" });
    // Asking for a complaint outright is a complaint, not a status follow-up.
    const [complain] = await chat.say("怎么还没到，我要投诉");
    expect(complain!.text).not.toMatch(/^· /m);
    expect(complain!.text).toMatch(/投诉/);
  });

  it("flags a parcel stuck for 48 h, and signed-but-not-received as a delivery-service problem", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const [stuck] = await chat.say("75312345678918");
    expect(stuck!.text).toMatch(/已经\d+小时没有新的物流信息/);
    const [signed] = await chat.say("75312345678932 查一下");
    expect(signed!.text).toContain("已签收");
    const chat2 = await WebchatClient.open(t.baseUrl);
    await chat2.say("查快递");
    const [notReceived] = await chat2.say("75312345678932 显示签收了可是我没收到");
    expect(notReceived!.quickReplies?.map((q) => q.title)).toContain("我要投诉");
    const state = await dialogState(t, chat2);
    expect(state.suggestedComplaint).toMatchObject({ category: "DELIVERY_SERVICE", waybill: "75312345678932" });
  });

  it("offers the customer's recent parcels when their phone links to shipments", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("你好");
    const identity = await t.app.db.prisma.channelIdentity.findFirstOrThrow({
      where: { channel: "webchat", externalId: chat.sessionId },
    });
    await t.app.db.prisma.customer.update({ where: { id: identity.customerId }, data: { phone: DEMO_RECEIVER_PHONE } });
    const [ask] = await chat.say("查快递");
    expect(ask!.quickReplies?.map((q) => q.title)).toContain("我最近的快递");
    const [list] = await chat.say("我最近的快递");
    expect(list!.text).toContain("SF1438829301576");
    expect(list!.quickReplies?.map((q) => q.title)).toContain("SF1438829301576");
    const [answer] = await chat.say(list!.quickReplies![0]!.title);
    expect(answer!.text).toContain("当前状态");
  });

  it("without a waybill: where to find it, or the parcels of the customer's phone; never a phone typed in (session 11)", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("我的快递到哪了");
    // Was "您是想：" and then, on a typed phone number, a handoff.
    let r = await chat.say("我不知道单号，用手机号能查吗");
    expect(r[0]!.text).toContain("查看物流");
    expect(r[0]!.text).not.toContain("您是想");
    // "没有单号" inside a complaint is the complaint's, not a request for where to find the number.
    const complaining = await WebchatClient.open(t.baseUrl);
    await complaining.say("我的快递到哪了");
    r = await complaining.say("快递员收件没有单号给我，我要投诉");
    expect(r[0]!.text).toContain("投诉");
    expect(r[0]!.text).not.toContain("查看物流");
    // A message of its own (the knowledge base tells customers to send it): was "您是想：".
    const other = await WebchatClient.open(t.baseUrl);
    r = await other.say("我最近的快递");
    // A web-chat visitor's phone is unknown: "no parcels linked to your phone" would be untrue.
    expect(r[0]!.text).toContain("不知道您的手机号");
    // With the phone known, the same words list that phone's parcels (the phone is unique: taken
    // from the customer an earlier test gave it to).
    await t.app.db.prisma.customer.updateMany({ where: { phone: DEMO_RECEIVER_PHONE }, data: { phone: null } });
    const identity = await t.app.db.prisma.channelIdentity.findFirstOrThrow({
      where: { channel: "webchat", externalId: chat.sessionId },
    });
    await t.app.db.prisma.customer.update({ where: { id: identity.customerId }, data: { phone: DEMO_RECEIVER_PHONE } });
    r = await chat.say("没有单号怎么查");
    expect(r[0]!.text).toContain("SF1438829301576");
  });

  it("re-seeding the demo data replaces its events instead of adding to them", async () => {
    const db = t.app.db.prisma;
    const waybills = DEMO_SHIPMENTS.map((s) => s.waybill);
    const before = await db.trackingEvent.count({ where: { shipment: { waybill: { in: waybills } } } });
    const again = await seedDemoShipments(db, t.app.tracking.ingest, { force: true });
    expect(again.seeded).toBe(true);
    expect(await db.trackingEvent.count({ where: { shipment: { waybill: { in: waybills } } } })).toBe(before);
    expect(await db.shipment.count({ where: { waybill: { in: waybills } } })).toBe(DEMO_SHIPMENTS.length);
    expect((await seedDemoShipments(db, t.app.tracking.ingest)).seeded).toBe(false); // first start only
  });

  it("webhook: 401 without a signature or with a wrong one, and stores nothing", async () => {
    const body = {
      events: [
        {
          waybill: "SF1000000000017",
          carrier: "SF",
          time: NOW.toISOString(),
          status: "1",
          description: "已揽收",
        },
      ],
    };
    const none = await push(t, body, "");
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe("INVALID_SIGNATURE");
    const wrong = await push(t, body, signBody("something else", SECRET));
    expect(wrong.status).toBe(401);
    const malformed = await push(t, body, "sha256=zz");
    expect(malformed.status).toBe(401);
    expect(await t.app.db.prisma.shipment.count({ where: { waybill: "SF1000000000017" } })).toBe(0);
  });

  it("webhook: rejects malformed items one by one, stores the valid ones, dedupes, orders by event time", async () => {
    const now = NOW.getTime();
    const waybill = kind === "pglite" ? "SF2000000000011" : "SF2000000000028";
    const ev = (hoursAgo: number, status: string, description: string, location = "杭州市") => ({
      waybill,
      carrier: "SF",
      time: new Date(now - hoursAgo * HOUR).toISOString(),
      status,
      location,
      description,
      receiverPhone: "+86 139-0000-1111",
    });
    // Out of order: the delivery arrives before the pickup and the transit scans.
    const res = await push(t, {
      events: [
        ev(2, "3", "已签收，签收人：本人"),
        { waybill, carrier: "SF", status: "1", description: "missing time" },
        ev(30, "揽收", "【杭州营业部】已揽收"),
        { ...ev(20, "在途", "发往上海"), time: "yesterday" },
        { ...ev(20, "teleported", "??") },
        ev(30, "揽收", "【杭州营业部】已揽收"),
        { ...ev(10, "0", "快件已到达【上海转运中心】"), location: "上海市" },
        "not an object",
        { ...ev(1, "1", "x"), time: new Date(now + 5 * HOUR).toISOString() },
      ],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      stored: number;
      duplicate: number;
      rejected: number;
      items: { index: number; result: string; code?: string }[];
    };
    expect(body.items.map((i) => i.result)).toEqual([
      "stored",
      "rejected",
      "stored",
      "rejected",
      "rejected",
      "duplicate",
      "stored",
      "rejected",
      "rejected",
    ]);
    expect(body.items.filter((i) => i.code).map((i) => i.code)).toEqual([
      "INVALID_EVENT",
      "INVALID_TIME",
      "UNKNOWN_STATUS",
      "INVALID_EVENT",
      "TIME_IN_FUTURE",
    ]);
    expect([body.stored, body.duplicate, body.rejected]).toEqual([3, 1, 5]);

    // The same batch again: nothing new.
    const again = (await (await push(t, { events: [ev(2, "3", "已签收，签收人：本人")] })).json()) as {
      duplicate: number;
    };
    expect(again.duplicate).toBe(1);

    const shipment = await t.app.db.prisma.shipment.findFirstOrThrow({ where: { waybill }, include: { events: true } });
    expect(shipment.events).toHaveLength(3);
    expect(shipment.status).toBe("delivered"); // newest by event time, not by arrival
    expect(shipment.receiverPhone).toBe("13900001111");
    expect(shipment.pickedUpAt?.getTime()).toBe(now - 30 * HOUR);

    // An older scan arriving late does not move the status back.
    await push(t, { events: [{ ...ev(5, "5", "派件中"), location: "上海市" }] });
    expect((await t.app.db.prisma.shipment.findFirstOrThrow({ where: { waybill } })).status).toBe("delivered");
  });

  it("webhook: accepts a charset parameter and is documented in the OpenAPI spec", async () => {
    const raw = JSON.stringify({
      events: [{ waybill: "SF7000000000010", time: "2026-01-05 10:00:00", status: "揽收", description: "已揽收" }],
    });
    const res = await fetch(`${t.baseUrl}/api/tracking/events`, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", "x-signature": signBody(raw, SECRET) },
      body: raw,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { items: { carrier: string }[] }).items[0]!.carrier).toBe("SF"); // from the format
    const spec = (await (await fetch(`${t.baseUrl}/docs/json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(["/api/tracking/events", "/api/tracking/{waybill}"]),
    );
  });

  it("webhook: refuses more than 1,000 events in one call", async () => {
    const events = Array.from({ length: 1001 }, (_, i) => ({
      waybill: `SF3${String(i).padStart(12, "0")}`,
      carrier: "SF",
      time: NOW.toISOString(),
      status: "1",
      description: "已揽收",
    }));
    const res = await push(t, { events });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("VALIDATION_FAILED");
  });

  it("asks which carrier when the number is on file with two, then answers for the chosen one", async () => {
    const time = new Date(NOW.getTime() - 2 * HOUR).toISOString();
    const waybill = "431234567899999";
    const res = await push(t, {
      events: [
        { waybill, carrier: "YUNDA", time, status: "in_transit", location: "南昌市", description: "韵达：快件已发出" },
        {
          waybill,
          carrier: "STO",
          time,
          status: "out_for_delivery",
          location: "广州市",
          description: "申通：快递员正在派件",
        },
      ],
    });
    expect(((await res.json()) as { stored: number }).stored).toBe(2);
    const chat = await WebchatClient.open(t.baseUrl);
    const [ask] = await chat.say(waybill);
    expect(ask!.text).toContain("哪一家");
    expect(ask!.quickReplies?.map((q) => q.title).sort()).toEqual(["申通快递", "韵达快递"]);
    const [answer] = await chat.say("申通快递");
    expect(answer!.text).toContain("申通：快递员正在派件");
    expect(answer!.text).not.toContain("韵达：");
  });

  it("GET /api/tracking/:waybill gives agents the shipment and all events, phones masked", async () => {
    const unauth = await fetch(`${t.baseUrl}/api/tracking/SF1438829301576`);
    expect(unauth.status).toBe(401);
    const res = await fetch(`${t.baseUrl}/api/tracking/sf 1438 8293 0157 6`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { shipment: { status: string; receiverPhone: string }; events: unknown[] };
    expect(body.shipment.status).toBe("out_for_delivery");
    expect(body.shipment.receiverPhone).toBe("138****8000");
    expect(body.events).toHaveLength(4);
    // The bot shows the same event times (China time) as the console's API.
    const chat = await WebchatClient.open(t.baseUrl);
    const [answer] = await chat.say("SF1438829301576");
    for (const e of body.events.slice(0, 3))
      expect(answer!.text).toContain(formatTime(new Date((e as { time: string }).time)));
    const missing = await fetch(`${t.baseUrl}/api/tracking/SF9999999999999`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("SHIPMENT_NOT_FOUND");
  });
});

describe("tracking webhook without a secret", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp("pglite", { DEMO_DATA: "false" });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("answers 503 with a clear code, and the demo data stays off when DEMO_DATA=false", async () => {
    const res = await push(t, { events: [] });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("WEBHOOK_NOT_CONFIGURED");
    expect(body.error.message).toContain("TRACKING_WEBHOOK_SECRET");
    expect(await t.app.db.prisma.shipment.count()).toBe(0);
  });
});
