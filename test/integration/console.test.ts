import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { createStaff, login, staffApi } from "../support/staff.js";
import { WebchatClient } from "../support/webchat-client.js";

interface Summary {
  id: string;
  mode: string;
  handoffReason: string | null;
  queuedAt: string;
  agent: { id: string } | null;
}

describe.each(DB_KINDS)("agent console API on %s", (kind) => {
  let t: TestApp;
  let alice: { id: string; token: string };
  let bob: { id: string; token: string };
  beforeAll(async () => {
    t = await startTestApp(kind);
    alice = await createStaff(t.app, t.baseUrl, { username: "alice", displayName: "小爱", groups: ["logistics"] });
    bob = await createStaff(t.app, t.baseUrl, { username: "bob", displayName: "小波", groups: ["after_sales"] });
  });
  /** The staff websocket of `token`, once it is ready, with every event it received. */
  const listen = async (token: string) => {
    const ws = new WebSocket(`${t.baseUrl.replace("http", "ws")}/api/agents/ws?token=${encodeURIComponent(token)}`);
    const events: Record<string, unknown>[] = [];
    await new Promise<void>((resolve) =>
      ws.on("message", (raw) => {
        const e = JSON.parse(raw.toString()) as Record<string, unknown>;
        events.push(e);
        if (e.type === "ready") resolve();
      }),
    );
    return { ws, events };
  };

  afterAll(async () => {
    await t?.close();
  });

  async function handedOff(): Promise<{ chat: WebchatClient; conversationId: string }> {
    const chat = await WebchatClient.open(t.baseUrl);
    const replies = await chat.say("转人工");
    expect(replies.at(-1)!.text).toMatch(/人工/);
    const list = await staffApi<{ conversations: Summary[] }>(
      t.baseUrl,
      alice.token,
      "GET",
      "/api/conversations?filter=queued",
    );
    // The queue is oldest first: this customer is the last to have joined it.
    const mine = list.body.conversations.at(-1);
    expect(mine).toMatchObject({ handoffReason: "customer_request", mode: "queued" });
    expect(mine).toBeDefined();
    return { chat, conversationId: mine!.id };
  }

  it("a customer who asks for a person is queued; the bot says so, confirms the first message is kept, then stays silent", async () => {
    const { chat, conversationId } = await handedOff();
    // One receipt: silence after "leave a message" reads as nobody got it…
    const [receipt, ...more] = await chat.say("还有人吗");
    expect(receipt!.text).toContain("已收到您的留言");
    expect(receipt!.text).toContain("算了");
    expect(more).toEqual([]);
    // …then the customer's messages go to the agent without a reply each.
    const silent = await chat.say("我的快递到底在哪");
    expect(silent).toEqual([]);
    const detail = await staffApi<{ messages: { text: string }[] }>(
      t.baseUrl,
      alice.token,
      "GET",
      `/api/conversations/${conversationId}`,
    );
    expect(detail.body.messages.map((m) => m.text)).toEqual(expect.arrayContaining(["还有人吗", "我的快递到底在哪"]));
  });

  it("tells the customer the office hours when nobody is online, and the queue position when someone is", async () => {
    const offline = await WebchatClient.open(t.baseUrl);
    expect((await offline.say("转人工")).at(-1)!.text).toMatch(/09:00/);
    // Waiting with nobody on duty, the customer can leave the queue; the bot answers again.
    expect((await offline.say("算了"))[0]!.text).toContain("已取消转人工");
    expect((await offline.say("投诉进度"))[0]!.text).toContain("没有投诉或服务请求的记录");
    await staffApi(t.baseUrl, alice.token, "PUT", "/api/agents/me/presence", { presence: "online" });
    const online = await WebchatClient.open(t.baseUrl);
    expect((await online.say("转人工")).at(-1)!.text).toMatch(/第\d+位/);
    await staffApi(t.baseUrl, alice.token, "PUT", "/api/agents/me/presence", { presence: "offline" });
  });

  it("the agent takes, replies on the customer's channel (live over the web chat socket), and notes stay internal", async () => {
    const { chat, conversationId } = await handedOff();
    const ws = new WebSocket(
      `${t.baseUrl.replace("http", "ws")}/api/webchat/ws?sessionId=${chat.sessionId}&token=${encodeURIComponent(chat.token)}`,
    );
    const live: { author: string; text: string }[] = [];
    await new Promise<void>((resolve) => {
      ws.on("message", (raw) => {
        const e = JSON.parse(raw.toString()) as { type: string; message?: { author: string; text: string } };
        if (e.type === "ready") resolve();
        if (e.type === "message" && e.message) live.push(e.message);
      });
    });

    expect((await staffApi(t.baseUrl, alice.token, "POST", `/api/conversations/${conversationId}/take`)).status).toBe(
      204,
    );
    const replied = await staffApi<{ id: string }>(
      t.baseUrl,
      alice.token,
      "POST",
      `/api/conversations/${conversationId}/reply`,
      { text: "您好，我来帮您查" },
    );
    expect(replied.status).toBe(201);
    const noted = await staffApi(t.baseUrl, alice.token, "POST", `/api/conversations/${conversationId}/note`, {
      text: "客户很着急",
    });
    expect(noted.status).toBe(201);

    await expect.poll(() => live.filter((m) => m.author === "agent").map((m) => m.text)).toEqual(["您好，我来帮您查"]);
    const history = await chat.history();
    expect(history.map((m) => m.text)).toContain("您好，我来帮您查");
    expect(history.map((m) => m.text)).not.toContain("客户很着急");
    const staffView = await staffApi<{ messages: { text: string; internal: boolean }[] }>(
      t.baseUrl,
      alice.token,
      "GET",
      `/api/conversations/${conversationId}`,
    );
    expect(staffView.body.messages.find((m) => m.text === "客户很着急")?.internal).toBe(true);
    ws.close();
  });

  it("first-contact ownership: a second agent can neither take nor reply (409), nor read it (403)", async () => {
    const { conversationId } = await handedOff();
    await staffApi(t.baseUrl, alice.token, "POST", `/api/conversations/${conversationId}/take`);
    const take = await staffApi<{ error: { code: string; message: string } }>(
      t.baseUrl,
      bob.token,
      "POST",
      `/api/conversations/${conversationId}/take`,
    );
    expect(take.status).toBe(409);
    expect(take.body.error.message).toContain("小爱");
    const reply = await staffApi(t.baseUrl, bob.token, "POST", `/api/conversations/${conversationId}/reply`, {
      text: "我也来",
    });
    expect(reply.status).toBe(409);
    const read = await staffApi(t.baseUrl, bob.token, "GET", `/api/conversations/${conversationId}`);
    expect(read.status).toBe(403);
  });

  it("first-contact ownership holds through tickets: no ticket opened on, no reply sent into, another agent's chat", async () => {
    const { chat, conversationId } = await handedOff();
    await staffApi(t.baseUrl, alice.token, "POST", `/api/conversations/${conversationId}/take`);
    const opened = await staffApi<{ error: { code: string } }>(t.baseUrl, bob.token, "POST", "/api/tickets", {
      category: "DELAY",
      description: "顺手开个工单",
      conversationId,
    });
    expect(opened.status).toBe(409);
    expect(opened.body.error.code).toBe("CONFLICT");
    expect(await t.app.db.prisma.ticket.count({ where: { conversationId } })).toBe(0);

    // A ticket linked to alice's chat that bob holds (e.g. assigned by routing) still cannot reach it.
    const byAlice = await staffApi<{ number: string }>(t.baseUrl, alice.token, "POST", "/api/tickets", {
      category: "DELAY",
      description: "客户的快递延误了",
      conversationId,
    });
    expect(byAlice.status).toBe(201);
    await t.app.db.prisma.ticket.update({
      where: { number: byAlice.body.number },
      data: { assigneeId: bob.id, status: "open", groupCode: "after_sales" },
    });
    const replied = await staffApi<{ error: { code: string } }>(
      t.baseUrl,
      bob.token,
      "POST",
      `/api/tickets/${byAlice.body.number}/reply`,
      { text: "我是小波，我来处理" },
    );
    expect(replied.status).toBe(409);
    expect(replied.body.error.code).toBe("CONFLICT");
    expect((await chat.history()).map((m) => m.text)).not.toContain("我是小波，我来处理");
  });

  it("transfer needs a note and hands ownership over; release gives the conversation back to the bot", async () => {
    const { chat, conversationId } = await handedOff();
    await staffApi(t.baseUrl, alice.token, "POST", `/api/conversations/${conversationId}/take`);
    const noNote = await staffApi(t.baseUrl, alice.token, "POST", `/api/conversations/${conversationId}/transfer`, {
      agent: "bob",
      note: "",
    });
    expect(noNote.status).toBe(400);
    // A note of zero-width characters alone has nothing for the colleague to read (the OpenAPI fuzz test).
    const blankNote = await staffApi(t.baseUrl, alice.token, "POST", `/api/conversations/${conversationId}/transfer`, {
      agent: "bob",
      note: "\u200b\u200e",
    });
    expect(blankNote.status).toBe(400);
    expect(
      (
        await staffApi(t.baseUrl, alice.token, "POST", `/api/conversations/${conversationId}/transfer`, {
          agent: "bob",
          note: "售后问题",
        })
      ).status,
    ).toBe(204);
    expect(
      (await staffApi(t.baseUrl, alice.token, "POST", `/api/conversations/${conversationId}/reply`, { text: "x" }))
        .status,
    ).toBe(409);
    expect(
      (await staffApi(t.baseUrl, bob.token, "POST", `/api/conversations/${conversationId}/reply`, { text: "我来处理" }))
        .status,
    ).toBe(201);
    expect((await staffApi(t.baseUrl, bob.token, "POST", `/api/conversations/${conversationId}/release`)).status).toBe(
      204,
    );
    const replies = await chat.say("你好");
    expect(replies.length).toBeGreaterThan(0); // the bot answers again
  });

  it("staff realtime: a handoff reaches a connected console at once", async () => {
    const token = await login(t.baseUrl, "alice", "staff-pass-123");
    const ws = new WebSocket(`${t.baseUrl.replace("http", "ws")}/api/agents/ws?token=${encodeURIComponent(token)}`);
    const events: { type: string }[] = [];
    await new Promise<void>((resolve) => {
      ws.on("message", (raw) => {
        const e = JSON.parse(raw.toString()) as { type: string };
        events.push(e);
        if (e.type === "ready") resolve();
      });
    });
    await handedOff();
    await expect.poll(() => events.some((e) => e.type === "handoff")).toBe(true);
    ws.close();
    const refused = new WebSocket(`${t.baseUrl.replace("http", "ws")}/api/agents/ws?token=wrong`);
    expect(await new Promise<number>((r) => refused.on("close", (c) => r(c)))).toBe(4401);
  });

  it("a watch ends when the conversation leaves the agent's scope: another agent's live chat is not relayed", async () => {
    const said = (events: Record<string, unknown>[], text: string) =>
      events.some((e) => e.type === "message" && (e.message as { text?: string }).text === text);
    const [aliceLive, bobLive] = await Promise.all([
      listen(await login(t.baseUrl, "alice", "staff-pass-123")),
      listen(await login(t.baseUrl, "bob", "staff-pass-123")),
    ]);
    try {
      const { chat, conversationId } = await handedOff();
      // Queued: every agent may watch it (the shared queue).
      bobLive.ws.send(JSON.stringify({ type: "watch", conversationId }));
      await expect.poll(() => bobLive.events.some((e) => e.type === "watching")).toBe(true);
      await chat.say("还有人吗");
      await expect.poll(() => said(bobLive.events, "还有人吗")).toBe(true);

      expect((await staffApi(t.baseUrl, alice.token, "POST", `/api/conversations/${conversationId}/take`)).status).toBe(
        204,
      );
      aliceLive.ws.send(JSON.stringify({ type: "watch", conversationId }));
      await expect.poll(() => aliceLive.events.some((e) => e.type === "watching")).toBe(true);
      await chat.say("我家地址是朝阳区建国路88号");
      await expect.poll(() => said(aliceLive.events, "我家地址是朝阳区建国路88号")).toBe(true);
      // Bob's watch was relayed everything alice's customer said after she took the chat.
      await expect.poll(() => bobLive.events.some((e) => e.type === "error" && e.code === "FORBIDDEN")).toBe(true);
      expect(said(bobLive.events, "我家地址是朝阳区建国路88号")).toBe(false);
      expect(bobLive.events.find((e) => e.type === "error")).toEqual({
        type: "error",
        code: "FORBIDDEN",
        conversationId,
      });
    } finally {
      aliceLive.ws.close();
      bobLive.ws.close();
    }
  });

  // The watch's access check is cached until the conversation's scope changes (SCOPE_CHANGED on its
  // topic): every write that narrows the scope must end the watch as the per-event check did.
  describe("a watch ends on every change that takes the conversation out of the agent's scope", () => {
    const said = (events: Record<string, unknown>[], text: string) =>
      events.some((e) => e.type === "message" && (e.message as { text?: string }).text === text);
    const forbidden = (events: Record<string, unknown>[], conversationId: string) =>
      events.some((e) => e.type === "error" && e.code === "FORBIDDEN" && e.conversationId === conversationId);
    const watch = async (live: Awaited<ReturnType<typeof listen>>, conversationId: string) => {
      live.ws.send(JSON.stringify({ type: "watch", conversationId }));
      await expect
        .poll(() => live.events.some((e) => e.type === "watching" && e.conversationId === conversationId))
        .toBe(true);
    };

    it("transferred to a colleague: the agent who gave it away is no longer relayed the chat", async () => {
      const aliceLive = await listen(await login(t.baseUrl, "alice", "staff-pass-123"));
      try {
        const { chat, conversationId } = await handedOff();
        await staffApi(t.baseUrl, alice.token, "POST", `/api/conversations/${conversationId}/take`);
        await watch(aliceLive, conversationId);
        await chat.say("我在等");
        await expect.poll(() => said(aliceLive.events, "我在等")).toBe(true);
        const moved = await staffApi(t.baseUrl, alice.token, "POST", `/api/conversations/${conversationId}/transfer`, {
          agent: "bob",
          note: "售后问题",
        });
        expect(moved.status).toBe(204);
        await expect.poll(() => forbidden(aliceLive.events, conversationId)).toBe(true);
        await chat.say("我的手机号是13800138000");
        await new Promise((r) => setTimeout(r, 300));
        expect(said(aliceLive.events, "我的手机号是13800138000")).toBe(false);
      } finally {
        aliceLive.ws.close();
      }
    });

    it("released to the bot, or left by the customer while queued: not relayed without a ticket in the agent's groups", async () => {
      const [aliceLive, bobLive] = await Promise.all([
        listen(await login(t.baseUrl, "alice", "staff-pass-123")),
        listen(await login(t.baseUrl, "bob", "staff-pass-123")),
      ]);
      try {
        const first = await handedOff();
        await staffApi(t.baseUrl, alice.token, "POST", `/api/conversations/${first.conversationId}/take`);
        await watch(aliceLive, first.conversationId);
        expect(
          (await staffApi(t.baseUrl, alice.token, "POST", `/api/conversations/${first.conversationId}/release`)).status,
        ).toBe(204);
        await expect.poll(() => forbidden(aliceLive.events, first.conversationId)).toBe(true);
        await first.chat.say("地址是海淀区中关村1号");
        // Bob watches the second one while it waits in the queue; the customer gives up waiting.
        const second = await handedOff();
        await watch(bobLive, second.conversationId);
        await second.chat.say("算了");
        await expect.poll(() => forbidden(bobLive.events, second.conversationId)).toBe(true);
        await second.chat.say("我的身份证号110101199003071234");
        await new Promise((r) => setTimeout(r, 300));
        expect(said(aliceLive.events, "地址是海淀区中关村1号")).toBe(false);
        expect(said(bobLive.events, "我的身份证号110101199003071234")).toBe(false);
      } finally {
        aliceLive.ws.close();
        bobLive.ws.close();
      }
    });

    it("a ticket of a conversation the bot holds moves to another group: its agents no longer see the chat", async () => {
      const admin = await login(t.baseUrl, "admin", "admin-pass-123");
      const aliceLive = await listen(await login(t.baseUrl, "alice", "staff-pass-123"));
      try {
        const { chat, conversationId } = await handedOff();
        await staffApi(t.baseUrl, alice.token, "POST", `/api/conversations/${conversationId}/take`);
        const ticket = await staffApi<{ number: string; groupCode: string }>(
          t.baseUrl,
          alice.token,
          "POST",
          "/api/tickets",
          {
            category: "DELAY",
            description: "三天没动",
            waybill: "SF1438829301576",
            conversationId,
          },
        );
        expect(ticket.status).toBe(201);
        expect(ticket.body.groupCode).toBe("logistics");
        await staffApi(t.baseUrl, alice.token, "POST", `/api/conversations/${conversationId}/release`);
        // The bot holds it; alice sees it through the ticket of her group (logistics).
        await watch(aliceLive, conversationId);
        await chat.say("还没到");
        await expect.poll(() => said(aliceLive.events, "还没到")).toBe(true);
        const moved = await staffApi(t.baseUrl, admin, "POST", `/api/tickets/${ticket.body.number}/transfer`, {
          group: "after_sales",
          note: "其实是售后",
        });
        expect(moved.status).toBe(200);
        await expect.poll(() => forbidden(aliceLive.events, conversationId)).toBe(true);
        await chat.say("收件人电话13900139000");
        await new Promise((r) => setTimeout(r, 300));
        expect(said(aliceLive.events, "收件人电话13900139000")).toBe(false);
      } finally {
        aliceLive.ws.close();
      }
    });

    it("a supervisor's watch is not told of scope changes (she sees every conversation)", async () => {
      const sup = await createStaff(t.app, t.baseUrl, { username: `sup-watch-${kind}`, role: "supervisor" });
      const supLive = await listen(sup.token);
      try {
        const { chat, conversationId } = await handedOff();
        await watch(supLive, conversationId);
        await staffApi(t.baseUrl, alice.token, "POST", `/api/conversations/${conversationId}/take`);
        await chat.say("主管也在看");
        await expect.poll(() => said(supLive.events, "主管也在看")).toBe(true);
        expect(supLive.events.some((e) => e.type === "scope.changed" || e.type === "error")).toBe(false);
      } finally {
        supLive.ws.close();
      }
    });
  });

  it("context panel: THE ticket of the conversation (its category, not the last guess), its waybill, a link", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("我要投诉，快递三天了还没送到，物流一直不动，单号SF1234567890123，电话13800001111");
    const done = await chat.say("确认");
    const number = /\d{6}-\d{5}/.exec(done[0]?.text ?? "")?.[0] as string;
    expect(number).toBeTruthy();
    const ticket = await t.app.db.prisma.ticket.findUniqueOrThrow({ where: { number } });
    expect(ticket.category).toBe("DELAY");
    // The bot's guess on a later message is another category; the ticket stays 延误.
    await t.app.db.prisma.conversation.update({
      where: { id: ticket.conversationId as string },
      data: { lastCategory: "ATTITUDE" },
    });
    const detail = await staffApi<{ context: Record<string, unknown> }>(
      t.baseUrl,
      alice.token,
      "GET",
      `/api/conversations/${ticket.conversationId}`,
    );
    expect(detail.body.context).toMatchObject({
      waybill: "SF1234567890123",
      ticket: { number, category: "DELAY", status: ticket.status },
      tickets: [],
    });
  });

  it("a customer who gives the waybill, then asks for a person: the queue shows their words, not the bot's handoff notice", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("SF1438829301590 一个星期了还没到，我要投诉");
    await chat.say("转人工");
    const queued = await staffApi<{ conversations: (Summary & { lastMessage: string })[] }>(
      t.baseUrl,
      alice.token,
      "GET",
      "/api/conversations?filter=queued",
    );
    const mine = queued.body.conversations.at(-1)!;
    expect(mine.lastMessage).toBe("SF1438829301590 一个星期了还没到，我要投诉");
    // Another message while waiting (a phone number) is what they last wrote.
    await chat.say("13900001111");
    const again = await staffApi<{ conversations: (Summary & { lastMessage: string })[] }>(
      t.baseUrl,
      alice.token,
      "GET",
      "/api/conversations?filter=queued",
    );
    expect(again.body.conversations.find((c) => c.id === mine.id)!.lastMessage).toBe("13900001111");
  });

  it("context panel: the waybill a customer gave before asking for a person (no ticket, nothing tracked)", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("SF1438829301590 一个星期了还没到，我要投诉");
    await chat.say("转人工");
    await chat.say("13900001111");
    const queued = await staffApi<{ conversations: Summary[] }>(
      t.baseUrl,
      alice.token,
      "GET",
      "/api/conversations?filter=queued",
    );
    const mine = queued.body.conversations.at(-1)!;
    const detail = await staffApi<{ context: Record<string, unknown> }>(
      t.baseUrl,
      alice.token,
      "GET",
      `/api/conversations/${mine.id}`,
    );
    expect(detail.body.context.waybill).toBe("SF1438829301590");
  });

  it("@mention in a note: only active colleagues who may see the conversation, told live on their own connection", async () => {
    const carol = await createStaff(t.app, t.baseUrl, {
      username: "carol",
      displayName: "主管小卡",
      role: "supervisor",
    });
    const gone = await createStaff(t.app, t.baseUrl, { username: "gone", displayName: "离职者" });
    await t.app.db.prisma.agent.update({ where: { id: gone.id }, data: { active: false } });
    const colleagues = await staffApi<{ agents: { username: string; displayName: string }[] }>(
      t.baseUrl,
      bob.token,
      "GET",
      "/api/agents",
    );
    expect(colleagues.status).toBe(200);
    const names = colleagues.body.agents.map((a) => a.username);
    expect(names).toEqual(expect.arrayContaining(["alice", "bob", "carol"]));
    expect(names).not.toContain("gone");

    const mentionsOf = async (token: string) => {
      const { ws, events } = await listen(token);
      return { ws, mentions: () => events.filter((e) => e.type === "mention") };
    };
    const [bobLive, carolLive] = await Promise.all([mentionsOf(bob.token), mentionsOf(carol.token)]);

    // Queued: every agent may see it, so bob (by display name, no space after it) is told.
    const { conversationId } = await handedOff();
    const first = await staffApi<{ mentions?: { username: string }[] }>(
      t.baseUrl,
      alice.token,
      "POST",
      `/api/conversations/${conversationId}/note`,
      { text: "@小波请看一下这单，@nobody 和 @离职者 不算" },
    );
    expect(first.status).toBe(201);
    expect(first.body.mentions?.map((m) => m.username)).toEqual(["bob"]);
    await expect.poll(() => bobLive.mentions().length).toBe(1);
    expect(bobLive.mentions()[0]).toMatchObject({
      conversationId,
      from: { id: alice.id, displayName: "小爱" },
      text: expect.stringContaining("请看一下"),
    });

    // Alice takes it: another agent may no longer see it, so mentioning bob is refused and
    // nothing is stored; the supervisor may, by username, even though she watches nothing.
    await staffApi(t.baseUrl, alice.token, "POST", `/api/conversations/${conversationId}/take`);
    const refused = await staffApi<{ error: { code: string; details: unknown } }>(
      t.baseUrl,
      alice.token,
      "POST",
      `/api/conversations/${conversationId}/note`,
      { text: "@bob 帮忙看看" },
    );
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: "MENTION_NOT_VISIBLE", details: { usernames: ["bob"] } });
    const second = await staffApi(t.baseUrl, alice.token, "POST", `/api/conversations/${conversationId}/note`, {
      text: "客户要求赔偿，@Carol 请审批",
    });
    expect(second.status).toBe(201);
    await expect.poll(() => carolLive.mentions().length).toBe(1);
    expect(carolLive.mentions()[0]).toMatchObject({ conversationId, from: { displayName: "小爱" } });

    const detail = await staffApi<{
      messages: { text: string; internal: boolean; mentions?: { username: string }[] }[];
    }>(t.baseUrl, alice.token, "GET", `/api/conversations/${conversationId}`);
    const notes = detail.body.messages.filter((m) => m.internal);
    expect(notes.map((m) => m.text)).not.toContain("@bob 帮忙看看");
    expect(notes.map((m) => m.mentions?.map((x) => x.username))).toEqual(expect.arrayContaining([["bob"], ["carol"]]));
    // The customer never sees a note, nor who it mentions.
    expect(bobLive.mentions()).toHaveLength(1);
    bobLive.ws.close();
    carolLive.ws.close();
  });

  it("every console route needs a token", async () => {
    for (const [method, path] of [
      ["GET", "/api/conversations"],
      ["POST", "/api/conversations/00000000-0000-4000-8000-000000000000/take"],
      ["PUT", "/api/agents/me/presence"],
    ] as const) {
      expect((await staffApi(t.baseUrl, undefined, method, path, method === "GET" ? undefined : {})).status, path).toBe(
        401,
      );
    }
  });
});
