import type { Activity } from "botbuilder";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { eventually } from "../contract/channel.fakes.js";
import { type BotFrameworkHarness, botFrameworkHarness } from "../contract/channel.harnesses.js";
import { startTestApp, type TestApp } from "../support/app.js";

describe("Bot Framework /api/messages (emulator mode, no credentials)", () => {
  let h: BotFrameworkHarness;
  let t: TestApp;
  beforeAll(async () => {
    h = botFrameworkHarness();
    t = await startTestApp("pglite", await h.setup());
    await h.attach!(t);
  });
  afterAll(async () => {
    await t?.close();
    await h?.teardown();
  });

  it("posts the reply to the activity's serviceUrl conversation, with quick replies as suggested actions", async () => {
    await h.sendInbound("你好", "act-1", "qr");
    const reply = await eventually(() => h.replies().find((r) => r.conversationId === "conv-qr"));
    expect(reply.body.type).toBe("message");
    expect(String(reply.body.text)).toContain("快递");
    const actions = (reply.body.suggestedActions as { actions: { title: string; value: string }[] }).actions;
    expect(actions.map((a) => a.title)).toContain("转人工");
    expect((reply.body.recipient as { id: string }).id).toBe("user-qr");
  });

  it("answers each activity as a reply to it: replyToId, the conversation's type and the activity's locale", async () => {
    // A Teams group chat in English, as botbuilder's Activity type describes it.
    const inbound = (id: string, text: string): Partial<Activity> => ({
      ...h.activity(text, id, "group"),
      locale: "en-US",
      conversation: { id: "conv-group", conversationType: "groupChat", isGroup: true, name: "Ops" },
    });
    const repliesIn = () => h.replies().filter((r) => r.conversationId === "conv-group");
    for (const [i, id] of ["act-grp-1", "act-grp-2"].entries()) {
      const res = await fetch(`${t.baseUrl}/api/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(inbound(id, i === 0 ? "hello" : "thanks")),
      });
      expect(res.status).toBeLessThan(300);
      const reply = await eventually(() => repliesIn()[i]);
      const body = reply.body as Partial<Activity>;
      expect(body.replyToId).toBe(id);
      expect(reply.path).toBe(`/v3/conversations/conv-group/activities/${id}`);
      expect(body.conversation).toMatchObject({ id: "conv-group", conversationType: "groupChat", isGroup: true });
      expect(body.locale).toBe("en-US");
    }
  });

  it("does not invent a conversation type the channel did not send, nor reply to an activity for an agent's message", async () => {
    await h.sendInbound("转人工", "act-plain", "plain");
    const reply = await eventually(() => h.replies().find((r) => r.conversationId === "conv-plain"));
    const body = reply.body as Partial<Activity>;
    expect(body.replyToId).toBe("act-plain");
    expect(body.conversation?.conversationType).toBeUndefined();
    expect(body.locale).toBe("zh-CN");
    const conv = await t.app.db.prisma.conversation.findFirstOrThrow({
      where: { channel: "botframework", messages: { some: { channelMessageId: { endsWith: ":act-plain" } } } },
    });
    const before = h.replies().length;
    await t.app.conversations.sendToConversation(conv.id, { text: "您好，我是客服小王。", author: "agent" });
    const agent = await eventually(() =>
      h
        .replies()
        .slice(before)
        .find((r) => r.conversationId === "conv-plain"),
    );
    expect((agent.body as Partial<Activity>).replyToId).toBeUndefined();
    expect(agent.path).toBe("/v3/conversations/conv-plain/activities");
    expect((agent.body as Partial<Activity>).locale).toBe("zh-CN");
  });

  it("welcomes a user who joins (conversationUpdate)", async () => {
    const update = {
      type: "conversationUpdate",
      id: "cu-1",
      channelId: "emulator",
      serviceUrl: h.connector.baseUrl,
      from: { id: "user-join" },
      recipient: { id: "bot-1" },
      conversation: { id: "conv-join" },
      membersAdded: [{ id: "bot-1" }, { id: "user-join" }],
    };
    const res = await fetch(`${t.baseUrl}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(update),
    });
    expect(res.status).toBeLessThan(300);
    const reply = await eventually(() => h.replies().find((r) => r.conversationId === "conv-join"));
    expect(String(reply.body.text)).toContain("快递");
  });

  it("BOTFRAMEWORK_RETRY_BASE_MS sets the Bot Connector client's first retry delay (default the SDK's 1 s)", () => {
    expect(loadConfig({}).BOTFRAMEWORK_RETRY_BASE_MS).toBe(1000);
    expect(loadConfig({ BOTFRAMEWORK_RETRY_BASE_MS: "10" }).BOTFRAMEWORK_RETRY_BASE_MS).toBe(10);
    expect(() => loadConfig({ BOTFRAMEWORK_RETRY_BASE_MS: "0" })).toThrow(/BOTFRAMEWORK_RETRY_BASE_MS/);
  });

  it("keeps the Bot Connector client's own 3 retries: 3 failed sends in a row are absorbed, a 4th costs the outbox an attempt", async () => {
    const to = (from: string) => (r: { method: string; path: string }) =>
      r.method === "POST" && r.path.startsWith(`/v3/conversations/conv-${from}/`);
    const unavailable = { status: 503, body: { error: { code: "ServiceUnavailable", message: "try later" } } };
    /** The outbox row of the reply to inbound activity `id`, once it is sent. */
    const sentReplyTo = async (id: string) => {
      const inbound = await eventually(() =>
        t.app.db.prisma.message.findFirst({ where: { direction: "in", channelMessageId: { endsWith: `:${id}` } } }),
      );
      return eventually(async () => {
        const out = await t.app.db.prisma.message.findMany({
          where: { conversationId: inbound.conversationId, direction: "out" },
          select: { id: true },
        });
        return t.app.db.prisma.outbox.findFirst({
          where: { messageId: { in: out.map((m) => m.id) }, status: "sent" },
        });
      });
    };
    // Three 503s in a row: the client's fourth try lands, and the outbox never sees a failure.
    h.connector.failNext(to("blip"), 3, unavailable);
    await h.sendInbound("你好", "act-blip", "blip");
    expect(await sentReplyTo("act-blip")).toMatchObject({ attempts: 1, lastError: null });
    expect(h.connector.matching(to("blip"))).toHaveLength(4);
    // Four: the client gives up, the outbox records the failure and its retry delivers the reply.
    h.connector.failNext(to("down"), 4, unavailable);
    await h.sendInbound("你好", "act-down", "down");
    const row = await sentReplyTo("act-down");
    expect(row.attempts).toBe(2);
    expect(h.connector.matching(to("down"))).toHaveLength(5);
  });

  it("refuses traffic that came through a proxy when no app credentials are configured", async () => {
    const res = await fetch(`${t.baseUrl}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.9" },
      body: JSON.stringify(h.activity("你好", "act-proxy", "proxy")),
    });
    expect(res.status).toBe(401);
    expect(
      await t.app.db.prisma.message.count({
        where: { channel: "botframework", channelMessageId: { contains: "act-proxy" } },
      }),
    ).toBe(0);
  });

  it("refuses a body that is not an Activity with 400", async () => {
    const res = await fetch(`${t.baseUrl}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ hello: 1 }),
    });
    expect(res.status).toBe(400);
  });
});

describe("Bot Framework with app credentials", () => {
  let h: BotFrameworkHarness;
  let t: TestApp;
  beforeAll(async () => {
    h = botFrameworkHarness();
    await h.setup();
    t = await startTestApp("pglite", {
      MICROSOFT_APP_ID: "00000000-0000-0000-0000-000000000001",
      MICROSOFT_APP_PASSWORD: "secret",
    });
    await h.attach!(t);
  });
  afterAll(async () => {
    await t?.close();
    await h?.teardown();
  });

  it("refuses an unsigned activity (no Bot Connector JWT) with 401 and stores nothing", async () => {
    const res = await fetch(`${t.baseUrl}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(h.activity("你好", "unsigned")),
    });
    expect(res.status).toBe(401);
    expect(await t.app.db.prisma.message.count({ where: { channel: "botframework" } })).toBe(0);
  });
});
