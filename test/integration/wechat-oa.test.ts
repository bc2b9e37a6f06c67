import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wechatSignature } from "../../channels/wechat-oa/wechat.crypto.js";
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
import { DB_KINDS, type DbKind, startTestApp, type TestApp } from "../support/app.js";
import { renderLabel } from "../support/images.js";
import { outboxSettled } from "../support/outbox.js";
import { api, staffLogin, TICKET_NUMBER } from "./ticket.helpers.js";

async function push(t: TestApp, p: { query: string; body: string }, contentType = "text/xml") {
  const res = await fetch(`${t.baseUrl}/webhooks/wechat?${p.query}`, {
    method: "POST",
    headers: { "content-type": contentType },
    body: p.body,
  });
  return { status: res.status, text: await res.text() };
}

const inboundCount = (t: TestApp) =>
  t.app.db.prisma.message.count({ where: { channel: "wechat_oa", direction: "in" } });

describe.each(DB_KINDS)("WeChat Official Account webhook (%s)", (kind: DbKind) => {
  let h: WechatOaHarness;
  let t: TestApp;

  beforeAll(async () => {
    h = wechatOaHarness();
    // Surveys go out as soon as a ticket is resolved (the refused-survey case below).
    t = await startTestApp(kind, { ...(await h.setup()), SURVEY_DELAY_SECONDS: "0" });
    await h.attach!(t);
  });
  afterAll(async () => {
    await t?.close();
    await h?.teardown();
  });

  it("echoes echostr on URL verification only when the signature is right", async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const q = new URLSearchParams({
      timestamp,
      nonce: "n1",
      echostr: "echo-123",
      signature: wechatSignature(WECHAT.token, timestamp, "n1"),
    });
    const ok = await fetch(`${t.baseUrl}/webhooks/wechat?${q}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("echo-123");
    q.set("signature", "0".repeat(40));
    const bad = await fetch(`${t.baseUrl}/webhooks/wechat?${q}`);
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("INVALID_SIGNATURE");
  });

  it("answers a fast turn passively in plain mode, and never again through the API", async () => {
    const sendsBefore = h.customerSends().length;
    const res = await push(
      t,
      wechatPush(wechatTextXml({ from: "o_plain", content: "你好", msgId: msgIdOf(`plain-${kind}`) })),
    );
    expect(res.status).toBe(200);
    expect(passiveContent(res.text)).toContain("快递");
    expect(res.text).toContain("<ToUserName><![CDATA[o_plain]]></ToUserName>");
    const out = await t.app.db.prisma.outbox.findMany({
      where: { channel: "wechat_oa", address: { path: ["openid"], equals: "o_plain" } },
    });
    expect(out.length).toBeGreaterThan(0);
    expect(out.every((o) => o.status === "sent" && o.providerId?.startsWith("passive:"))).toBe(true);
    // Nothing of this customer's is left to send by a retry or the sweeper: none went out by API.
    await outboxSettled(t.app, { channel: "wechat_oa", address: { path: ["openid"], equals: "o_plain" } });
    expect(h.customerSends().length).toBe(sendsBefore);
  });

  it("decrypts safe-mode pushes and encrypts the passive answer with a valid signature", async () => {
    const res = await push(
      t,
      wechatPush(wechatTextXml({ from: "o_safe", content: "你好", msgId: msgIdOf(`safe-${kind}`) }), "safe"),
    );
    expect(res.status).toBe(200);
    expect(res.text).toContain("<Encrypt>");
    expect(res.text).not.toContain("快递"); // only ciphertext on the wire
    const m =
      /<Encrypt><!\[CDATA\[(.+?)\]\]><\/Encrypt><MsgSignature><!\[CDATA\[(\w+)\]\]><\/MsgSignature><TimeStamp>(\d+)<\/TimeStamp><Nonce><!\[CDATA\[(\w+)\]\]>/.exec(
        res.text,
      );
    expect(m).not.toBeNull();
    expect(wechatSignature(WECHAT.token, m![3]!, m![4]!, m![1]!)).toBe(m![2]);
    expect(passiveContent(res.text)).toContain("快递");
  });

  it("refuses a bad signature with 401 and stores nothing", async () => {
    const before = await inboundCount(t);
    const p = wechatPush(wechatTextXml({ from: "o_bad", content: "你好", msgId: "1" }), "plain", "wrongToken");
    expect((await push(t, p)).status).toBe(401);
    const safe = wechatPush(wechatTextXml({ from: "o_bad", content: "你好", msgId: "2" }), "safe", "wrongToken");
    expect((await push(t, safe)).status).toBe(401);
    // A replayed push: right signature, stale timestamp.
    const ts = String(Math.floor(Date.now() / 1000) - 3600);
    const q = new URLSearchParams({ timestamp: ts, nonce: "n", signature: wechatSignature(WECHAT.token, ts, "n") });
    expect(
      (await push(t, { query: q.toString(), body: wechatTextXml({ from: "o_bad", content: "x", msgId: "3" }) })).status,
    ).toBe(401);
    expect(await inboundCount(t)).toBe(before);
  });

  it("refuses malformed XML, XML bombs and oversized bodies with 4xx and stores nothing", async () => {
    const before = await inboundCount(t);
    const malformed = await push(t, wechatPush("<xml><FromUserName>o_x</FromUserName><MsgType>text"));
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.text).error.code).toBe("INVALID_XML");
    const bomb = `<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><xml><FromUserName>o_x</FromUserName><MsgType>text</MsgType><Content>&b;</Content><MsgId>9</MsgId></xml>`;
    const bombed = await push(t, wechatPush(bomb));
    expect(bombed.status).toBe(400);
    expect(JSON.parse(bombed.text).error.code).toBe("INVALID_XML");
    const huge = await push(t, wechatPush(wechatTextXml({ from: "o_x", content: "长".repeat(70_000), msgId: "10" })));
    expect(huge.status).toBe(413);
    const noRoot = await push(t, wechatPush("<foo>bar</foo>"));
    expect(noRoot.status).toBe(400);
    expect(await inboundCount(t)).toBe(before);
  });

  it("dedupes WeChat's retries by MsgId: one stored message, the retry answered 'success'", async () => {
    const p = wechatTextXml({ from: "o_retry", content: "谢谢", msgId: msgIdOf(`retry-${kind}`) });
    const first = await push(t, wechatPush(p));
    expect(passiveContent(first.text)).toContain("不客气");
    const again = await push(t, wechatPush(p));
    expect(again.status).toBe(200);
    expect(again.text).toBe("success");
    const stored = await t.app.db.prisma.message.count({
      where: { channel: "wechat_oa", channelMessageId: { endsWith: `:${msgIdOf(`retry-${kind}`)}` } },
    });
    expect(stored).toBe(1);
  });

  it("welcomes a new follower (subscribe event) and dedupes the event's retries by FromUserName+CreateTime", async () => {
    const createTime = Math.floor(Date.now() / 1000);
    const ev = `<xml><ToUserName><![CDATA[${WECHAT.account}]]></ToUserName><FromUserName><![CDATA[o_new]]></FromUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>`;
    const res = await push(t, wechatPush(ev));
    expect(passiveContent(res.text)).toContain("快递");
    const again = await push(t, wechatPush(ev));
    expect(again.text).toBe("success");
    expect(
      await t.app.db.prisma.message.count({
        where: { channel: "wechat_oa", channelMessageId: `o_new:${createTime}:subscribe` },
      }),
    ).toBe(1);
  });

  it("an image message is fetched from the media API, stored, and its waybill answered like the number", async () => {
    h.media.set(
      `label-${kind}`,
      await renderLabel(["YUNDA EXPRESS", "SF1438829301576"], { format: "jpeg", rotate: -5 }),
    );
    const image = (mediaId: string, id: string) =>
      `<xml><ToUserName><![CDATA[${WECHAT.account}]]></ToUserName><FromUserName><![CDATA[o_image]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://127.0.0.1:9/p.jpg]]></PicUrl><MediaId><![CDATA[${mediaId}]]></MediaId><MsgId>${msgIdOf(id)}</MsgId></xml>`;
    // Within WeChat's 5 s the answer is passive; a slower turn (a loaded machine) is answered
    // through the customer-service API instead.
    const answer = async (pushed: { text: string }, expected: RegExp) => {
      const passive = passiveContent(pushed.text);
      if (passive) return passive;
      // OCR on a loaded 2-core machine (CI beside other work) can take many seconds: wait on
      // the answer itself, generously, not on a guess of how long the machine needs.
      return eventually(
        () =>
          h
            .customerSends()
            .filter((s) => s.touser === "o_image")
            .map((s) => s.content)
            .find((c) => expected.test(c)),
        60_000,
      );
    };
    const res = await push(t, wechatPush(image(`label-${kind}`, `img-${kind}`)));
    expect(await answer(res, /识别到运单号/)).toContain("识别到运单号 SF1438829301576");
    const ident = await t.app.db.prisma.channelIdentity.findUniqueOrThrow({
      where: { channel_externalId: { channel: "wechat_oa", externalId: "o_image" } },
    });
    const convIds = (await t.app.db.prisma.conversation.findMany({ where: { identityId: ident.id } })).map((c) => c.id);
    const ofCustomer = { conversationId: { in: convIds } };
    const stored = await eventually(() =>
      t.app.db.prisma.attachment.findFirst({ where: { ...ofCustomer, messageId: { not: null } } }),
    );
    expect(stored.ocrWaybills).toEqual(["SF1438829301576"]);
    // A MediaId WeChat no longer has: a polite answer, nothing stored.
    const gone = await push(t, wechatPush(image("expired", `img-gone-${kind}`)));
    expect(await answer(gone, /没能收下/)).toMatch(/没能收下/);
    expect(await t.app.db.prisma.attachment.count({ where: ofCustomer })).toBe(1);
  }, 180_000);

  it("answers stickers and voice without recognition with the polite text-only reply", async () => {
    for (const [type, extra] of [
      ["shortvideo", "<MediaId><![CDATA[m]]></MediaId><ThumbMediaId><![CDATA[t]]></ThumbMediaId>"],
      ["voice", "<MediaId><![CDATA[m]]></MediaId><Format><![CDATA[amr]]></Format>"],
    ] as const) {
      const body = `<xml><ToUserName><![CDATA[${WECHAT.account}]]></ToUserName><FromUserName><![CDATA[o_media]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[${type}]]></MsgType>${extra}<MsgId>${msgIdOf(`${type}-${kind}`)}</MsgId></xml>`;
      const res = await push(t, wechatPush(body));
      expect(passiveContent(res.text)).toMatch(/文字/);
    }
  });

  it("uses WeChat's voice recognition text when the account has it on", async () => {
    const body = `<xml><ToUserName><![CDATA[${WECHAT.account}]]></ToUserName><FromUserName><![CDATA[o_voice]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[m]]></MediaId><Recognition><![CDATA[你好]]></Recognition><MsgId>${msgIdOf(`rec-${kind}`)}</MsgId></xml>`;
    const res = await push(t, wechatPush(body));
    expect(passiveContent(res.text)).toContain("快递");
  });

  it("sends agent replies through the customer-service API, refreshing an access token WeChat rejects", async () => {
    await push(t, wechatPush(wechatTextXml({ from: "o_agent", content: "你好", msgId: msgIdOf(`agent-${kind}`) })));
    const conv = await t.app.db.prisma.conversation.findFirstOrThrow({
      where: {
        channel: "wechat_oa",
        messages: { some: { channelMessageId: { endsWith: `:${msgIdOf(`agent-${kind}`)}` } } },
      },
    });
    const tokenCalls = () => h.api.matching((r) => r.path === "/cgi-bin/token").length;
    await t.app.conversations.sendToConversation(conv.id, { text: "您好，请稍等。", author: "agent" });
    await eventually(() => h.customerSends().find((s) => s.touser === "o_agent"));
    const before = tokenCalls(); // the token is cached from here on
    // Someone else took a new token: WeChat answers 40001 once for ours.
    h.api.failNext((r) => r.path === "/cgi-bin/message/custom/send", 1, {
      status: 200,
      body: { errcode: 40001, errmsg: "invalid credential" },
    });
    await t.app.conversations.sendToConversation(conv.id, { text: "您好，我是客服小李。", author: "agent" });
    const sent = await eventually(() =>
      h.customerSends().find((s) => s.touser === "o_agent" && s.content === "您好，我是客服小李。"),
    );
    expect(sent).toMatchObject({ touser: "o_agent", content: "您好，我是客服小李。" });
    expect(tokenCalls()).toBe(before + 1);
    const last = h.api.matching((r) => r.path === "/cgi-bin/message/custom/send").at(-1)!;
    expect(last.query.get("access_token")).toBe(`TOKEN${tokenCalls()}`);
  });

  it("dead-letters a reply WeChat refuses for good (48-hour window closed) instead of retrying", async () => {
    await push(t, wechatPush(wechatTextXml({ from: "o_late", content: "你好", msgId: msgIdOf(`late-${kind}`) })));
    const conv = await t.app.db.prisma.conversation.findFirstOrThrow({
      where: {
        channel: "wechat_oa",
        messages: { some: { channelMessageId: { endsWith: `:${msgIdOf(`late-${kind}`)}` } } },
      },
    });
    h.api.failNext((r) => r.path === "/cgi-bin/message/custom/send", 1, {
      status: 200,
      body: { errcode: 45015, errmsg: "response out of time limit" },
    });
    const msg = await t.app.conversations.sendToConversation(conv.id, {
      text: "处理结果已出，请查收。",
      author: "agent",
    });
    const row = await t.app.db.prisma.outbox.findUniqueOrThrow({ where: { messageId: msg.id } });
    expect(row.status).toBe("dead");
    expect(row.attempts).toBe(1);
    expect(row.lastError).toContain("45015");
  });

  it("a survey WeChat refuses (45015) is failed, not sent, and the response rate counts delivered surveys only", async () => {
    const say = async (content: string, n: string) =>
      passiveContent((await push(t, wechatPush(wechatTextXml({ from: "o_survey", content, msgId: msgIdOf(n) })))).text);
    await say("我要投诉，快递三天了还没送到，物流一直不动，单号SF1234567890123，电话13800001111", `sv1-${kind}`);
    const number = TICKET_NUMBER.exec((await say("确认", `sv2-${kind}`)) ?? "")?.[0];
    expect(number).toBeTruthy();
    const li = await staffLogin(t.app, t.baseUrl, `li-${kind}`, "agent", ["logistics"]);
    const boss = await staffLogin(t.app, t.baseUrl, `boss-${kind}`, "supervisor");
    expect((await api(t.baseUrl, "POST", `/api/tickets/${number}/take`, li.token, {})).status).toBe(200);
    // The customer-service window has closed by the time the survey goes out.
    h.api.failNext((r) => r.path === "/cgi-bin/message/custom/send" && r.body.includes("满意"), 1, {
      status: 200,
      body: { errcode: 45015, errmsg: "response out of time limit" },
    });
    const resolved = await api(t.baseUrl, "POST", `/api/tickets/${number}/resolve`, li.token, {
      resolution: "已送达",
      rootCause: "non_quality",
    });
    expect(resolved.status).toBe(200);
    // The question was dead-lettered: the survey follows its delivery, and the ticket closes.
    await eventually(() =>
      t.app.db.prisma.outbox.findFirst({
        where: { status: "dead", address: { path: ["openid"], equals: "o_survey" } },
      }),
    );
    await eventually(() => t.app.db.prisma.survey.findFirst({ where: { ticket: { number }, status: "failed" } }));
    await eventually(() => t.app.db.prisma.ticket.findFirst({ where: { number, status: "closed" } }));
    // The chat is not stuck in a survey nobody saw: the next message is an ordinary request.
    expect(await say("你好", `sv3-${kind}`)).not.toContain("没能看懂");
    const summary = await api<{ surveys: { sent: number; responseRate: number | null } }>(
      t.baseUrl,
      "GET",
      `/api/reports/summary?agent=li-${kind}`,
      boss.token,
    );
    expect(summary.body.surveys).toMatchObject({ sent: 0, responseRate: null });
  });
});

describe("WeChat webhook: a slow turn (postgres, 1 ms passive window)", () => {
  let h: WechatOaHarness;
  let t: TestApp;
  beforeAll(async () => {
    h = wechatOaHarness();
    const env = await h.setup();
    t = await startTestApp("postgres", { ...env, WECHAT_PASSIVE_WINDOW_MS: "1" });
    await h.attach!(t);
  });
  afterAll(async () => {
    await t?.close();
    await h?.teardown();
  });

  it("answers 'success' at once and delivers the reply through the customer-service API exactly once", async () => {
    const nonce = randomBytes(3).toString("hex");
    const res = await push(
      t,
      wechatPush(wechatTextXml({ from: `o_slow${nonce}`, content: "你好", msgId: msgIdOf(`slow-${nonce}`) })),
    );
    expect(res.status).toBe(200);
    expect(res.text).toBe("success");
    const sent = await eventually(() => h.customerSends().filter((s) => s.touser === `o_slow${nonce}`).length > 0);
    expect(sent).toBe(true);
    // Every reply of this customer's turn has gone out (none pending for a retry or the sweeper).
    await outboxSettled(t.app, { channel: "wechat_oa", address: { path: ["openid"], equals: `o_slow${nonce}` } });
    const mine = h.customerSends().filter((s) => s.touser === `o_slow${nonce}`);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.content).toContain("快递");
  });
});
