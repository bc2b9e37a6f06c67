import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoShipments } from "../../src/tracking/demo-data.js";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { WebchatClient } from "../support/webchat-client.js";
import { api, eventually, staffLogin, TICKET_NUMBER, type TicketJson } from "./ticket.helpers.js";

// Monday 2026-11-30 11:30 in Shanghai: the requests' clock (pickup slots depend on the time of day).
const NOW = new Date("2026-11-30T03:30:00Z");
/** The app's clock: NOW, moved on by the one test that needs time to pass. */
let clock = NOW;

type RequestJson = TicketJson & {
  type: string;
  details: Record<string, unknown> | null;
  outcome: string | null;
  proposedAmount: number | null;
  paidAmount: number | null;
};

describe.each(DB_KINDS)("service requests in the chat on %s (issue 15)", (kind) => {
  let t: TestApp;
  let sup: { id: string; token: string };
  let li: { id: string; token: string }; // 物流配送
  let wang: { id: string; token: string }; // 售后服务

  beforeAll(async () => {
    t = await startTestApp(kind, {}, { now: () => clock });
    await seedDemoShipments(t.app.db.prisma, t.app.tracking.ingest, { force: true, now: NOW });
    sup = await staffLogin(t.app, t.baseUrl, "sup", "supervisor");
    li = await staffLogin(t.app, t.baseUrl, "li", "agent", ["logistics"]);
    wang = await staffLogin(t.app, t.baseUrl, "wang", "agent", ["after_sales"]);
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = async (number: string) => {
    const res = await api<RequestJson>(t.baseUrl, "GET", `/api/tickets/${number}`, sup.token);
    expect(res.status).toBe(200);
    return res.body;
  };
  const numberIn = (text: string) => TICKET_NUMBER.exec(text)?.[0] ?? "";
  const count = () => t.app.db.prisma.ticket.count();
  const act = (number: string, action: string, token: string, body?: unknown) =>
    api<RequestJson>(t.baseUrl, "POST", `/api/tickets/${number}/${action}`, token, body);
  /** The customer's channel shows the agent's outcome (through the outbox). */
  const noticed = (chat: WebchatClient, words: string) =>
    eventually(async () => (await chat.history()).find((m) => m.direction === "out" && m.text.includes(words)));

  it("催件: shows the latest event and the promise, opens an urge request, and the agent's completion reaches the customer", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    let r = await chat.say("帮我催一下");
    expect(r[0]!.text).toContain("运单号");
    r = await chat.say("75312345678901");
    expect(r[0]!.text).toContain("请确认催件信息");
    expect(r[0]!.text).toContain("最新物流");
    expect(r[0]!.quickReplies?.map((q) => q.title)).toEqual(["确认提交", "修改", "取消"]);
    r = await chat.say("确认提交");
    expect(r[0]!.text).toMatch(/^已为您催促派送网点，2小时内给您回复。请求编号：\d{6}-\d{5}。最新物流：/);
    const req = await get(numberIn(r[0]!.text));
    expect(req).toMatchObject({ type: "urge", status: "new", groupCode: "logistics", waybill: "75312345678901" });
    expect(req.slaClocks.map((c) => [c.kind, c.targetMinutes])).toEqual([["resolution", 120]]);
    // The request is listed by type, next to tickets.
    const list = await api<{ items: { number: string; type: string }[] }>(
      t.baseUrl,
      "GET",
      "/api/tickets?type=urge",
      li.token,
    );
    expect(list.body.items.map((i) => i.number)).toContain(req.number);

    // The agent completes it; the customer is told.
    expect((await act(req.number, "complete", li.token, { resolution: "网点今天下午派送" })).status).toBe(409);
    expect((await act(req.number, "take", li.token)).status).toBe(200);
    const done = await act(req.number, "complete", li.token, { resolution: "网点今天下午派送" });
    expect(done.body).toMatchObject({ status: "resolved", outcome: "done" });
    expect(done.body.slaClocks[0]!.state).toBe("met");
    await noticed(chat, "已办理完成。网点今天下午派送");
  });

  it("a customer without the waybill is told where to find it and offered a person, not asked again and again (session 12)", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("帮我催一下件");
    for (const text of ["我不知道单号", "找不到"]) {
      const [r] = await chat.say(text);
      expect(r!.text, text).toContain("购物平台订单详情");
      expect(r!.quickReplies?.map((q) => q.title)).toContain("转人工");
    }
    const [person] = await chat.say("转人工");
    expect(person!.text).toContain("转接人工客服");
  });

  it("催件 needs a parcel in transit and a waybill that exists; nothing is stored otherwise", async () => {
    const before = await count();
    const chat = await WebchatClient.open(t.baseUrl);
    let r = await chat.say("帮我催一下 SF9999999999999");
    expect(r[0]!.text).toContain("没有查到运单 SF9999999999999");
    r = await chat.say("帮我催一下 SF1438829301583");
    expect(r[0]!.text).toContain("不在运输途中，无法催件");
    expect(r[0]!.quickReplies?.map((q) => q.title)).toEqual(["转人工"]);
    expect(await count()).toBe(before);
  });

  it("at the summary the customer's own words count: 好的谢谢 submits, 转人工 reaches a person, 算了，我要投诉 starts the complaint (session 11)", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    let r = await chat.say("帮我催一下 431234567890124");
    expect(r[0]!.text).toContain("请确认催件信息");
    // Was the summary again: only the bare 好的 counted.
    r = await chat.say("好的谢谢");
    expect(r[0]!.text).toMatch(/^已为您催促派送网点/);

    const before = await count();
    const second = await WebchatClient.open(t.baseUrl);
    r = await second.say("帮我催一下 DPK202412345678");
    expect(r[0]!.text).toContain("请确认催件信息");
    // Was the summary again: a customer asking for a person was kept in the dialog.
    r = await second.say("转人工");
    expect(r.map((m) => m.text).join("\n")).toMatch(/人工客服/);
    expect(r.map((m) => m.text).join("\n")).not.toContain("请确认催件信息");

    const third = await WebchatClient.open(t.baseUrl);
    r = await third.say("帮我催一下 DPK202412345678");
    expect(r[0]!.text).toContain("请确认催件信息");
    // Was only "已取消": the complaint asked for in the same message was dropped.
    r = await third.say("算了，我要投诉，太慢了");
    expect(r[0]!.text).toContain("已取消");
    expect(r.map((m) => m.text).join("\n")).toMatch(/登记.*投诉/);
    expect(await count()).toBe(before);
  });

  it("a second 催件 for the same waybill within 24 h joins the first; after 24 h it opens another", async () => {
    const urge = async () => {
      const chat = await WebchatClient.open(t.baseUrl);
      await chat.say("帮我催一下 773012345678901");
      return (await chat.say("确认"))[0]!.text;
    };
    const first = numberIn(await urge());
    const db = t.app.db.prisma;
    // Opened exactly 24 h ago: still inside the window, joins.
    await db.ticket.update({
      where: { number: first },
      data: { createdAt: new Date(NOW.getTime() - 24 * 3_600_000) },
    });
    const again = await urge();
    expect(again).toContain(`该运单已在催促中（请求编号：${first}）`);
    expect((await get(first)).events.filter((e) => e.type === "joined")).toHaveLength(1);
    // A millisecond earlier: outside, a new request.
    await db.ticket.update({
      where: { number: first },
      data: { createdAt: new Date(NOW.getTime() - 24 * 3_600_000 - 1) },
    });
    const third = numberIn(await urge());
    expect(third).not.toBe(first);
  });

  it("a customer whose 催件 joined another's can ask its progress and is told its outcome too", async () => {
    const first = await WebchatClient.open(t.baseUrl);
    await first.say("帮我催一下 431234567890123");
    const number = numberIn((await first.say("确认"))[0]!.text);
    const second = await WebchatClient.open(t.baseUrl);
    await second.say("帮我催一下 431234567890123");
    expect((await second.say("确认"))[0]!.text).toContain(`该运单已在催促中（请求编号：${number}）`);
    // Asked without and with the number, the joining customer gets the request they were given.
    expect((await second.say("投诉进度"))[0]!.text).toContain(`工单 ${number}（催件）`);
    expect((await second.say(`${number} 进度怎么样了`))[0]!.text).toContain(`工单 ${number}（催件）`);
    // A stranger still cannot read it by number.
    const stranger = await WebchatClient.open(t.baseUrl);
    expect((await stranger.say(`${number} 进度怎么样了`))[0]!.text).toContain(`没有找到工单 ${number}`);
    expect((await stranger.say("投诉进度"))[0]!.text).toContain("没有投诉或服务请求的记录");

    expect((await act(number, "take", li.token)).status).toBe(200);
    expect((await act(number, "complete", li.token, { resolution: "网点已安排今天派送" })).status).toBe(200);
    await noticed(first, "网点已安排今天派送");
    await noticed(second, "网点已安排今天派送");
    // Told once each, not once per join.
    const notices = (await second.history()).filter(
      (m) => m.direction === "out" && m.text.includes("网点已安排今天派送"),
    );
    expect(notices).toHaveLength(1);
  });

  it("a re-sent confirmation (same clientMessageId) never opens two requests", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("帮我催一下 431234567890126");
    const before = await count();
    const a = await chat.say("确认", "resend-1");
    const b = await chat.say("确认", "resend-1");
    expect(b[0]!.text).toBe(a[0]!.text);
    expect(await count()).toBe(before + 1);
  });

  it("改地址: allowed before out-for-delivery, refused once it is out; the new address is kept in full, masked in lists", async () => {
    const before = await count();
    const late = await WebchatClient.open(t.baseUrl);
    const refused = await late.say("我想改一下收货地址 SF1438829301576");
    expect(refused[0]!.text).toContain("派送中");
    expect(refused[0]!.text).toContain("无法在线修改地址");
    expect(await count()).toBe(before);

    const chat = await WebchatClient.open(t.baseUrl);
    let r = await chat.say("我想改一下收货地址");
    expect(r[0]!.text).toContain("运单号");
    r = await chat.say("YT7001234567891"); // arrived at the destination city: still changeable
    expect(r[0]!.text).toContain("新的收货地址");
    r = await chat.say("朝阳区建国路88号");
    expect(r[0]!.text).toContain("没有找到省份和城市");
    r = await chat.say("湖北省武汉市洪山区珞喻路1037号华中科技大学东校区");
    expect(r[0]!.text).toContain("请确认改地址信息");
    r = await chat.say("确认提交");
    expect(r[0]!.text).toContain("已提交改地址申请");
    const req = await get(numberIn(r[0]!.text));
    expect(req.type).toBe("address_change");
    expect(req.details?.address).toBe("湖北省武汉市洪山区珞喻路1037号华中科技大学东校区");
    expect(req.description).toBe("改地址：湖北省武汉市****");
    const list = await api<{ items: { number: string; description: string }[] }>(
      t.baseUrl,
      "GET",
      "/api/tickets?type=address_change",
      li.token,
    );
    const row = list.body.items.find((i) => i.number === req.number)!;
    expect(row.description).not.toContain("珞喻路");
    // The agent cannot do it after all: rejects with a reason, the customer is told why.
    await act(req.number, "take", li.token);
    const rej = await act(req.number, "reject", li.token, { reason: "包裹已在派送途中" });
    expect(rej.body.outcome).toBe("rejected");
    await noticed(chat, "未能办理：包裹已在派送途中");
  });

  it("改地址: a new address said before the waybill is kept, and not asked for again", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    let r = await chat.say("帮我改一下收件地址");
    expect(r[0]!.text).toContain("好的，我来帮您修改收货地址");
    expect(r[0]!.text).toContain("运单号");
    r = await chat.say("改到湖北省武汉市洪山区珞喻路1037号");
    expect(r[0]!.text).toContain("已记下新地址：湖北省武汉市洪山区珞喻路1037号");
    expect(r[0]!.text).toContain("请发送要办理的运单号");
    expect(r[0]!.text).not.toContain("没有识别到运单号");
    r = await chat.say("YT7001234567891");
    expect(r[0]!.text).toContain("请确认改地址信息");
    expect(r[0]!.text).toContain("湖北省武汉市洪山区珞喻路1037号");
    r = await chat.say("取消");
  });

  it("预约取件: address, a slot in service hours, a permitted item, weight and phone; past slots and prohibited items are refused; the customer can cancel", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    let r = await chat.say("我要寄快递，上门取件");
    expect(r[0]!.text).toContain("上门取件的地址");
    r = await chat.say("上海市徐汇区漕溪北路88号3楼");
    expect(r[0]!.text).toContain("上门时间");
    // 11:30 now: this morning can no longer be booked (it ends at 12:00; an hour's notice is needed).
    expect(r[0]!.quickReplies?.map((q) => q.title)).toEqual(["今天下午", "明天上午", "明天下午"]);
    r = await chat.say("今天上午");
    expect(r[0]!.text).toContain("已经过去或来不及");
    r = await chat.say("明天上午");
    expect(r[0]!.text).toContain("什么物品");
    r = await chat.say("两桶汽油");
    expect(r[0]!.text).toContain("不能寄递");
    r = await chat.say("衣服");
    expect(r[0]!.text).toContain("多重");
    r = await chat.say("3公斤");
    expect(r[0]!.text).toContain("联系电话");
    r = await chat.say("13912345678");
    expect(r[0]!.text).toContain("2026-12-01 明天上午");
    r = await chat.say("确认");
    expect(r[0]!.text).toContain("快递员将在2026-12-01 明天上午上门");
    const number = numberIn(r[0]!.text);
    const req = await get(number);
    expect(req).toMatchObject({ type: "pickup", groupCode: "logistics", contactPhone: "13912345678" });
    expect(req.details).toMatchObject({ item: "衣服", weightKg: 3, slot: { date: "2026-12-01", part: "morning" } });

    r = await chat.say("取消取件");
    expect(r[0]!.text).toContain(`已为您取消上门取件预约（请求编号：${number}）`);
    expect(await get(number)).toMatchObject({ status: "closed", outcome: "cancelled" });
  });

  it("a phone number said before it is asked, or at the summary, is kept and said so; a bare number is not the item", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    let r = await chat.say("明天上午能上门取件吗");
    expect(r[0]!.text).toContain("上门取件的地址");
    // Address, name and phone in one message: the phone is not asked for again.
    r = await chat.say("北京市朝阳区建国路1号 张三 13700001111");
    expect(r[0]!.text).toContain("什么物品");
    r = await chat.say("13700002222");
    expect(r[0]!.text).toContain("已记下联系电话：13700002222");
    expect(r[0]!.text).toContain("什么物品");
    r = await chat.say("一箱衣服");
    r = await chat.say("3公斤");
    expect(r[0]!.text).toContain("请确认");
    expect(r[0]!.text).toContain("13700002222");
    expect(r[0]!.text).not.toContain("联系电话，方便");
    r = await chat.say("取消");

    // A time said when the address is asked is kept, and not asked for again (session 12: "no
    // province or city", then the time question later).
    const early = await WebchatClient.open(t.baseUrl);
    await early.say("我想寄个快递，能上门来取吗");
    r = await early.say("明天上午");
    expect(r[0]!.text).toContain("已记下时间：明天上午");
    expect(r[0]!.text).toContain("上门取件的地址");
    expect(r[0]!.text).not.toContain("没有找到省份");
    r = await early.say("北京市朝阳区建国路88号5号楼1201");
    expect(r[0]!.text).toContain("什么物品");
    // In English, and with the address in the same message.
    const en = await WebchatClient.open(t.baseUrl, "en");
    await en.say("I need a pickup");
    r = await en.say("tomorrow afternoon, 88 Jianguo Road, Chaoyang District, Beijing");
    expect(r[0]!.text).toContain("Noted the time: Tomorrow afternoon");
    expect(r[0]!.text).not.toMatch(/pickup time/i);

    // 催件 asks no phone; one sent at the summary is noted and goes with the request.
    const urge = await WebchatClient.open(t.baseUrl);
    await urge.say("帮我催一下 773012345678903");
    r = await urge.say("13812345678");
    expect(r[0]!.text).toContain("已记下联系电话：13812345678");
    expect(r[0]!.text).toContain("请确认催件信息");
    r = await urge.say("确认提交");
    expect(await get(numberIn(r[0]!.text))).toMatchObject({ type: "urge", contactPhone: "13812345678" });
  });

  it("改地址 in English: an address written in pinyin is taken, its city found for the region", async () => {
    const chat = await WebchatClient.open(t.baseUrl, "en");
    await chat.say("I want to change the delivery address");
    await chat.say("75312345678901");
    // "Taizhou" alone is two cities: the customer is told which provinces, not "no city found".
    let r = await chat.say("No. 12 Haimen Street, Taizhou");
    expect(r[0]!.text).toMatch(/There is a Taizhou in (Zhejiang \/ Jiangsu|Jiangsu \/ Zhejiang)/);
    r = await chat.say("No. 5 Renmin Road, Wuhou District, Chengdu, Sichuan");
    expect(r[0]!.text).toContain("Address: No. 5 Renmin Road, Wuhou District, Chengdu, Sichuan"); // an English colon
    r = await chat.say("confirm");
    const req = await get(numberIn(r[0]!.text));
    expect(req.details).toMatchObject({ address: "No. 5 Renmin Road, Wuhou District, Chengdu, Sichuan" });
  });

  it("an address is not the request: an English pickup with its address starts at once, the address kept (session 11)", async () => {
    const chat = await WebchatClient.open(t.baseUrl, "en");
    // Was "Sorry, I'm not sure what you mean. Did you want to:" (pickup 0.67 with the street words).
    const r = await chat.say("I need a pickup tomorrow morning from No. 8 Keyuan Road, Nanshan District, Shenzhen");
    expect(r[0]!.text).not.toContain("not sure");
    expect(r[0]!.text).toContain("book a pickup");
    expect(r[0]!.text).toContain("What are you sending?");
    const state = await t.app.db.prisma.botState.findMany();
    expect(JSON.stringify(state)).toContain("Keyuan Road");
  });

  it("English: a button of 'did you want to' starts its flow from the unclear message (its address and slot kept); a typed title starts it too", async () => {
    const chat = await WebchatClient.open(t.baseUrl, "en");
    let r = await chat.say("I need a pickup tomorrow morning from No. 8 Jianguo Road, Chaoyang District, Beijing");
    // Unsure today: the engine offers Pickup booking (were it sure, the flow would start at once).
    if (r[0]!.quickReplies?.some((q) => q.title === "Pickup booking")) r = await chat.say("Pickup booking");
    expect(r[0]!.text).toContain("book a pickup");
    expect(r[0]!.text).not.toContain("pickup address");
    expect(r[0]!.text).toContain("What are you sending?");
    // A button tapped after the customer has moved on starts afresh, not from the old message.
    const later = await WebchatClient.open(t.baseUrl, "en");
    r = await later.say("I need a pickup tomorrow morning from No. 8 Jianguo Road, Chaoyang District, Beijing");
    if (r[0]!.quickReplies?.some((q) => q.title === "Pickup booking")) {
      await later.say("SF1438829301576");
      r = await later.say("Pickup booking");
      expect(r[0]!.text).toContain("pickup address");
    }
    // Titles typed (or tapped without a question before): the flow, not "not sure" twice and the queue.
    const typed = await WebchatClient.open(t.baseUrl, "en");
    r = await typed.say("Delivery preference");
    expect(r[0]!.text).toContain("set how the parcel is delivered");
    r = await typed.say("cancel");
    r = await typed.say("Hurry a parcel");
    expect(r[0]!.text).toContain("hurry the parcel");
  });

  it("改地址: the verb before the new address is not stored as part of it", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("我想改一下收货地址");
    let r = await chat.say("YT7001234567891");
    expect(r[0]!.text).toContain("新的收货地址");
    r = await chat.say("改到湖北省武汉市洪山区珞喻路1037号");
    expect(r[0]!.text).toContain("地址：湖北省武汉市洪山区珞喻路1037号");
    expect(r[0]!.text).not.toContain("改到");
    await chat.say("取消");
    // "地址是…" in the booking message: was stored as "地址：地址是北京市…" (session 11).
    const pickup = await WebchatClient.open(t.baseUrl);
    await pickup.say("明天下午来我家取个件，地址是北京市朝阳区建国路88号3栋502");
    await pickup.say("一箱书");
    await pickup.say("15公斤");
    r = await pickup.say("13800001111");
    expect(r[0]!.text).toContain("地址：北京市朝阳区建国路88号3栋502");
    await pickup.say("取消");
    // The phone said with the new address is the contact number, not part of the address (session 12:
    // the ticket showed "北京市朝阳区建国路88号，电话13812345678").
    const withPhone = await WebchatClient.open(t.baseUrl);
    await withPhone.say("我想改一下收货地址");
    await withPhone.say("YT7001234567891");
    r = await withPhone.say("北京市朝阳区建国路88号，电话13812345678");
    expect(r[0]!.text).toContain("地址：北京市朝阳区建国路88号");
    expect(r[0]!.text).not.toMatch(/地址：[^\n]*138/);
    expect(r[0]!.text).toContain("13812345678");
    await withPhone.say("取消");
  });

  it("预约取件: an article tagged 禁寄:<item> in the knowledge base refuses that item too, and the refusal names the article", async () => {
    const admin = await staffLogin(t.app, t.baseUrl, "kb-admin", "admin");
    const toItem = async () => {
      const chat = await WebchatClient.open(t.baseUrl);
      await chat.say("我要寄快递，上门取件");
      await chat.say("上海市徐汇区漕溪北路88号3楼");
      const r = await chat.say("明天下午");
      expect(r[0]!.text).toContain("什么物品");
      return chat;
    };
    // Not on the statutory list: accepted while no article forbids it.
    expect((await (await toItem()).say("两盒电子烟"))[0]!.text).toContain("多重");
    const created = await api<{ id: string }>(t.baseUrl, "POST", "/api/kb/articles", admin.token, {
      title: "电子烟可以寄吗？",
      answer: "电子烟及烟弹含锂电池和烟油，本公司不收寄。",
      category: "禁寄限寄",
      tags: ["电子烟", "禁寄:电子烟", "禁寄:烟弹"],
      source: "本公司收寄规定",
    });
    expect(created.status).toBe(201);
    const chat = await toItem();
    const r = await chat.say("两盒电子烟");
    expect(r[0]!.text).toBe("很抱歉，“两盒电子烟”不能寄递，详见知识库“电子烟可以寄吗？”。请换一件物品，或回复“取消”。");
    // The statutory list still applies.
    expect((await chat.say("两桶汽油"))[0]!.text).toContain("《禁止寄递物品管理规定》");
    expect((await chat.say("衣服"))[0]!.text).toContain("多重");
  });

  it("派送偏好: 'not home tomorrow, can it come the day after' about a parcel is a reschedule request (session 11)", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    // Was "您是想：" (0.81), and the next message then handed the customer to a person.
    const r = await chat.say("我明天不在家，快递能改到后天送吗 773012345678901");
    expect(r[0]!.text).toContain("设置派送方式");
    expect(r[0]!.text).toContain("希望改到什么时间派送");
    await chat.say("取消");
  });

  it("派送偏好: the place the customer names (门卫) is the one asked about and confirmed, not 驿站 (session 11)", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    let r = await chat.say("75312345678901 这个件到了能不能放门卫那里");
    // Was "…放在驿站需要您的同意" and the summary "派送方式：放驿站".
    expect(r[0]!.text).toContain("放在门卫需要您的同意");
    r = await chat.say("可以");
    expect(r[0]!.text).toContain("派送方式：放门卫");
    expect(r[0]!.text).not.toContain("驿站");
    await chat.say("取消");
  });

  it("派送偏好: 放驿站 needs the customer's explicit consent, recorded with the request", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    let r = await chat.say("75312345678918 放驿站吧");
    expect(r[0]!.text).toContain("需要您的同意");
    expect(r[0]!.quickReplies?.map((q) => q.title)).toEqual(["同意", "不同意"]);
    r = await chat.say("同意");
    expect(r[0]!.text).toContain("同意放置：是");
    r = await chat.say("确认提交");
    expect(r[0]!.text).toContain("已记录您的派送要求（放驿站）");
    const req = await get(numberIn(r[0]!.text));
    expect(req.type).toBe("delivery_preference");
    expect(req.details).toMatchObject({ preference: "station", consent: { given: true } });

    // Declining consent means delivery to the door.
    const other = await WebchatClient.open(t.baseUrl);
    await other.say("75312345678918 放快递柜");
    r = await other.say("不同意");
    expect(r[0]!.text).toContain("派送方式：送货上门");
  });

  it("a request right after a tracking answer is about that parcel; a placement question about a parcel is a 派送偏好 request", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("75312345678901");
    // Not asked for the number just looked up: straight to the summary, which shows it.
    let r = await chat.say("帮我催一下");
    expect(r[0]!.text).toContain("请确认催件信息");
    expect(r[0]!.text).toContain("运单号：75312345678901");
    await chat.say("取消");

    // "能不能放驿站" about the parcel just shown asks for that parcel, not the rule of stations.
    const other = await WebchatClient.open(t.baseUrl);
    await other.say("75312345678918");
    r = await other.say("能不能放驿站");
    expect(r[0]!.text).toContain("需要您的同意");
    r = await other.say("同意");
    expect(r[0]!.text).toContain("运单号：75312345678918");
    expect(r[0]!.text).toContain("同意放置：是");
    // A question about stations themselves is still answered as a question.
    const third = await WebchatClient.open(t.baseUrl);
    await third.say("75312345678918");
    r = await third.say("驿站一般保管几天");
    expect(r[0]!.text).not.toContain("需要您的同意");
    // With the waybill in the same message, no parcel shown before.
    const fourth = await WebchatClient.open(t.baseUrl);
    r = await fourth.say("75312345678918 能不能放快递柜");
    expect(r[0]!.text).toContain("需要您的同意");
    // In English too, where the engine is unsure the words are a delivery preference.
    const english = await WebchatClient.open(t.baseUrl, "en");
    await english.say("75312345678918");
    r = await english.say("can you deliver it to the locker");
    expect(r[0]!.text).toMatch(/consent/i);

    // Half an hour later the parcel is no longer assumed; it is offered to tap.
    const later = await WebchatClient.open(t.baseUrl);
    await later.say("75312345678901");
    clock = new Date(NOW.getTime() + 31 * 60_000);
    try {
      r = await later.say("帮我催一下");
      expect(r[0]!.text).toContain("请发送要办理的运单号");
      expect(r[0]!.quickReplies?.map((q) => q.title)).toEqual(["75312345678901"]);
      r = await later.say("能不能放驿站");
      expect(r[0]!.text).not.toContain("需要您的同意");
    } finally {
      clock = NOW;
    }
  });

  it("理赔: what happened, told while the phone is asked, is added to the description and said so (session 11)", async () => {
    const before = await count();
    const chat = await WebchatClient.open(t.baseUrl);
    let r = await chat.say("我的快递丢了，我要申请理赔，单号SF1438829301590");
    r = await chat.say("800元");
    r = await chat.say("保价了");
    expect(r[0]!.text).toContain("联系电话");
    // Was "没有识别到电话号码" and the words were lost.
    r = await chat.say("一部手机，物流一直不动，问了快递员说找不到了");
    expect(r[0]!.text).toMatch(/^已补充到情况描述。\n请留下联系电话/);
    r = await chat.say("13812345678");
    expect(r[0]!.text).toContain("问了快递员说找不到了");
    r = await chat.say("取消");
    expect(await count()).toBe(before);

    // "保价了" at the value question answers the insurance one (session 12: "please give the value",
    // then the insurance question, then a phone typed there was not an answer either).
    const early = await WebchatClient.open(t.baseUrl);
    await early.say("快递被摔坏了，里面的杯子碎了，要求赔偿");
    r = await early.say("SF1438829301583");
    expect(r[0]!.text).toContain("价值");
    r = await early.say("保价了");
    expect(r[0]!.text).toMatch(/^已记下是否保价：是。\n/);
    expect(r[0]!.text).toContain("价值");
    r = await early.say("300元");
    expect(r[0]!.text).not.toContain("保价");
    // In English, "uninsured" is a no, not the "insured" inside it.
    const en = await WebchatClient.open(t.baseUrl, "en");
    await en.say("my parcel was damaged, I want compensation");
    await en.say("SF1438829301583");
    r = await en.say("it was uninsured");
    expect(r[0]!.text).toMatch(/^Noted whether it was insured: no\.\n/);
    // …but "不记得有没有保价" is not an answer to it.
    const unsure = await WebchatClient.open(t.baseUrl);
    await unsure.say("快递被摔坏了，里面的杯子碎了，要求赔偿");
    await unsure.say("SF1438829301583");
    r = await unsure.say("不记得有没有保价，大概200元");
    expect(r[0]!.text).toContain("是否办理了保价");
    expect(await count()).toBe(before);
  });

  it("理赔: declared value within limits, insured, description; the claim's national clocks run and each step reaches the customer", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    let r = await chat.say("快递丢了，我要理赔");
    expect(r[0]!.text).toContain("运单号");
    r = await chat.say("SF1438829301590");
    expect(r[0]!.text).toContain("价值");
    r = await chat.say("-50");
    expect(r[0]!.text).toContain("需要大于0元");
    r = await chat.say("900000元");
    expect(r[0]!.text).toContain("超过50000元");
    r = await chat.say("800元");
    expect(r[0]!.text).toContain("保价");
    r = await chat.say("是");
    expect(r[0]!.text).toContain("描述");
    r = await chat.say("一副蓝牙耳机，物流显示在杭州后就没有动静了");
    expect(r[0]!.text).toContain("联系电话");
    r = await chat.say("13812345678");
    expect(r[0]!.text).toContain("请确认理赔信息");
    r = await chat.say("确认提交");
    expect(r[0]!.text).toContain("24小时内确认受理，30天内给出赔偿方案，您同意方案后7天内完成支付");
    const number = numberIn(r[0]!.text);
    let req = await get(number);
    expect(req).toMatchObject({ type: "claim", category: "LOSS", groupCode: "after_sales", priority: "high" });
    expect(req.details).toMatchObject({ amount: 800, insured: true, claimKind: "LOSS" });
    expect(req.slaClocks.map((c) => [c.kind, c.targetMinutes])).toEqual([
      ["claim_ack", 1440],
      ["claim_proposal", 43_200],
    ]);

    await act(number, "take", wang.token);
    expect((await act(number, "agree", wang.token)).status).toBe(409); // nothing proposed yet
    // Over the configured maximum (CLAIM_MAX_AMOUNT 50000): 400 with a code, nothing stored.
    const absurd = await act(number, "propose", wang.token, { amount: 50_000.01 });
    expect([absurd.status, (absurd.body as unknown as { error: { code: string } }).error.code]).toEqual([
      400,
      "CLAIM_AMOUNT_TOO_LARGE",
    ]);
    expect((await get(number)).proposedAmount).toBeNull();
    // Less than a fen: it was stored as 0.00 and the customer told the offer was 0元.
    for (const amount of [0.004, 599.999]) {
      const fraction = await act(number, "propose", wang.token, { amount });
      expect([fraction.status, (fraction.body as unknown as { error: { code: string } }).error.code]).toEqual([
        400,
        "VALIDATION_FAILED",
      ]);
    }
    expect((await get(number)).proposedAmount).toBeNull();
    req = (await act(number, "propose", wang.token, { amount: 600 })).body;
    expect(req.proposedAmount).toBe(600);
    expect(req.slaClocks.filter((c) => c.kind !== "claim_payment").every((c) => c.state === "met")).toBe(true);
    await noticed(chat, "赔偿方案为600元");
    req = (await act(number, "agree", wang.token)).body;
    expect(req.slaClocks.find((c) => c.kind === "claim_payment")).toMatchObject({
      state: "running",
      targetMinutes: 10_080,
    });
    await noticed(chat, "已确认您同意赔偿方案（600元）");
    expect((await act(number, "complete", wang.token)).status).toBe(409); // a claim ends with the amount paid
    expect((await act(number, "complete", wang.token, { paidAmount: 60_000 })).status).toBe(400);
    expect((await act(number, "complete", wang.token, { paidAmount: 600.001 })).status).toBe(400);
    const before = await t.app.db.prisma.ticket.count();
    const claimed = await api(t.baseUrl, "POST", "/api/tickets", wang.token, {
      category: "LOSS",
      description: "丢件",
      customerPhone: "13900000001",
      claimedAmount: 0.001,
    });
    expect(claimed.status).toBe(400);
    expect(await t.app.db.prisma.ticket.count()).toBe(before);
    req = (await act(number, "complete", wang.token, { paidAmount: 600 })).body;
    expect(req).toMatchObject({ status: "resolved", outcome: "done", paidAmount: 600 });
    await noticed(chat, "赔偿款600元已支付");

    // "我的理赔怎么样了" answers like 投诉进度.
    r = await chat.say("我的理赔进度怎么样了");
    expect(r[0]!.text).toContain(`工单 ${number}（理赔）`);
  });

  it("an agent converts a request into a complaint: complaint clocks start and the customer is told", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("帮我催一下 75312345678918");
    const number = numberIn((await chat.say("确认"))[0]!.text);
    await act(number, "take", li.token);
    const res = await act(number, "convert", li.token, { note: "客户多次催件未果" });
    expect(res.body.type).toBe("complaint");
    expect(res.body.slaClocks.filter((c) => c.state === "running").map((c) => c.kind)).toEqual([
      "first_response",
      "resolution",
      "regulatory",
    ]);
    await noticed(chat, "已转为投诉处理");
    // Complaints are not "completed": the request actions refuse them.
    expect((await act(number, "complete", li.token)).status).toBe(409);
  });

  it("the dashboard reports requests per type, the share done within the promise and the claims' money; the CSV masks addresses", async () => {
    const period = "from=2026-11-29&to=2026-12-01";
    const res = await api<{
      byType: { type: string; total: number; done: number; withinPromiseShare: number | null }[];
      claims: { proposedTotal: number; paidTotal: number; paidCount: number };
    }>(t.baseUrl, "GET", `/api/reports/requests?${period}`, sup.token);
    expect(res.status).toBe(200);
    const urge = res.body.byType.find((x) => x.type === "urge")!;
    // The first 催件 test's and the joined one's, both done at once (the clock is pinned).
    expect(urge.done).toBe(2);
    expect(urge.withinPromiseShare).toBe(1);
    expect(res.body.byType.map((x) => x.type)).toEqual(
      expect.arrayContaining(["urge", "address_change", "pickup", "delivery_preference", "claim"]),
    );
    expect(res.body.claims).toMatchObject({ proposedTotal: 600, paidTotal: 600, paidCount: 1 });
    expect((await api(t.baseUrl, "GET", `/api/reports/requests?${period}`, li.token)).status).toBe(403);
    const csv = await fetch(`${t.baseUrl}/api/reports/export/requests.csv?${period}`, {
      headers: { authorization: `Bearer ${sup.token}` },
    });
    const body = await csv.text();
    expect(body).toContain("改地址：湖北省武汉市****");
    expect(body).toContain(",created_at (UTC+08:00),resolved_at (UTC+08:00),");
    expect(body).toMatch(/,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00,/);
    expect(body).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
    expect(body).not.toContain("珞喻路");
    // Complaint figures do not count requests.
    const summary = await api<{ complaints: { total: number } }>(
      t.baseUrl,
      "GET",
      `/api/reports/summary?${period}`,
      sup.token,
    );
    expect(summary.body.complaints.total).toBe(1); // the converted 催件
  });

  it("routing per request type is data: supervisors read it, an admin changes it (audited), and new requests follow it", async () => {
    const admin = await staffLogin(t.app, t.baseUrl, "routing-admin", "admin");
    type Routes = { items: { type: string; groupCode: string; custom: boolean }[] };
    const read = await api<Routes>(t.baseUrl, "GET", "/api/admin/request-routing", sup.token);
    expect(read.status).toBe(200);
    expect(read.body.items).toContainEqual({ type: "urge", groupCode: "logistics", custom: false });
    expect(read.body.items).toContainEqual({ type: "claim", groupCode: "after_sales", custom: false });
    const put = (type: string, groupCode: string, token = admin.token) =>
      api<{ type: string; groupCode: string; error?: { code: string } }>(
        t.baseUrl,
        "PUT",
        `/api/admin/request-routing/${type}`,
        token,
        { groupCode },
      );
    expect((await put("urge", "after_sales", sup.token)).status).toBe(403);
    const unknownType = await put("complaint", "after_sales");
    expect([unknownType.status, unknownType.body.error?.code]).toEqual([404, "REQUEST_TYPE_UNKNOWN"]);
    const unknownGroup = await put("urge", "nobody");
    expect([unknownGroup.status, unknownGroup.body.error?.code]).toEqual([400, "GROUP_UNKNOWN"]);
    expect((await put("urge", "after_sales")).body).toMatchObject({ type: "urge", groupCode: "after_sales" });
    const audit = await t.app.db.prisma.auditEvent.findFirstOrThrow({ where: { action: "request_routing.put" } });
    expect(audit).toMatchObject({ actorId: admin.id, subjectId: "urge" });
    expect(audit.data).toMatchObject({ groupCode: "after_sales", previous: "logistics" });

    try {
      const chat = await WebchatClient.open(t.baseUrl);
      await chat.say("帮我催一下 JT0012345678901");
      const number = numberIn((await chat.say("确认"))[0]!.text);
      expect(await get(number)).toMatchObject({ type: "urge", groupCode: "after_sales" });
    } finally {
      expect((await put("urge", "logistics")).status).toBe(200);
    }
  });

  it("理赔: the customer answers the proposal in the chat — 同意 starts the payment clock, 不同意 goes back to the agent", async () => {
    /** A claim through the chat up to its number, taken and given a proposal by 王. */
    const proposed = async (waybill: string, amount: number) => {
      const chat = await WebchatClient.open(t.baseUrl);
      for (const text of ["快递丢了，我要理赔", waybill, "800元", "否", "一件羊毛衫，一直没有送到", "13812345678"])
        await chat.say(text);
      const number = numberIn((await chat.say("确认提交"))[0]!.text);
      expect(number).not.toBe("");
      await act(number, "take", wang.token);
      expect((await act(number, "propose", wang.token, { amount })).status).toBe(200);
      const notice = await noticed(chat, `赔偿方案为${amount}元`);
      expect(notice.quickReplies?.map((q) => q.title)).toEqual(["同意", "不同意"]);
      return { chat, number };
    };

    const yes = await proposed("YT7001234567891", 300);
    expect((await get(yes.number)).slaClocks.some((c) => c.kind === "claim_payment")).toBe(false);
    const agreed = await yes.chat.say("同意");
    expect(agreed[0]!.text).toContain("已确认您同意赔偿方案（300元）");
    const afterYes = await get(yes.number);
    expect(afterYes.slaClocks.find((c) => c.kind === "claim_payment")).toMatchObject({ state: "running" });
    const agreedEvent = await t.app.db.prisma.ticketEvent.findFirstOrThrow({
      where: { ticket: { number: yes.number }, type: "agreed" },
    });
    expect(agreedEvent.actorType).toBe("customer");
    // Answered once: a second 同意 is an ordinary message again.
    expect((await yes.chat.say("同意")).map((m) => m.text).join()).not.toContain("已确认您同意");

    const no = await proposed("YT7001234567892", 200);
    const declined = await no.chat.say("不同意");
    expect(declined[0]!.text).toContain("已记录您不同意");
    const afterNo = await get(no.number);
    expect(afterNo.slaClocks.some((c) => c.kind === "claim_payment")).toBe(false);
    expect(afterNo.status).toBe("open");
    expect(afterNo.events.map((e) => e.type)).toContain("proposal_declined");
  });
});
