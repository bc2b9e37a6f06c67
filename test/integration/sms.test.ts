import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AliyunSmsProvider, aliyunRpcSignature } from "../../channels/sms/aliyun.provider.js";
import { SmsSendError } from "../../channels/sms/sms.provider.js";
import { eventually, type FakeResponse, FakeServer, type Recorded } from "../contract/channel.fakes.js";
import { phoneOf, postTwilio, type SmsHarness, smsHarness, TWILIO } from "../contract/channel.harnesses.js";
import { DB_KINDS, type DbKind, startTestApp, type TestApp } from "../support/app.js";
import { renderLabel } from "../support/images.js";
import { outboxSettled } from "../support/outbox.js";

describe.each(DB_KINDS)("SMS through Twilio (%s)", (kind: DbKind) => {
  let h: SmsHarness;
  let t: TestApp;
  beforeAll(async () => {
    h = smsHarness({ SMS_RATE_LIMIT_PER_MINUTE: "4" });
    t = await startTestApp(kind, await h.setup());
    await h.attach!(t);
  });
  afterAll(async () => {
    await t?.close();
    await h?.teardown();
  });
  const sendsTo = (label: string) => h.sends().filter((s) => s.to === phoneOf(label));

  it("refuses a wrong X-Twilio-Signature with 403 and stores nothing", async () => {
    const before = await t.app.db.prisma.message.count({ where: { channel: "sms" } });
    const form = { MessageSid: "SMbad", From: phoneOf("bad"), To: TWILIO.from, Body: "你好" };
    const res = await postTwilio(t.baseUrl, "/webhooks/sms/twilio", form, "bm90LWEtc2lnbmF0dXJl");
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("WEBHOOK_SIGNATURE_REJECTED");
    // Signed for another URL (a proxy rewrote it, or a replay against another endpoint).
    const res2 = await fetch(`${t.baseUrl}/webhooks/sms/twilio`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });
    expect(res2.status).toBe(403);
    expect(await t.app.db.prisma.message.count({ where: { channel: "sms" } })).toBe(before);
  });

  it("an MMS photo (MediaUrl) is fetched from Twilio with the account's auth and its waybill answered", async () => {
    const path = `/2010-04-01/Accounts/${TWILIO.accountSid}/Messages/MM${kind}/Media/ME1`;
    h.media.set(path, await renderLabel(["SF1438829301576"], { format: "jpeg" }));
    const res = await postTwilio(t.baseUrl, "/webhooks/sms/twilio", {
      MessageSid: `MM${kind}`,
      From: phoneOf("mms"),
      To: TWILIO.from,
      Body: "",
      NumMedia: "2",
      MediaUrl0: `${h.api.baseUrl}${path}`,
      MediaContentType0: "image/jpeg",
      // Not Twilio's origin: never fetched (the URL is signed, but an SSRF guard costs nothing).
      MediaUrl1: "http://127.0.0.1:9/elsewhere.jpg",
      MediaContentType1: "image/jpeg",
    });
    expect(res.status).toBe(200);
    // OCR on a loaded 2-core machine can take many seconds: wait on the answer, generously.
    const replies = await eventually(() => {
      const all = sendsTo("mms").map((s) => s.body);
      return all.some((b) => b.includes("没能收下")) && all.some((b) => b.includes("识别到运单号")) ? all : undefined;
    }, 60_000);
    expect(replies.join("\n")).toContain("识别到运单号 SF1438829301576");
    const fetched = h.api.matching((r) => r.method === "GET" && r.path === path);
    expect(fetched).toHaveLength(1);
    expect(fetched[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from(`${TWILIO.accountSid}:${TWILIO.authToken}`).toString("base64")}`,
    );
    const inbound = await t.app.db.prisma.message.findMany({
      where: { channel: "sms", channelMessageId: { startsWith: `MM${kind}` } },
    });
    expect(inbound.map((m) => m.channelMessageId).sort()).toEqual([`MM${kind}:media0`, `MM${kind}:media1`]);
    expect(await t.app.db.prisma.attachment.count({ where: { conversationId: inbound[0]!.conversationId } })).toBe(1);
  }, 180_000);

  it("refuses a signed request without From with 400", async () => {
    const res = await postTwilio(t.baseUrl, "/webhooks/sms/twilio", { MessageSid: "SMnofrom", Body: "hi" });
    expect(res.status).toBe(400);
  });

  it("sends a reply as one message (Twilio concatenates it on the phone), with a status callback", async () => {
    await h.sendInbound("你好", `long-${kind}`, "long");
    const parts = await eventually(() => (sendsTo("long").length >= 1 ? sendsTo("long") : undefined));
    expect(parts).toHaveLength(1);
    expect(parts[0]!.body).toContain("快递");
    expect(parts[0]!.body.startsWith("(1/")).toBe(false);
    expect(parts[0]!.statusCallback).toBe(`${TWILIO.publicUrl}/webhooks/sms/twilio/status`);
    const row = await eventually(() =>
      t.app.db.prisma.outbox.findFirst({
        where: { channel: "sms", status: "sent", address: { path: ["phone"], equals: phoneOf("long") } },
      }),
    );
    expect(row.providerId).toBe(parts[0]!.sid);
  });

  it("links the SMS sender to the customer who gave that phone number elsewhere", async () => {
    const phone = phoneOf("linked");
    const existing = await t.app.db.prisma.customer.create({
      data: { phone: phone.replace("+86", ""), name: "王先生" },
    });
    await h.sendInbound("你好", `link-${kind}`, "linked");
    const identity = await t.app.db.prisma.channelIdentity.findUniqueOrThrow({
      where: { channel_externalId: { channel: "sms", externalId: phone } },
    });
    expect(identity.customerId).toBe(existing.id);
  });

  it("honours TD/退订: confirms once, then refuses sends to the number without calling the provider", async () => {
    await h.sendInbound("你好", `optout-hi-${kind}`, "optout");
    await eventually(() => sendsTo("optout").length > 0);
    const res = await postTwilio(t.baseUrl, "/webhooks/sms/twilio", {
      MessageSid: `SMtd-${kind}`,
      From: phoneOf("optout"),
      To: TWILIO.from,
      Body: "TD",
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("退订");
    const identity = await t.app.db.prisma.channelIdentity.findUniqueOrThrow({
      where: { channel_externalId: { channel: "sms", externalId: phoneOf("optout") } },
    });
    expect(identity.optedOutAt).not.toBeNull();
    const sendsBefore = h.sends().length;
    const conv = await t.app.db.prisma.conversation.findFirstOrThrow({ where: { identityId: identity.id } });
    const msg = await t.app.conversations.sendToConversation(conv.id, { text: "您的投诉已受理。", author: "agent" });
    const row = await t.app.db.prisma.outbox.findUniqueOrThrow({ where: { messageId: msg.id } });
    expect(row.status).toBe("dead");
    expect(row.lastError).toContain("opted out");
    expect(h.sends().length).toBe(sendsBefore);
    const audit = await t.app.db.prisma.auditEvent.count({ where: { action: "sms.opt_out", subjectId: identity.id } });
    expect(audit).toBe(1);
  });

  it("stops answering a number that floods it (auto-responder loop) and stores nothing more", async () => {
    for (let i = 0; i < 4; i++) await h.sendInbound("谢谢", `loop-${kind}-${i}`, "loop"); // an auto-responder repeating itself
    await eventually(() => sendsTo("loop").length >= 4);
    const stored = () =>
      t.app.db.prisma.message.count({
        where: { channel: "sms", direction: "in", channelMessageId: { startsWith: `SMloop-${kind}` } },
      });
    expect(await stored()).toBe(4);
    const sends = sendsTo("loop").length;
    // The webhook answers once its turn, if any, is committed; then every reply it queued is sent.
    await h.sendInbound("谢谢", `loop-${kind}-x`, "loop");
    await outboxSettled(t.app, { channel: "sms", address: { path: ["phone"], equals: phoneOf("loop") } });
    expect(await stored()).toBe(4);
    expect(sendsTo("loop").length).toBe(sends);
  });

  it("records a failed delivery report from the status callback on the outbox row", async () => {
    await h.sendInbound("谢谢", `status-${kind}`, "status");
    const sent = await eventually(() => sendsTo("status")[0]);
    const res = await postTwilio(t.baseUrl, "/webhooks/sms/twilio/status", {
      MessageSid: sent.sid,
      MessageStatus: "undelivered",
      ErrorCode: "30003",
      To: phoneOf("status"),
    });
    expect(res.status).toBe(204);
    const row = await t.app.db.prisma.outbox.findFirstOrThrow({ where: { providerId: { contains: sent.sid } } });
    expect(row.lastError).toContain("30003");
    const bad = await postTwilio(
      t.baseUrl,
      "/webhooks/sms/twilio/status",
      { MessageSid: sent.sid, MessageStatus: "delivered" },
      "x",
    );
    expect(bad.status).toBe(403);
  });
});

describe("Aliyun SMS provider against a fake Dysmsapi", () => {
  const secret = "aliyun-secret";
  let calls = 0;
  const server: FakeServer = new FakeServer((r: Recorded): FakeResponse => {
    calls++;
    const params = Object.fromEntries(r.query);
    const { Signature, ...rest } = params;
    if (Signature !== aliyunRpcSignature(secret, "GET", rest))
      return { status: 400, body: { Code: "SignatureDoesNotMatch" } };
    if (rest.PhoneNumbers === "13000000000")
      return { status: 200, body: { Code: "isv.MOBILE_NUMBER_ILLEGAL", Message: "bad" } };
    return { status: 200, body: { Code: "OK", BizId: `biz-${calls}`, RequestId: "r" } };
  });
  let provider: AliyunSmsProvider;
  beforeAll(async () => {
    const base = await server.start();
    provider = new AliyunSmsProvider({
      accessKeyId: "ak",
      accessKeySecret: secret,
      signName: "快递客服",
      templateCode: "SMS_9",
      apiBase: base,
    });
  });
  afterAll(() => server.close());

  it("sends a signed SendSms request the gateway verifies", async () => {
    const res = await provider.send({ to: "+8613800138000", body: "您的快件已签收。", idempotencyKey: "m-1:0" });
    expect(res.providerId).toMatch(/^biz-/);
    const q = server.requests.at(-1)!.query;
    expect(q.get("Action")).toBe("SendSms");
    expect(q.get("PhoneNumbers")).toBe("13800138000");
    expect(JSON.parse(q.get("TemplateParam")!)).toEqual({ content: "您的快件已签收。" });
  });

  it("maps gateway errors: invalid number is permanent, 5xx is retryable", async () => {
    await expect(provider.send({ to: "+8613000000000", body: "x", idempotencyKey: "k" })).rejects.toMatchObject({
      retryable: false,
    });
    server.failNext(() => true, 1, { status: 503, body: { Code: "ServiceUnavailable" } });
    const err = await provider.send({ to: "+8613800138000", body: "x", idempotencyKey: "k" }).catch((e) => e);
    expect(err).toBeInstanceOf(SmsSendError);
    expect(err.retryable).toBe(true);
  });
});
