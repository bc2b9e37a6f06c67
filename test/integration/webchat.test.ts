import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { WebchatClient } from "../support/webchat-client.js";

describe.each(DB_KINDS)("web chat API on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("greets and answers through the bot, storing both directions in order", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const replies = await chat.say("你好");
    expect(replies.length).toBeGreaterThan(0);
    expect(replies[0]!.direction).toBe("out");
    expect(replies[0]!.text).toMatch(/快递|您好/);
    const history = await chat.history();
    expect(history.map((m) => [m.direction, m.text])).toEqual([["in", "你好"], ...replies.map((r) => ["out", r.text])]);
  });

  it("40 customers at once each get the answer to their own question (turns are group-committed)", async () => {
    const waybills = [
      "SF1438829301576",
      "SF1438829301583",
      "75312345678901",
      "75312345678925",
      "YT7001234567891",
      "YT7001234567892",
    ];
    const chats = await Promise.all(Array.from({ length: 40 }, () => WebchatClient.open(t.baseUrl)));
    const asked = chats.map((_, i) => waybills[i % waybills.length]!);
    const answers = await Promise.all(chats.map((c, i) => c.say(`${asked[i]} 到哪了`)));
    for (const [i, replies] of answers.entries()) {
      expect(replies.map((r) => r.text).join("\n")).toContain(asked[i]);
      for (const other of waybills.filter((w) => w !== asked[i]))
        expect(replies.map((r) => r.text).join("\n")).not.toContain(other);
    }
    const histories = await Promise.all(chats.map((c) => c.history()));
    for (const [i, history] of histories.entries()) {
      expect(history[0]).toMatchObject({ direction: "in", text: `${asked[i]} 到哪了` });
      expect(history.slice(1).map((m) => m.id)).toEqual(answers[i]!.map((r) => r.id));
    }
  });

  it("answers in English for an English session", async () => {
    const chat = await WebchatClient.open(t.baseUrl, "en");
    const replies = await chat.say("hello");
    expect(replies[0]!.text).toMatch(/[A-Za-z]{3,}/);
    expect(replies[0]!.text).not.toMatch(/[\u4e00-\u9fff]/);
    // "hello?" and "anyone there?" are greetings, answered with the menu, not "did you want to: Hello".
    for (const text of ["hello?", "anyone there?"]) {
      const [menu] = await chat.say(text);
      expect(menu!.text).toContain("I can help you");
      expect(menu!.text).not.toMatch(/not sure/i);
    }
  });

  it("a customer writing traditional characters gets through a complaint: 沒有單號 and 確認 are understood; the log keeps what was typed (session 12)", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("快遞員態度好差，我要投訴");
    // Was "如有相关运单号请发送" again, for every answer.
    let [r] = await chat.say("沒有單號");
    expect(r!.text).not.toContain("如有相关运单号请发送");
    [r] = await chat.say("他罵我，還把東西扔在地上");
    [r] = await chat.say("13800001111");
    expect(r!.text).toContain("請確認");
    [r] = await chat.say("確認");
    expect(r!.text).toMatch(/工單號：\d{6}-\d{5}/);
    const ticket = await t.app.db.prisma.ticket.findFirstOrThrow({ where: { contactPhone: "13800001111" } });
    expect(ticket.category).toBe("STAFF_ATTITUDE");
    const log = await chat.history();
    expect(log.map((m) => m.text)).toContain("沒有單號");
  });

  it("a customer writing traditional characters is answered in them, buttons too; simplified again when they switch (session 12)", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    let [r] = await chat.say("快遞員態度好差，我要投訴");
    expect(r!.text).toContain("很抱歉給您帶來不便");
    expect(r!.text).not.toContain("带来");
    expect(r!.quickReplies?.map((q) => q.title)).toEqual(["沒有單號", "取消"]);
    // The button the customer taps, in traditional characters, is understood.
    [r] = await chat.say("沒有單號");
    expect(r!.text).toContain("請留下聯繫電話");
    // A reply the same in both scripts keeps it.
    [r] = await chat.say("好的");
    expect(r!.text).not.toContain("联系");
    // Cantonese gets Hong Kong forms; a simplified message switches back.
    const hk = await WebchatClient.open(t.baseUrl);
    [r] = await hk.say("我個快遞喺邊度 SF1438829301576");
    expect(r!.text).toContain("順豐");
    [r] = await hk.say("谢谢你们");
    expect(r!.text).toContain("不客气");
  });

  it("a complaint that needs no waybill goes on without one after two answers that are not one (session 12)", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("快递员态度好差，我要投诉");
    let [r] = await chat.say("他骂我，还把东西扔在地上");
    expect(r!.text).toContain("如有相关运单号请发送");
    // Was the same question for every answer.
    [r] = await chat.say("就是很生气");
    expect(r!.text).toContain("这次先不填运单号");
    expect(r!.text).not.toContain("如有相关运单号请发送");
    // A waybill-required category still insists.
    const lost = await WebchatClient.open(t.baseUrl);
    await lost.say("我的快递丢了，我要投诉");
    await lost.say("里面是衣服");
    [r] = await lost.say("就是很生气");
    expect(r!.text).not.toContain("这次先不填运单号");
    // …and offers a person, who can find the parcel by phone or name.
    expect(r!.quickReplies?.map((q) => q.title)).toContain("转人工");
  });

  it("'are you a bot?' is answered, not taken as a request for a person (session 12)", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    for (const text of ["你是机器人吗", "是真人吗？", "你是不是人工"]) {
      const [answer] = await chat.say(text);
      expect(answer!.text).toContain("我是快递智能客服（机器人）");
      expect(answer!.quickReplies?.map((q) => q.title)).toContain("转人工");
    }
    const [en] = await (await WebchatClient.open(t.baseUrl, "en")).say("are you a bot?");
    expect(en!.text).toContain("virtual assistant");
    // Asking for one still gets one.
    const [person] = await chat.say("我要真人客服");
    expect(person!.text).toContain("转接人工客服");
  });

  it("answers in the language the customer writes in, and keeps it for a bare waybill", async () => {
    const chat = await WebchatClient.open(t.baseUrl); // a Chinese chat
    let replies = await chat.say("where is my package");
    expect(replies[0]!.text).toMatch(/waybill/i);
    expect(replies[0]!.text).not.toMatch(/[\u4e00-\u9fff]/);
    replies = await chat.say("SF1438829301576");
    expect(replies.map((r) => r.text).join("\n")).toMatch(/Track another parcel|Talk to an agent|Status|status/);
    const identity = await t.app.db.prisma.channelIdentity.findFirstOrThrow({
      where: { channel: "webchat", externalId: chat.sessionId },
    });
    const conversation = await t.app.db.prisma.conversation.findFirstOrThrow({ where: { identityId: identity.id } });
    expect(conversation.locale).toBe("en"); // later notices and the survey follow
    replies = await chat.say("你好");
    expect(replies[0]!.text).toMatch(/您好/);
  });

  it("a re-sent clientMessageId returns the same replies and stores nothing twice", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const first = await chat.say("你好", "client-1");
    const again = await chat.say("你好", "client-1");
    expect(again.map((r) => r.id)).toEqual(first.map((r) => r.id));
    const history = await chat.history();
    expect(history.filter((m) => m.direction === "in")).toHaveLength(1);
    expect(history).toHaveLength(1 + first.length);
  });

  it("refuses bad input with a clear 4xx and stores nothing", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const cases: [unknown, number, string][] = [
      [{ text: "" }, 400, "VALIDATION_FAILED"],
      [{ text: "   " }, 400, "VALIDATION_FAILED"],
      [{ text: "长".repeat(2001) }, 400, "VALIDATION_FAILED"],
      [{}, 400, "VALIDATION_FAILED"],
      [{ text: 42 }, 400, "VALIDATION_FAILED"],
      ['{"text":', 400, "INVALID_JSON"],
    ];
    for (const [body, status, code] of cases) {
      const res = await chat.sendRaw(body);
      expect(res.status, JSON.stringify(body).slice(0, 40)).toBe(status);
      const json = (await res.json()) as { error: { code: string; message: string } };
      expect(json.error.code).toBe(code);
      expect(json.error.message.length).toBeGreaterThan(5);
    }
    expect(await chat.history()).toHaveLength(0);
  });

  it("accepts exactly 2,000 characters", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const res = await chat.sendRaw({ text: "好".repeat(2000) });
    expect(res.status).toBe(200);
  });

  it("401 for a wrong token, and the same 401 for a session id that does not exist", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const wrong = await chat.sendRaw({ text: "hi" }, "not-the-token");
    expect(wrong.status).toBe(401);
    const wrongBody = (await wrong.json()) as { error: { code: string } };
    expect(wrongBody.error.code).toBe("UNAUTHENTICATED");
    const other = new WebchatClient(t.baseUrl, "00000000-0000-4000-8000-000000000000", chat.token);
    const res = await other.sendRaw({ text: "hi" });
    // Issue 20: 404 here told an attacker which session ids exist.
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(wrongBody);
    expect(await chat.history()).toHaveLength(0);
  });

  it("pushes messages live over the WebSocket", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const ws = new WebSocket(
      `${t.baseUrl.replace("http", "ws")}/api/webchat/ws?sessionId=${chat.sessionId}&token=${encodeURIComponent(chat.token)}`,
    );
    const received: { direction: string; text: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on("message", (raw) => {
        const event = JSON.parse(raw.toString()) as { type: string; message?: { direction: string; text: string } };
        if (event.type === "ready") resolve();
        if (event.type === "message" && event.message) received.push(event.message);
      });
      ws.on("error", reject);
    });
    const replies = await chat.say("你好");
    await expect
      .poll(() => received.map((m) => m.direction).sort())
      .toEqual(["in", ...replies.map(() => "out")].sort());
    ws.close();
  });

  it("refuses a WebSocket with a wrong token", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const ws = new WebSocket(
      `${t.baseUrl.replace("http", "ws")}/api/webchat/ws?sessionId=${chat.sessionId}&token=wrong`,
    );
    const code = await new Promise<number>((resolve) => ws.on("close", (c) => resolve(c)));
    expect(code).toBe(4401);
  });
});
