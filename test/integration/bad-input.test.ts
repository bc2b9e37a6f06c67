import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postTwilio, TWILIO, wechatEnv, wechatPush, wechatTextXml } from "../contract/channel.harnesses.js";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { WebchatClient } from "../support/webchat-client.js";
import { api, staffLogin } from "./ticket.helpers.js";

// Issue 20, bad input: text PostgreSQL cannot hold (U+0000, unpaired UTF-16 surrogates), a seq
// beyond bigint and an empty WeChat MsgId answered 500; search treated % and _ as wildcards.
// Every edge now answers 4xx with a code, on both databases.
const NUL = "\u0000";
const LONE = "\ud800";

describe.each(DB_KINDS)("bad input (%s)", (kind) => {
  let t: TestApp;
  let chat: WebchatClient;
  let supervisor: string;
  beforeAll(async () => {
    t = await startTestApp(kind, {
      RATE_LIMIT_MESSAGES_PER_MINUTE: "100000",
      RATE_LIMIT_LOGINS_PER_MINUTE: "100000",
      ...wechatEnv("http://127.0.0.1:9", true),
      TWILIO_ACCOUNT_SID: TWILIO.accountSid,
      TWILIO_AUTH_TOKEN: TWILIO.authToken,
      TWILIO_FROM: TWILIO.from,
      TWILIO_API_BASE: "http://127.0.0.1:9",
      PUBLIC_URL: TWILIO.publicUrl,
    });
    chat = await WebchatClient.open(t.baseUrl);
    supervisor = (await staffLogin(t.app, t.baseUrl, "sup-bad-input", "supervisor")).token;
  });
  afterAll(async () => {
    await t?.close();
  });

  const code = async (res: Response) => ((await res.json()) as { error?: { code?: string } }).error?.code;

  it("refuses U+0000 and lone surrogates in web chat text and clientMessageId with 400", async () => {
    for (const body of [
      { text: `你好${NUL}` },
      { text: `hello ${LONE} there` },
      { text: "你好", clientMessageId: `id${NUL}` },
      { text: "你好", clientMessageId: `id${LONE}` },
      { text: "你好", clientMessageId: "\udc00x" },
    ]) {
      // A re-send must get the same answer as the first send (it was 200, then 500 forever).
      for (let i = 0; i < 2; i++) {
        const res = await chat.sendRaw(body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(await code(res)).toBe("VALIDATION_FAILED");
      }
    }
    // Paired surrogates (4-byte characters such as emoji) are ordinary text.
    const ok = await chat.sendRaw({ text: "快递到了吗😀𠀀", clientMessageId: "emoji-😀" });
    expect(ok.status).toBe(200);
    expect((await chat.sendRaw({ text: "快递到了吗😀𠀀", clientMessageId: "emoji-😀" })).status).toBe(200);
  });

  it("refuses a history cursor beyond bigint with 400", async () => {
    for (const after of ["99999999999999999999", "9223372036854775808", "1".repeat(400)]) {
      const res = await fetch(`${t.baseUrl}/api/webchat/sessions/${chat.sessionId}/messages?after=${after}`, {
        headers: { authorization: `Bearer ${chat.token}` },
      });
      expect(res.status, after).toBe(400);
      expect(await code(res)).toBe("VALIDATION_FAILED");
    }
    const max = await fetch(`${t.baseUrl}/api/webchat/sessions/${chat.sessionId}/messages?after=9223372036854775807`, {
      headers: { authorization: `Bearer ${chat.token}` },
    });
    expect(max.status).toBe(200);
  });

  it("refuses U+0000 and lone surrogates in login fields with 400", async () => {
    for (const body of [
      { username: `admin${NUL}`, password: "x-password" },
      { username: `adm${LONE}in`, password: "x-password" },
      { username: "admin", password: `pass${NUL}word` },
    ]) {
      const res = await fetch(`${t.baseUrl}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await code(res)).toBe("VALIDATION_FAILED");
    }
  });

  it("refuses U+0000 in ticket search and report filters with 400", async () => {
    for (const path of [
      `/api/tickets?text=${encodeURIComponent(`丢${NUL}`)}`,
      `/api/reports/summary?agent=${encodeURIComponent(`a${NUL}`)}`,
    ]) {
      const res = await api(t.baseUrl, "GET", path, supervisor);
      expect(res.status, path).toBe(400);
      expect((res.body as { error: { code: string } }).error.code).toBe("VALIDATION_FAILED");
    }
  });

  it("refuses staff text with nothing visible (zero-width spaces, direction marks, BOM) with 400, storing nothing", async () => {
    const before = await t.app.db.prisma.ticket.count();
    for (const description of ["\u200b\u200b", "\u202e\u200f", "\ufeff \u2060"]) {
      const res = await api(t.baseUrl, "POST", "/api/tickets", supervisor, {
        category: "LOSS",
        description,
        customerPhone: "13300007777",
      });
      expect(res.status, JSON.stringify(description)).toBe(400);
      expect((res.body as { error: { code: string } }).error.code).toBe("VALIDATION_FAILED");
    }
    const intake = await api(t.baseUrl, "POST", "/api/integrations/tickets", supervisor, {
      source: "spb12305",
      externalId: "INVISIBLE-1",
      customer: { phone: "13300007777" },
      text: "\u200b",
    });
    expect(intake.status).toBe(400);
    expect(await t.app.db.prisma.ticket.count()).toBe(before);
    const ticket = await api<{ number: string }>(t.baseUrl, "POST", "/api/tickets", supervisor, {
      category: "LOSS",
      description: "丢件\u200b了",
      customerPhone: "13300007777",
    });
    expect(ticket.status).toBe(201);
    const events = () => t.app.db.prisma.ticketEvent.count({ where: { ticket: { number: ticket.body.number } } });
    const eventsBefore = await events();
    const note = await api(t.baseUrl, "POST", `/api/tickets/${ticket.body.number}/note`, supervisor, {
      text: "\u200d",
    });
    expect(note.status).toBe(400);
    expect(await events()).toBe(eventsBefore);
  });

  it("treats % and _ in ticket search as characters, not wildcards", async () => {
    const created = await api(t.baseUrl, "POST", "/api/tickets", supervisor, {
      category: "LOSS",
      description: "包裹丢了 100%_找不到",
      customerPhone: "13300006666",
    });
    expect(created.status).toBe(201);
    await api(t.baseUrl, "POST", "/api/tickets", supervisor, {
      category: "DELAY",
      description: "三天还没到",
      customerPhone: "13300006667",
    });
    const search = async (text: string) =>
      (await api<{ total: number }>(t.baseUrl, "GET", `/api/tickets?text=${encodeURIComponent(text)}`, supervisor)).body
        .total;
    expect(await search("%")).toBe(1); // only the ticket whose text has a literal %
    expect(await search("_")).toBe(1);
    expect(await search("100%_")).toBe(1);
    expect(await search("三%到")).toBe(0);
    expect(await search("三天_")).toBe(0);
  });

  it("refuses U+0000 in a signed SMS Body or MessageSid with 400", async () => {
    for (const form of [
      { From: "+8613900001111", MessageSid: "SMnul0001", Body: `你好${NUL}` },
      { From: "+8613900001111", MessageSid: `SM${NUL}0002`, Body: "你好" },
    ]) {
      const res = await postTwilio(t.baseUrl, "/webhooks/sms/twilio", form);
      expect(res.status, JSON.stringify(form)).toBe(400);
      expect(await code(res)).toBe("VALIDATION_FAILED");
    }
  });

  it("refuses U+0000 in a WeChat push's fields, plain and safe mode, with 400", async () => {
    for (const mode of ["plain", "safe"] as const) {
      const push = wechatPush(
        wechatTextXml({ from: "o_nul", content: `你好${NUL}`, msgId: "7000000000000000001" }),
        mode,
      );
      const res = await fetch(`${t.baseUrl}/webhooks/wechat?${push.query}`, {
        method: "POST",
        headers: { "content-type": "text/xml" },
        body: push.body,
      });
      expect(res.status, mode).toBe(400);
      expect(["VALIDATION_FAILED", "INVALID_XML"]).toContain(await code(res));
    }
  });

  it("answers WeChat pushes with an empty <MsgId></MsgId>, each as its own message", async () => {
    const send = async (from: string, content: string, createTime: number) => {
      const push = wechatPush(wechatTextXml({ from, content, msgId: "", createTime }));
      return fetch(`${t.baseUrl}/webhooks/wechat?${push.query}`, {
        method: "POST",
        headers: { "content-type": "text/xml" },
        body: push.body,
      });
    };
    const now = Math.floor(Date.now() / 1000);
    const first = await send("o_empty_a", "你好", now);
    expect(first.status).toBe(200);
    const second = await send("o_empty_b", "谢谢", now + 1);
    expect(second.status).toBe(200);
    const stored = await t.app.db.prisma.message.count({
      where: { channel: "wechat_oa", direction: "in", conversation: { channel: "wechat_oa" } },
    });
    expect(stored).toBe(2);
  });
});
