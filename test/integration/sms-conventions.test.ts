import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../contract/channel.fakes.js";
import { phoneOf, postTwilio, type SmsHarness, smsHarness, TWILIO } from "../contract/channel.harnesses.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { createStaff, staffApi } from "../support/staff.js";

/**
 * SMS as the carriers and Twilio behave (issue 13, issue 20): opt-out words exactly as
 * documented (domain.md "Channel conventions"), long texts never cut, numbered menus, Twilio's
 * own signature rules (requests signed by the twilio package), parts already sent recorded durably.
 */
describe("SMS conventions (Twilio webhook, PostgreSQL)", () => {
  let h: SmsHarness;
  let t: TestApp;
  let agent: { id: string; token: string };
  beforeAll(async () => {
    h = smsHarness({ SMS_RATE_LIMIT_PER_MINUTE: "100" });
    t = await startTestApp("postgres", await h.setup());
    await h.attach!(t);
    agent = await createStaff(t.app, t.baseUrl, { username: "sms-agent", role: "supervisor" });
  });
  afterAll(async () => {
    await t?.close();
    await h?.teardown();
  });
  const sendsTo = (label: string) => h.sends().filter((s) => s.to === phoneOf(label));
  const say = async (label: string, text: string, id: string) => {
    const res = await postTwilio(t.baseUrl, "/webhooks/sms/twilio", {
      MessageSid: `SM${id}`,
      From: phoneOf(label),
      To: TWILIO.from,
      Body: text,
    });
    expect(res.status).toBe(200);
    return res.text();
  };
  const optedOut = async (label: string) =>
    (
      await t.app.db.prisma.channelIdentity.findUniqueOrThrow({
        where: { channel_externalId: { channel: "sms", externalId: phoneOf(label) } },
      })
    ).optedOutAt !== null;
  /** Waits until nothing more is owed to the number (every outbox row sent or dead). */
  const settled = (label: string) =>
    eventually(async () => {
      const owed = await t.app.db.prisma.outbox.count({
        where: { channel: "sms", status: "pending", address: { path: ["phone"], equals: phoneOf(label) } },
      });
      return owed === 0;
    });
  async function agentOwns(label: string): Promise<string> {
    const identity = await t.app.db.prisma.channelIdentity.findUniqueOrThrow({
      where: { channel_externalId: { channel: "sms", externalId: phoneOf(label) } },
    });
    const conv = await t.app.db.prisma.conversation.findFirstOrThrow({
      where: { identityId: identity.id, mode: { not: "closed" } },
    });
    expect((await staffApi(t.baseUrl, agent.token, "POST", `/api/conversations/${conv.id}/take`)).status).toBe(204);
    return conv.id;
  }

  it("取消 cancels the complaint flow and never unsubscribes", async () => {
    await say("cancel", "我要投诉", "c1");
    await eventually(() => sendsTo("cancel").length >= 1);
    const answer = await say("cancel", "取消", "c2");
    expect(answer).not.toContain("退订");
    await eventually(() => sendsTo("cancel").some((s) => s.body.includes("已取消本次投诉")));
    expect(await optedOut("cancel")).toBe(false);
  });

  it("opts out only on the documented words alone; then nothing is sent until START/订阅", async () => {
    await say("words", "我想退订这个服务吗", "w1"); // a sentence mentioning 退订 is a question, not an opt-out
    expect(await optedOut("words")).toBe(false);
    for (const [i, word] of ["REVOKE", "optout", "Stop.", "td", "退订"].entries()) {
      const answer = await say("words", word, `w-out-${i}`);
      expect(answer).toMatch(/退订|unsubscribed/);
      expect(await optedOut("words")).toBe(true);
      await say("words", i % 2 ? "订阅" : "UNSTOP", `w-in-${i}`);
      expect(await optedOut("words")).toBe(false);
    }
    await settled("words");
    await say("words", "END", "w-end");
    const before = sendsTo("words").length;
    await say("words", "你好", "w-after"); // any later message is not an opt-in
    await settled("words");
    expect(await optedOut("words")).toBe(true);
    expect(sendsTo("words").length).toBe(before);
    await say("words", "START", "w-start");
    await say("words", "你好", "w-again");
    await eventually(() => sendsTo("words").length > before);
  });

  it("a numbered menu accepts its numbers: 2 after the welcome starts a complaint", async () => {
    await say("menu", "你好", "m1");
    const welcome = await eventually(() => sendsTo("menu")[0]);
    expect(welcome.body).toContain("2 我要投诉");
    await say("menu", "2", "m2");
    const next = await eventually(() => sendsTo("menu")[1]);
    expect(next.body).not.toContain("暂时回答不了");
    expect(next.body).toMatch(/投诉/);
  });

  it("an agent's long reply arrives whole (Twilio concatenates 1,600 characters): one message, nothing cut", async () => {
    await say("long", "转人工", "l1");
    await settled("long");
    const conversationId = await agentOwns("long");
    const text = `您好，关于您的快件：${"我们已联系派送网点核实情况，".repeat(35)}请耐心等待。`;
    expect(text.length).toBeGreaterThan(500);
    const before = sendsTo("long").length;
    const res = await staffApi(t.baseUrl, agent.token, "POST", `/api/conversations/${conversationId}/reply`, { text });
    expect(res.status).toBe(201);
    const sent = await eventually(() => (sendsTo("long").length > before ? sendsTo("long").slice(before) : undefined));
    expect(sent.map((s) => s.body)).toEqual([text]);
  });

  it("remembers durably which parts the provider accepted: retrying a dead letter sends only the rest", async () => {
    await say("parts", "转人工", "p1");
    await settled("parts");
    const conversationId = await agentOwns("parts");
    // The second part is refused permanently (Twilio 21617: body too long → dead letter at once).
    h.api.failNext(
      (r) => r.path.endsWith("/Messages.json") && (new URLSearchParams(r.body).get("Body") ?? "").startsWith("(2/2)"),
      1,
      { status: 400, body: { code: 21617, message: "The concatenated message body exceeds the 1600 character limit" } },
    );
    const text = `${"运".repeat(1500)}。${"单".repeat(400)}`;
    const reply = await staffApi<{ id: string }>(
      t.baseUrl,
      agent.token,
      "POST",
      `/api/conversations/${conversationId}/reply`,
      { text },
    );
    expect(reply.status).toBe(201);
    const row = await eventually(async () => {
      const r = await t.app.db.prisma.outbox.findUniqueOrThrow({ where: { messageId: reply.body.id } });
      return r.status === "dead" ? r : undefined;
    });
    const first = sendsTo("parts").filter((s) => s.body.startsWith("(1/2)"));
    expect(first).toHaveLength(1);
    expect(row.sentParts).toEqual([first[0]!.sid]);
    expect(await t.app.outbox.retry(row.id)).toBe(true);
    const sent = await eventually(async () => {
      const r = await t.app.db.prisma.outbox.findUniqueOrThrow({ where: { id: row.id } });
      return r.status === "sent" ? r : undefined;
    });
    expect(sendsTo("parts").filter((s) => s.body.startsWith("(1/2)"))).toHaveLength(1);
    const second = sendsTo("parts").filter((s) => s.body.startsWith("(2/2)"));
    expect(second).toHaveLength(1);
    expect(sent.providerId).toBe(`${first[0]!.sid},${second[0]!.sid}`);
  });

  it("keeps a conversation in order: a later message waits while an earlier one is retried", async () => {
    const release = h.failSendsTo!("order");
    await say("order", "你好", "o1");
    const rowOf = async (messageId: string) => t.app.db.prisma.outbox.findUniqueOrThrow({ where: { messageId } });
    const identity = await t.app.db.prisma.channelIdentity.findUniqueOrThrow({
      where: { channel_externalId: { channel: "sms", externalId: phoneOf("order") } },
    });
    const conv = await t.app.db.prisma.conversation.findFirstOrThrow({ where: { identityId: identity.id } });
    const welcome = await t.app.db.prisma.message.findFirstOrThrow({
      where: { conversationId: conv.id, direction: "out" },
    });
    await eventually(async () => (await rowOf(welcome.id)).lastError !== null);
    const later = await t.app.conversations.sendToConversation(conv.id, { text: "第二条消息", author: "agent" });
    // The later message is not even attempted while the earlier one is owed.
    const waiting = await rowOf(later.id);
    expect(waiting).toMatchObject({ status: "pending", attempts: 0, lastError: null });
    release();
    await eventually(async () => (await rowOf(later.id)).status === "sent", 20_000);
    expect(sendsTo("order").map((s) => s.body.includes("第二条消息"))).toEqual([false, true]);
  });

  it("accepts what twilio's validateRequest accepts: query strings, ports, and nothing else", async () => {
    const path = "/webhooks/sms/twilio?tenant=a%27b&x=1";
    const form = { MessageSid: "SMsig1", From: phoneOf("sig"), To: TWILIO.from, Body: "你好" };
    const signedFor = (url: string) => twilio.getExpectedTwilioSignature(TWILIO.authToken, url, form);
    // Twilio signs the URL as configured: with the default port, without it, with the query as given.
    for (const [i, url] of [
      `${TWILIO.publicUrl}${path}`,
      `${TWILIO.publicUrl}:443${path}`,
      `${TWILIO.publicUrl}/webhooks/sms/twilio?tenant=a'b&x=1`,
    ].entries()) {
      expect(twilio.validateRequest(TWILIO.authToken, signedFor(url), `${TWILIO.publicUrl}${path}`, form)).toBe(true);
      const res = await postTwilio(t.baseUrl, path, { ...form, MessageSid: `SMsig-ok-${i}` }, undefined, {
        signedUrl: url,
      });
      // (the signature covers MessageSid too: sign the form actually sent)
      expect(res.status).toBe(200);
    }
    for (const [i, url] of [
      `${TWILIO.publicUrl}:8443${path}`, // another port
      `http://kd.example.com${path}`, // another scheme
      `${TWILIO.publicUrl}/webhooks/sms/twilio?tenant=a%27b`, // query dropped
      `https://evil.example.com${path}`,
    ].entries()) {
      const sentForm = { ...form, MessageSid: `SMsig-bad-${i}` };
      expect(
        twilio.validateRequest(
          TWILIO.authToken,
          twilio.getExpectedTwilioSignature(TWILIO.authToken, url, sentForm),
          `${TWILIO.publicUrl}${path}`,
          sentForm,
        ),
      ).toBe(false);
      const res = await postTwilio(t.baseUrl, path, sentForm, undefined, { signedUrl: url });
      expect(res.status).toBe(403);
    }
    // X-Forwarded-* are not trusted unless configured: signing for the forwarded host fails.
    const forwarded = await postTwilio(t.baseUrl, path, { ...form, MessageSid: "SMsig-fwd" }, undefined, {
      signedUrl: `https://proxy.example.net${path}`,
      headers: { "x-forwarded-proto": "https", "x-forwarded-host": "proxy.example.net" },
    });
    expect(forwarded.status).toBe(403);
  });
});

describe("SMS behind a proxy (TWILIO_TRUST_FORWARDED=true)", () => {
  let h: SmsHarness;
  let t: TestApp;
  beforeAll(async () => {
    h = smsHarness({ TWILIO_TRUST_FORWARDED: "true", SMS_MAX_PARTS: "1" });
    t = await startTestApp("postgres", await h.setup());
    await h.attach!(t);
  });
  afterAll(async () => {
    await t?.close();
    await h?.teardown();
  });

  it("verifies against the URL the proxy forwarded, with its port", async () => {
    const path = "/webhooks/sms/twilio";
    const form = { MessageSid: "SMfwd1", From: phoneOf("fwd"), To: TWILIO.from, Body: "你好" };
    const headers = { "x-forwarded-proto": "https", "x-forwarded-host": "sms.example.org", "x-forwarded-port": "8443" };
    const ok = await postTwilio(t.baseUrl, path, form, undefined, {
      signedUrl: `https://sms.example.org:8443${path}`,
      headers,
    });
    expect(ok.status).toBe(200);
    const wrongHost = await postTwilio(t.baseUrl, path, { ...form, MessageSid: "SMfwd2" }, undefined, {
      signedUrl: `${TWILIO.publicUrl}${path}`,
      headers,
    });
    expect(wrongHost.status).toBe(403);
  });
  it("tells the agent before sending when a text cannot fit (422 with a code), and stores nothing", async () => {
    const from = { MessageSid: "SMfit1", From: phoneOf("toolong"), To: TWILIO.from, Body: "转人工" };
    await postTwilio(t.baseUrl, "/webhooks/sms/twilio", from, undefined, {
      signedUrl: `https://sms.example.org:8443/webhooks/sms/twilio`,
      headers: { "x-forwarded-proto": "https", "x-forwarded-host": "sms.example.org", "x-forwarded-port": "8443" },
    });
    const identity = await eventually(() =>
      t.app.db.prisma.channelIdentity.findUnique({
        where: { channel_externalId: { channel: "sms", externalId: phoneOf("toolong") } },
      }),
    );
    const conv = await t.app.db.prisma.conversation.findFirstOrThrow({ where: { identityId: identity.id } });
    const agent = await createStaff(t.app, t.baseUrl, { username: "fit-agent", role: "supervisor" });
    expect((await staffApi(t.baseUrl, agent.token, "POST", `/api/conversations/${conv.id}/take`)).status).toBe(204);
    const count = () => t.app.db.prisma.message.count({ where: { conversationId: conv.id, author: "agent" } });
    const sendsBefore = h.sends().length;
    // SMS_MAX_PARTS=1 here: a text longer than one 1,600-character message cannot be sent whole.
    const res = await staffApi<{ error: { code: string } }>(
      t.baseUrl,
      agent.token,
      "POST",
      `/api/conversations/${conv.id}/reply`,
      { text: "字".repeat(1700) },
    );
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("MESSAGE_TOO_LONG_FOR_CHANNEL");
    expect(await count()).toBe(0);
    const ok = await staffApi(t.baseUrl, agent.token, "POST", `/api/conversations/${conv.id}/reply`, {
      text: "字".repeat(1600),
    });
    expect(ok.status).toBe(201);
    await eventually(() => h.sends().length > sendsBefore);
    expect(h.sends().at(-1)!.body).toBe("字".repeat(1600));
  });
});
