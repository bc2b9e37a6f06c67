import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { WebchatClient } from "../support/webchat-client.js";
import { type ApiResult, api, staffLogin, TICKET_NUMBER, type TicketJson } from "./ticket.helpers.js";

describe.each(DB_KINDS)("complaints become tickets on %s", (kind) => {
  let t: TestApp;
  let sup: { id: string; token: string };
  let li: { id: string; token: string }; // 物流配送
  let wang: { id: string; token: string }; // 售后服务

  beforeAll(async () => {
    t = await startTestApp(kind);
    sup = await staffLogin(t.app, t.baseUrl, "sup", "supervisor");
    li = await staffLogin(t.app, t.baseUrl, "li", "agent", ["logistics"]);
    wang = await staffLogin(t.app, t.baseUrl, "wang", "agent", ["after_sales"]);
  });
  afterAll(async () => {
    await t?.close();
  });

  const ticket = async (number: string) => {
    const res = await api<TicketJson>(t.baseUrl, "GET", `/api/tickets/${number}`, sup.token);
    expect(res.status).toBe(200);
    return res.body;
  };
  const numberIn = (text: string) => TICKET_NUMBER.exec(text)?.[0] ?? "";

  it("asks one question at a time, confirms a summary, and opens a ticket with the promised times", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    let r = await chat.say("我要投诉");
    expect(r[0]!.text).toContain("哪类问题");
    expect(r[0]!.quickReplies?.map((q) => q.title)).toContain("延误");
    r = await chat.say("延误");
    expect(r[0]!.text).toContain("运单号");
    r = await chat.say("SF1234567890123");
    expect(r[0]!.text).toContain("描述");
    const words = "三天了还没送到，物流一直显示派送中，电话也打不通！";
    r = await chat.say(words);
    expect(r[0]!.text).toContain("联系电话");
    r = await chat.say("138 1234 5678");
    expect(r[0]!.text).toContain("请确认投诉信息");
    expect(r[0]!.text).toContain("SF1234567890123");
    expect(r[0]!.text).toContain(words);
    expect(r[0]!.text).toContain("13812345678");
    r = await chat.say("确认提交");
    const reply = r[0]!.text;
    expect(reply).toMatch(/工单号：\d{6}-\d{5}/);
    expect(reply).toContain("客服将在30分钟内联系您，24小时内给出处理结果");

    const tk = await ticket(numberIn(reply));
    expect(tk).toMatchObject({
      category: "DELAY",
      status: "new",
      priority: "normal",
      groupCode: "logistics",
      waybill: "SF1234567890123",
      description: words, // verbatim
      contactPhone: "13812345678",
    });
    expect(tk.slaClocks.map((c) => [c.kind, c.state, c.targetMinutes])).toEqual([
      ["first_response", "running", 30],
      ["resolution", "running", 24 * 60],
      ["regulatory", "running", 7 * 24 * 60],
    ]);
    expect(tk.events[0]).toMatchObject({ type: "created", actorType: "customer" });
    // The number is YYYYMM of Asia/Shanghai when the ticket was opened (its clocks' start).
    const shanghai = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit" })
      .format(new Date(tk.slaClocks[0]!.startedAt))
      .replace("-", "");
    expect(tk.number.slice(0, 6)).toBe(shanghai);
  });

  it("a waybill sent while the type is asked is kept, and the complaint goes on instead of turning into tracking", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    let r = await chat.say("我要投诉");
    expect(r[0]!.text).toContain("哪类问题");
    r = await chat.say("SF1438829301576");
    expect(r[0]!.text).toContain("已记下运单号 SF1438829301576");
    expect(r[0]!.text).toContain("哪类问题");
    r = await chat.say("服务态度");
    expect(r[0]!.text).toContain("描述");
    r = await chat.say("快递员说话很冲，还把箱子扔在地上");
    expect(r[0]!.text).toContain("联系电话");
    r = await chat.say("13812345678");
    expect(r[0]!.text).toContain("请确认投诉信息");
    expect(r[0]!.text).toContain("运单号：SF1438829301576");
    r = await chat.say("SF1438829301583"); // a correction at the summary
    expect(r[0]!.text).toContain("运单号：SF1438829301583");
    r = await chat.say("取消");
  });

  it("says it is registering a complaint, keeps what the customer adds while a phone is asked, and offers a way out", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    let r = await chat.say("我的快递三天了还没到，单号SF1438829301576");
    expect(r[0]!.text).toContain("很抱歉给您带来不便，我来帮您登记“延误”投诉");
    expect(r[0]!.text).toContain("联系电话");
    expect(r[0]!.quickReplies?.map((q) => q.title)).toEqual(["转人工", "取消"]);
    r = await chat.say("怎么还不到啊，太慢了");
    expect(r[0]!.text).toContain("已把您补充的情况记入问题描述");
    expect(r[0]!.text).toContain("联系电话");
    r = await chat.say("我要投诉");
    expect(r[0]!.text).toContain("没有识别到电话号码");
    expect(r[0]!.text).toContain("转人工");
    r = await chat.say("13812345678");
    expect(r[0]!.text).toContain("请确认投诉信息");
    r = await chat.say("确认提交");
    const tk = await ticket(numberIn(r[0]!.text));
    expect(tk.description).toBe("我的快递三天了还没到，单号SF1438829301576\n怎么还不到啊，太慢了");
  });
  it("a phone number sent when asked what happened is kept as the phone, not stored as the description (session 11)", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    let r = await chat.say("快递丢了，太坑了");
    r = await chat.say("SF1438829301590");
    expect(r[0]!.text).toContain("发生了什么");
    // Was taken as the description, then the phone asked for again.
    r = await chat.say("13911112222");
    expect(r[0]!.text).toContain("已记下联系电话 13911112222");
    expect(r[0]!.text).toContain("发生了什么");
    r = await chat.say("放在驿站三天了，去取的时候说找不到");
    expect(r[0]!.text).toContain("请确认投诉信息");
    expect(r[0]!.text).toContain("13911112222");
    r = await chat.say("确认提交");
    const tk = await ticket(numberIn(r[0]!.text));
    expect(tk.description).toBe("放在驿站三天了，去取的时候说找不到");
  });

  it("goes straight to the summary when the first message has everything", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const r = await chat.say("我要投诉，快递员态度太差了还骂人，单号YT7512345678901，电话13900001111");
    expect(r[0]!.text).toContain("请确认投诉信息");
    expect(r[0]!.text).toContain("服务态度");
    const done = await chat.say("确认");
    const tk = await ticket(numberIn(done[0]!.text));
    expect(tk).toMatchObject({ category: "STAFF_ATTITUDE", groupCode: "after_sales", contactPhone: "13900001111" });
  });

  it("cancels on 算了 without storing anything, and lets the customer change an answer", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("我要投诉");
    const cancelled = await chat.say("算了");
    expect(cancelled[0]!.text).toContain("已取消");
    const before = await t.app.db.prisma.ticket.count();

    await chat.say("快递员态度太差了还骂人");
    await chat.say("没有单号");
    let r = await chat.say("13700002222");
    expect(r[0]!.text).toContain("13700002222");
    r = await chat.say("修改");
    expect(r[0]!.quickReplies?.map((q) => q.title)).toEqual(["类别", "运单号", "问题描述", "联系电话"]);
    r = await chat.say("联系电话");
    expect(r[0]!.text).toContain("联系电话");
    r = await chat.say("13700003333");
    expect(r[0]!.text).toContain("请确认投诉信息");
    expect(r[0]!.text).toContain("13700003333");
    expect(await t.app.db.prisma.ticket.count()).toBe(before);
    r = await chat.say("确认提交");
    const tk = await ticket(numberIn(r[0]!.text));
    expect(tk.contactPhone).toBe("13700003333");
    expect(tk.waybill).toBeNull();
  });

  it("insists on a waybill where one is needed", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("我要投诉");
    await chat.say("丢失短少");
    const r = await chat.say("没有单号");
    expect(r[0]!.text).toContain("需要运单号");
    // Something meant as a waybill gets the format hint; anything else ("谢谢") the question again.
    const again = await chat.say("SF12345");
    expect(again[0]!.text).toContain("没有识别到运单号");
    const thanks = await chat.say("好的谢谢");
    expect(thanks[0]!.text).not.toContain("没有识别到运单号");
    expect(thanks[0]!.text).toContain("运单号");
  });

  it("a replayed confirmation opens no second ticket", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("我要投诉，快递员态度太差了还骂人，电话13900004444");
    await chat.say("没有单号");
    const conv = await t.app.db.prisma.conversation.findFirstOrThrow({
      where: { messages: { some: { text: { contains: "13900004444" } } } },
      select: { id: true, customerId: true, channel: true },
    });
    const input = {
      conversationId: conv.id,
      customerId: conv.customerId,
      channel: conv.channel,
      sourceMessageId: "00000000-0000-4000-8000-000000000001",
      category: "STAFF_ATTITUDE",
      description: "replayed",
    };
    const a = await t.app.tickets.openFromBot(input);
    const b = await t.app.tickets.openFromBot(input);
    expect(b.ticket.number).toBe(a.ticket.number);
    expect(await t.app.db.prisma.ticket.count({ where: { customerId: conv.customerId } })).toBe(1);
  });

  it("an agent takes, replies (the customer sees it), pends (clocks pause), resolves; illegal moves are 409", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const r = await chat.say("我要投诉，我的快递三天了还没到，单号SF1112223334445，电话13600005555");
    const done = await chat.say("确认提交");
    const number = numberIn(done[0]!.text);
    expect(r[0]!.text).toContain("请确认投诉信息");

    // resolve before take: refused with a reason, nothing changed
    let res: ApiResult<unknown> = await api(t.baseUrl, "POST", `/api/tickets/${number}/resolve`, li.token, {
      resolution: "x",
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: "ILLEGAL_TRANSITION" } });
    expect(String((res.body as { error: { message: string } }).error.message)).toContain("take");

    res = await api(t.baseUrl, "POST", `/api/tickets/${number}/take`, li.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "open", assigneeId: li.id });

    // first-contact ownership: another agent of the same group cannot take it over
    const zhao = await staffLogin(t.app, t.baseUrl, "zhao", "agent", ["logistics"]);
    res = await api(t.baseUrl, "POST", `/api/tickets/${number}/take`, zhao.token);
    expect(res.status).toBe(409);

    const answer = "您好，已联系网点加急派送，今天内送达。";
    res = await api<TicketJson>(t.baseUrl, "POST", `/api/tickets/${number}/reply`, li.token, { text: answer });
    expect(res.status).toBe(200);
    const afterReply = res.body as TicketJson;
    expect(afterReply.slaClocks.find((c) => c.kind === "first_response")?.state).toBe("met");
    const history = await chat.history();
    expect(history.some((m) => m.direction === "out" && m.author === "agent" && m.text === answer)).toBe(true);

    res = await api(t.baseUrl, "POST", `/api/tickets/${number}/note`, li.token, {
      text: "内部：网点电话 0571-1234567",
    });
    expect(res.status).toBe(200);
    expect((await chat.history()).some((m) => m.text.includes("内部"))).toBe(false);

    res = await api<TicketJson>(t.baseUrl, "POST", `/api/tickets/${number}/pend`, li.token);
    const pended = res.body as TicketJson;
    expect(pended.status).toBe("pending_customer");
    expect(pended.slaClocks.find((c) => c.kind === "resolution")?.state).toBe("paused");
    expect(pended.slaClocks.find((c) => c.kind === "regulatory")?.state).toBe("running"); // the legal limit never pauses
    res = await api(t.baseUrl, "POST", `/api/tickets/${number}/pend`, li.token);
    expect(res.status).toBe(409);

    res = await api<TicketJson>(t.baseUrl, "POST", `/api/tickets/${number}/resolve`, li.token, {
      resolution: "已加急派送并签收",
      rootCause: "non_quality",
    });
    expect(res.status).toBe(200);
    const resolved = res.body as TicketJson;
    expect(resolved).toMatchObject({ status: "resolved", resolution: "已加急派送并签收", rootCause: "non_quality" });
    expect(resolved.slaClocks.map((c) => c.state)).toEqual(["met", "met", "met"]);
    expect(resolved.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(["created", "taken", "reply", "note", "pending_customer", "resolved", "sla.met"]),
    );

    res = await api(t.baseUrl, "POST", `/api/tickets/${number}/reply`, li.token, { text: "again" });
    expect(res.status).toBe(409);
    res = await api(t.baseUrl, "POST", `/api/tickets/${number}/resolve`, li.token, { resolution: "again" });
    expect(res.status).toBe(409);

    // complaint progress in the chat: one message with status and group
    const progress = await chat.say(`我的投诉 ${number} 处理得怎么样了`);
    expect(progress[0]!.text).toContain(number);
    expect(progress[0]!.text).toContain("已处理完毕");
    expect(progress[0]!.text).toContain("物流配送组");
    // Pressing on a finished ticket: the ways on, not the same card again (session 11).
    const pressed = await chat.say("能快点吗");
    expect(pressed[0]!.text).toContain("重新打开");
    expect(pressed[0]!.text).toContain("12305");
    expect(pressed[0]!.quickReplies?.map((q) => q.title)).toEqual(["我要投诉", "转人工"]);

    // complaining again within 7 days reopens the same ticket
    await chat.say("我要投诉，快递三天了还没到，单号SF1112223334445，电话13600005555");
    const again = await chat.say("确认提交");
    expect(again[0]!.text).toContain(number);
    expect(again[0]!.text).toContain("重新打开");
    const reopened = await ticket(number);
    expect(reopened.status).toBe("open");
    expect(reopened.slaClocks.find((c) => c.kind === "resolution")?.state).toBe("running");
  });

  it("complaint progress without a number: status, group and time left", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const none = await chat.say("投诉进度");
    expect(none[0]!.text).toContain("没有投诉或服务请求的记录");
    await chat.say("我要投诉，包裹破损了，里面的杯子碎了，单号JT0012345678901，电话13500006666");
    await chat.say("确认提交");
    const r = await chat.say("投诉进度");
    expect(r[0]!.text).toMatch(/已受理.*物流配送组.*还有(23小时|24小时)/s);
    // someone else's ticket number is not disclosed
    const other = await WebchatClient.open(t.baseUrl);
    const number = TICKET_NUMBER.exec(r[0]!.text)![0];
    const probe = await other.say(`查询投诉进度 ${number}`);
    expect(probe[0]!.text).toContain("没有找到");
  });

  it("能快点吗 right after the progress chases the ticket: agents see 客户催办 once an hour; after a parcel lookup it is a 催件", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("我要投诉，快递员态度很差，骂人，单号JT0012345678902，电话13500006667");
    const opened = await chat.say("确认提交");
    const number = TICKET_NUMBER.exec(opened[0]!.text)![0];
    const before = await chat.say("能快点吗");
    // Without the progress shown first it is not a chase.
    expect(before[0]!.text).not.toContain("已为您催促");
    await chat.say("投诉进度");
    const chased = await chat.say("能快点吗");
    expect(chased[0]!.text).toContain(`已为您催促：工单 ${number}`);
    expect(chased[0]!.text).toMatch(/还有\d+小时/);
    const again = await chat.say("帮我催一下");
    expect(again[0]!.text).toContain("已经提醒过处理人员了");
    const row = await ticket(number);
    expect(row.events.filter((e) => e.type === "urge")).toHaveLength(1);
    // A parcel looked up after the progress is what "催一下" is about next.
    await chat.say("SF1438829301576");
    const urge = await chat.say("帮我催一下");
    expect(urge[0]!.text).toContain("请确认催件信息");
  });

  it("routes, prioritises and scopes tickets; bad input is a 400 with a code", async () => {
    let res: ApiResult<unknown> = await api<TicketJson>(t.baseUrl, "POST", "/api/tickets", wang.token, {
      category: "LOSS",
      description: "包裹丢了，不赔我就找律师，还要向12305投诉",
      waybill: "sf5550001112223",
      customerPhone: "13300007777",
      claimedAmount: 800,
    });
    expect(res.status).toBe(201);
    const legal = res.body as TicketJson;
    expect(legal).toMatchObject({ priority: "urgent", groupCode: "legal", waybill: "SF5550001112223", status: "new" });
    expect(legal.events[0]!.data.reasons).toEqual(expect.arrayContaining(["escalation_threat"]));
    expect(legal.slaClocks.find((c) => c.kind === "resolution")?.targetMinutes).toBe(48 * 60);

    // agents see their groups and their own tickets only
    res = await api(t.baseUrl, "GET", `/api/tickets/${legal.number}`, li.token);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: { code: "FORBIDDEN" } });
    const list = await api<{ items: { number: string; groupCode: string }[]; total: number }>(
      t.baseUrl,
      "GET",
      "/api/tickets?pageSize=200",
      li.token,
    );
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThan(0);
    expect(list.body.items.every((i) => i.groupCode === "logistics")).toBe(true);
    const all = await api<{ items: { number: string }[]; total: number }>(
      t.baseUrl,
      "GET",
      "/api/tickets?group=legal",
      sup.token,
    );
    expect(all.body.items.map((i) => i.number)).toContain(legal.number);
    const search = await api<{ items: { number: string }[] }>(
      t.baseUrl,
      "GET",
      "/api/tickets?text=sf5550001",
      sup.token,
    );
    expect(search.body.items.map((i) => i.number)).toEqual([legal.number]);

    // transfer to an agent of another group with a note
    res = await api<TicketJson>(t.baseUrl, "POST", `/api/tickets/${legal.number}/transfer`, sup.token, {
      agent: "li",
      note: "物流先核实轨迹",
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ assigneeId: li.id, groupCode: "legal" });
    expect((await api(t.baseUrl, "GET", `/api/tickets/${legal.number}`, li.token)).status).toBe(200);

    const bad: [string, string, unknown, number, string][] = [
      [
        "POST",
        "/api/tickets",
        { category: "NOPE", description: "x", customerPhone: "13300007777" },
        400,
        "VALIDATION_FAILED",
      ],
      ["POST", "/api/tickets", { category: "LOSS", description: "x" }, 400, "VALIDATION_FAILED"],
      [
        "POST",
        "/api/tickets",
        { category: "LOSS", description: "x", customerPhone: "12345" },
        400,
        "VALIDATION_FAILED",
      ],
      ["GET", "/api/tickets/not-a-number", undefined, 400, "VALIDATION_FAILED"],
      ["GET", "/api/tickets/209901-00001", undefined, 404, "TICKET_NOT_FOUND"],
      ["GET", "/api/tickets?status=bogus", undefined, 400, "VALIDATION_FAILED"],
      ["POST", `/api/tickets/${legal.number}/reply`, { text: "" }, 400, "VALIDATION_FAILED"],
      ["POST", `/api/tickets/${legal.number}/transfer`, { note: "x" }, 400, "VALIDATION_FAILED"],
      ["POST", `/api/tickets/${legal.number}/transfer`, { group: "nope", note: "x" }, 400, "TRANSFER_TARGET_INVALID"],
      ["POST", `/api/tickets/${legal.number}/reply`, { text: "no chat for a phone ticket" }, 409, "TICKET_NO_CHANNEL"],
    ];
    const before = await t.app.db.prisma.ticket.count();
    for (const [method, path, body, status, code] of bad) {
      const r = await api(t.baseUrl, method, path, sup.token, body);
      expect(r.status, `${method} ${path}`).toBe(status);
      expect(r.body, `${method} ${path}`).toMatchObject({ error: { code } });
    }
    expect(await t.app.db.prisma.ticket.count()).toBe(before);
    expect((await api(t.baseUrl, "GET", "/api/tickets")).status).toBe(401);
  });
});
