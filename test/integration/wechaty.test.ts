import { FileBox } from "file-box";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { types } from "wechaty";
import { LOGGED_OUT_ERROR } from "../../channels/wechat/wechaty.channel.js";
import { eventually } from "../contract/channel.fakes.js";
import { type WechatyHarness, wechatyHarness } from "../contract/channel.harnesses.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { renderLabel } from "../support/images.js";
import { outboxSettled } from "../support/outbox.js";

async function adminToken(t: TestApp): Promise<string> {
  const res = await fetch(`${t.baseUrl}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: "admin-pass-123" }),
  });
  return ((await res.json()) as { token: string }).token;
}

describe("Wechaty channel (wechaty-puppet-mock chosen by WECHATY_PUPPET)", () => {
  let h: WechatyHarness;
  let t: TestApp;
  beforeAll(async () => {
    h = wechatyHarness();
    t = await startTestApp("pglite", await h.setup());
    await h.attach!(t);
  });
  afterAll(async () => {
    await t?.close();
    await h?.teardown();
  });

  it("shows the login state to admins only", async () => {
    const anon = await fetch(`${t.baseUrl}/api/admin/channels/wechaty/login`);
    expect(anon.status).toBe(401);
    const res = await fetch(`${t.baseUrl}/api/admin/channels/wechaty/login`, {
      headers: { authorization: `Bearer ${await adminToken(t)}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { state: string; user?: { name: string } };
    expect(body.state).toBe("logged_in");
    expect(body.user?.name).toBe("快递客服");
  });

  it("in a group, answers only when @-mentioned, in the group", async () => {
    const alice = h.contact("alice");
    const room = h.mocker().createRoom({ topic: "顺丰售后群", memberIdList: [h.botUser().id, alice.id] });
    const before = h.outgoing().length;
    await h.deliver(() => alice.say("大家好").to(room));
    await outboxSettled(t.app, { channel: "wechaty" });
    expect(h.outgoing().slice(before)).toEqual([]);
    alice.say("@快递客服 你好", [h.botUser()]).to(room);
    const reply = await eventually(() =>
      h
        .outgoing()
        .slice(before)
        .find((o) => o.roomId === room.id),
    );
    expect(reply.text).toContain("快递");
  });

  it("recognises an @-mention by its text when the puppet's mention list misses the bot (U+2005 after the name)", async () => {
    const dave = h.contact("dave");
    const room = h.mocker().createRoom({ topic: "中通理赔群", memberIdList: [h.botUser().id, dave.id] });
    const inGroup = () => h.outgoing().filter((o) => o.roomId === room.id);
    // WeChat writes a mention as "@<name>" + U+2005; many puppets report no mentionIdList for it.
    const id = await h.deliver(() => dave.say("@快递客服\u2005你好").to(room));
    const msg = await h.channelOf().wechaty!.Message.find({ id });
    expect(await msg!.mentionSelf()).toBe(false);
    const reply = await eventually(() => inGroup()[0]);
    expect(reply.text).toContain("快递");
    const stored = await t.app.db.prisma.message.findFirstOrThrow({
      where: { channel: "wechaty", direction: "in", channelMessageId: id },
    });
    expect(stored.text).toBe("你好");
    // A longer name that only begins with the bot's, or "@" without a name, is not the bot.
    await h.deliver(() => dave.say("@快递客服小王 你好").to(room));
    await h.deliver(() => dave.say("邮箱是 a@快递客服.com").to(room));
    await outboxSettled(t.app, { channel: "wechaty" });
    expect(inGroup()).toHaveLength(1);
  });

  it("an image is fetched through the puppet, stored, and its waybill answered like the number", async () => {
    const bob = h.contact("bob");
    const mocker = h.mocker();
    const msg = mocker.MessageMock.create({
      id: `img-${Date.now()}`,
      talkerId: bob.id,
      listenerId: h.botUser().id,
      timestamp: Date.now(),
      type: types.Message.Image,
    });
    const label = await renderLabel(["ZTO EXPRESS", "SF1438829301576"], { format: "png" });
    mocker.cacheFileBoxPayload.set(msg.id, FileBox.fromBase64(label.toString("base64"), "label.png").toJSON());
    const before = h.outgoing().length;
    mocker.puppet.emit("message", { messageId: msg.id });
    // OCR on a loaded 2-core machine can take many seconds: wait on the answer, generously.
    const reply = await eventually(
      () =>
        h
          .outgoing()
          .slice(before)
          .find((o) => o.to === bob.id),
      60_000,
    );
    expect(reply.text).toBe("识别到运单号 SF1438829301576");
    const stored = await t.app.db.prisma.attachment.findFirstOrThrow({
      where: { ocrWaybills: { has: "SF1438829301576" } },
    });
    expect(stored.mime).toBe("image/png");
  }, 180_000);

  it("keeps replies in the outbox while logged out and delivers them after the next login", async () => {
    const carol = h.contact("carol");
    const before = h.outgoing().length;
    carol.say("你好").to(h.botUser());
    await eventually(() =>
      h
        .outgoing()
        .slice(before)
        .find((o) => o.to === carol.id),
    );
    const conv = await t.app.db.prisma.conversation.findFirstOrThrow({
      where: {
        channel: "wechaty",
        messages: { some: { direction: "in", text: "你好" } },
        customer: { name: `客户carol` },
      },
    });
    await h.puppet().logout();
    await eventually(() => h.channelOf().status().state !== "ready");
    const msg = await t.app.conversations.sendToConversation(conv.id, {
      text: "您好，我是客服小王，已为您查询。",
      author: "agent",
    });
    const queued = await t.app.db.prisma.outbox.findUniqueOrThrow({ where: { messageId: msg.id } });
    expect(queued.status).toBe("pending");
    expect(queued.lastError).toContain(LOGGED_OUT_ERROR);
    expect(h.outgoing().some((o) => o.text.includes("客服小王"))).toBe(false);
    h.mocker().login(h.botUser());
    const delivered = await eventually(() =>
      h.outgoing().find((o) => o.to === carol.id && o.text.includes("客服小王")),
    );
    expect(delivered).toEqual({ to: carol.id, text: "您好，我是客服小王，已为您查询。" });
    const sent = await t.app.db.prisma.outbox.findUniqueOrThrow({ where: { messageId: msg.id } });
    expect(sent.status).toBe("sent");
    expect(h.outgoing().filter((o) => o.text.includes("客服小王"))).toHaveLength(1);
  });
});
