import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../contract/channel.fakes.js";
import {
  msgIdOf,
  passiveContent,
  WECHAT,
  type WechatOaHarness,
  wechatOaHarness,
  wechatPush,
  wechatTextXml,
} from "../contract/channel.harnesses.js";
import { startTestApp, type TestApp } from "../support/app.js";

/**
 * WeChat as documented (domain.md "Channel conventions", issue 13), in safe mode: pushes are
 * encrypted and replies decrypted by the classic wechat-crypto library (the harness).
 */
describe("WeChat Official Account conventions (safe mode, PostgreSQL)", () => {
  let h: WechatOaHarness;
  let t: TestApp;
  beforeAll(async () => {
    h = wechatOaHarness({ mode: "safe" });
    t = await startTestApp("postgres", await h.setup());
    await h.attach!(t);
  });
  afterAll(async () => {
    await t?.close();
    await h?.teardown();
  });
  async function push(xml: string) {
    const p = wechatPush(xml, "safe");
    const res = await fetch(`${t.baseUrl}/webhooks/wechat?${p.query}`, {
      method: "POST",
      headers: { "content-type": "text/xml" },
      body: p.body,
    });
    expect(res.status).toBe(200);
    return res.text();
  }
  const conversationOf = async (openid: string) => {
    const identity = await t.app.db.prisma.channelIdentity.findUniqueOrThrow({
      where: { channel_externalId: { channel: "wechat_oa", externalId: openid } },
    });
    return t.app.db.prisma.conversation.findFirstOrThrow({ where: { identityId: identity.id } });
  };
  const storedFrom = async (openid: string) =>
    t.app.db.prisma.message.findMany({
      where: { direction: "in", conversationId: (await conversationOf(openid)).id },
      select: { text: true },
    });
  const click = (from: string, createTime: number, key: string) =>
    `<xml><ToUserName><![CDATA[${WECHAT.account}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[${key}]]></EventKey></xml>`;

  it("a plain push, rightly signed, is refused in safe mode: its signature does not cover the body", async () => {
    // WeChat sends this same `signature` with every safe-mode push; a URL seen once (a proxy's
    // access log) let anyone post any XML as any openid for 5 minutes and read the answer.
    const seen = new URLSearchParams(wechatPush("<xml/>", "safe").query);
    seen.delete("encrypt_type");
    seen.delete("msg_signature");
    const forged = wechatTextXml({ from: "o_victim", content: "我最近的快递", msgId: msgIdOf("forged") });
    const res = await fetch(`${t.baseUrl}/webhooks/wechat?${seen}`, {
      method: "POST",
      headers: { "content-type": "text/xml" },
      body: forged,
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("INVALID_SIGNATURE");
    expect(
      await t.app.db.prisma.channelIdentity.count({ where: { channel: "wechat_oa", externalId: "o_victim" } }),
    ).toBe(0);
  });

  it("the same MsgId from two customers is two messages: each is stored and answered", async () => {
    const msgId = msgIdOf("shared");
    const a = await push(wechatTextXml({ from: "o_alice", content: "你好", msgId }));
    const b = await push(wechatTextXml({ from: "o_bob", content: "你好", msgId }));
    expect(passiveContent(a)).toContain("快递");
    expect(passiveContent(b)).toContain("快递");
    expect(await storedFrom("o_bob")).toHaveLength(1);
    // A real retry (same openid, same MsgId) is still answered once.
    expect(await push(wechatTextXml({ from: "o_bob", content: "你好", msgId }))).toBe("success");
    expect(await storedFrom("o_bob")).toHaveLength(1);
  });

  it("two different menu clicks in the same second are two events; a retried click is one", async () => {
    const at = Math.floor(Date.now() / 1000);
    await push(click("o_menu", at, "查快递"));
    await push(click("o_menu", at, "转人工"));
    expect(await push(click("o_menu", at, "转人工"))).toBe("success");
    expect((await storedFrom("o_menu")).map((m) => m.text).sort()).toEqual(["查快递", "转人工"].sort());
  });

  it("an agent reply over 2,048 bytes goes as several customer-service messages, in order, split at graphemes", async () => {
    await push(wechatTextXml({ from: "o_long", content: "转人工", msgId: msgIdOf("long") }));
    const conv = await conversationOf("o_long");
    // 1,000 characters, about 3,000 bytes, with a flag and a ZWJ family near each cut.
    const text = Array.from(
      { length: 40 },
      (_, i) => `第${String(i).padStart(2, "0")}段🇨🇳👨‍👩‍👧‍👦快递正在派送中请耐心等候`,
    )
      .join("")
      .slice(0, 1000);
    const msg = await t.app.conversations.sendToConversation(conv.id, { text, author: "agent" });
    const row = await eventually(async () => {
      const r = await t.app.db.prisma.outbox.findUniqueOrThrow({ where: { messageId: msg.id } });
      return r.status !== "pending" ? r : undefined;
    });
    expect(row.status).toBe("sent");
    const parts = h
      .customerSends()
      .filter((s) => s.touser === "o_long")
      .map((s) => s.content)
      .filter((c) => !c.includes("人工客服"));
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(Buffer.byteLength(p, "utf8")).toBeLessThanOrEqual(2048);
    expect(parts.join("")).toBe(text);
    expect(row.providerId?.split(",")).toHaveLength(parts.length);
  });
});
