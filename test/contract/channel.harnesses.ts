import { randomBytes } from "node:crypto";
import type { Activity, ConversationAccount } from "botbuilder";
import { XMLParser } from "fast-xml-parser";
import { FileBox } from "file-box";
import twilio from "twilio";
import WXBizMsgCrypt from "wechat-crypto";
import { types } from "wechaty";
import type { PuppetMock } from "wechaty-puppet-mock";
import WebSocket from "ws";
import { WECHATY_TEXT_MAX_BYTES, type WechatyChannel } from "../../channels/wechat/wechaty.channel.js";
import { wechatSignature } from "../../channels/wechat-oa/wechat.crypto.js";
import { utf8Bytes, utf16Units } from "../../src/channel/split.js";
import type { TestApp } from "../support/app.js";
import { type ChatReply, WebchatClient } from "../support/webchat-client.js";
import type { ChannelHarness } from "./channel.contract.js";
import { eventually, FakeServer } from "./channel.fakes.js";

// ───────────────────────────── WeChat Official Account ─────────────────────────────

export const WECHAT = {
  token: "kuaidiToken123",
  appId: "wx5823bf96d3bd56c7",
  appSecret: "test-app-secret",
  aesKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
  account: "gh_kuaidi_service",
};

/**
 * The app's WeChat settings for the test account, in safe mode (AES key set); `allowPlain` lets
 * unencrypted pushes in too (WECHAT_ALLOW_PLAIN), `apiBase` is where the app calls WeChat's API.
 */
export function wechatEnv(apiBase: string, allowPlain: boolean): Record<string, string> {
  return {
    WECHAT_TOKEN: WECHAT.token,
    WECHAT_APP_ID: WECHAT.appId,
    WECHAT_APP_SECRET: WECHAT.appSecret,
    WECHAT_AES_KEY: WECHAT.aesKey,
    ...(allowPlain ? { WECHAT_ALLOW_PLAIN: "true" } : {}),
    WECHAT_API_BASE: apiBase,
  };
}

const xml = new XMLParser({ parseTagValue: false });

export function wechatTextXml(p: { from: string; content: string; msgId: string; createTime?: number }): string {
  return `<xml><ToUserName><![CDATA[${WECHAT.account}]]></ToUserName><FromUserName><![CDATA[${p.from}]]></FromUserName><CreateTime>${p.createTime ?? Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${p.content}]]></Content><MsgId>${p.msgId}</MsgId></xml>`;
}

/**
 * A signed (plain mode) or encrypted (safe mode) push as WeChat's servers send it; safe mode is
 * encrypted and signed by the classic wechat-crypto library, not by our own code.
 */
export function wechatPush(body: string, mode: "plain" | "safe" = "plain", token = WECHAT.token) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(5).toString("hex");
  const q = new URLSearchParams({ timestamp, nonce, signature: wechatSignature(token, timestamp, nonce), openid: "x" });
  if (mode === "plain") return { query: q.toString(), body };
  const cryptor = new WXBizMsgCrypt(token, WECHAT.aesKey, WECHAT.appId);
  const encrypt = cryptor.encrypt(body);
  q.set("encrypt_type", "aes");
  q.set("msg_signature", cryptor.getSignature(timestamp, nonce, encrypt));
  return {
    query: q.toString(),
    body: `<xml><ToUserName><![CDATA[${WECHAT.account}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
  };
}

/** The Content of a passive reply (decrypting a safe-mode one), or undefined for "success". */
export function passiveContent(responseBody: string): string | undefined {
  if (!responseBody.startsWith("<xml>")) return undefined;
  let doc = xml.parse(responseBody).xml as Record<string, string>;
  if (doc.Encrypt) {
    const plain = new WXBizMsgCrypt(WECHAT.token, WECHAT.aesKey, WECHAT.appId).decrypt(doc.Encrypt);
    if (plain.id !== WECHAT.appId) throw new Error(`reply encrypted for ${plain.id}`);
    doc = xml.parse(plain.message).xml;
  }
  return doc.Content;
}

export interface WechatOaHarness extends ChannelHarness {
  api: FakeServer;
  app(): TestApp;
  /** Raw HTTP answers to the pushes, oldest first. */
  answers: { status: number; body: string }[];
  customerSends(): { touser: string; content: string }[];
  /** Customers' media the fake media API (/cgi-bin/media/get) serves, by MediaId (issue 17). */
  media: Map<string, Buffer>;
}

export function wechatOaHarness(opts: { passiveWindowMs?: number; mode?: "plain" | "safe" } = {}): WechatOaHarness {
  let tokens = 0;
  const sent: { touser: string; content: string }[] = [];
  const passive: string[] = [];
  const answers: { status: number; body: string }[] = [];
  const media = new Map<string, Buffer>();
  const uploads = new Map<string, Promise<Buffer>>();
  const sentImages: Promise<Buffer>[] = [];
  let t: TestApp | undefined;
  const api = new FakeServer((r) => {
    if (r.path === "/cgi-bin/token")
      return { status: 200, body: { access_token: `TOKEN${++tokens}`, expires_in: 7200 } };
    if (r.path === "/cgi-bin/media/get") {
      const bytes = media.get(r.query.get("media_id") ?? "");
      return bytes
        ? { status: 200, body: bytes, headers: { "content-type": "image/jpeg" } }
        : { status: 200, body: { errcode: 40007, errmsg: "invalid media_id" } };
    }
    if (r.path === "/cgi-bin/media/upload") {
      // 新增临时素材: a multipart upload, field `media`; answered with a media_id (parsed below).
      if (r.query.get("type") !== "image")
        return { status: 200, body: { errcode: 40004, errmsg: "invalid media type" } };
      const mediaId = `MEDIA${uploads.size + 1}`;
      uploads.set(mediaId, parseUpload(r));
      return { status: 200, body: { type: "image", media_id: mediaId, created_at: 1 } };
    }
    if (r.path === "/cgi-bin/message/custom/send") {
      const image = JSON.parse(r.body) as { touser: string; msgtype: string; image?: { media_id: string } };
      if (image.msgtype === "image") {
        const upload = uploads.get(image.image?.media_id ?? "");
        if (!upload) return { status: 200, body: { errcode: 40007, errmsg: "invalid media_id" } };
        sentImages.push(upload);
        return { status: 200, body: { errcode: 0, errmsg: "ok", msgid: 5000 + sentImages.length } };
      }
      const body = JSON.parse(r.body) as { touser: string; text: { content: string } };
      // As WeChat does: a text over 2,048 bytes is refused.
      if (Buffer.byteLength(body.text.content, "utf8") > 2048)
        return { status: 200, body: { errcode: 45002, errmsg: "content size out of limit" } };
      sent.push({ touser: body.touser, content: body.text.content });
      return { status: 200, body: { errcode: 0, errmsg: "ok", msgid: 1000 + sent.length } };
    }
    return { status: 404, body: {} };
  });
  const isSend = (r: { path: string }) => r.path === "/cgi-bin/message/custom/send";
  return {
    channel: "wechat_oa",
    api,
    answers,
    media,
    app: () => t!,
    customerSends: () => sent,
    async setup() {
      const base = await api.start();
      return {
        // Plain-mode harnesses post unencrypted pushes, which safe mode refuses by default.
        ...wechatEnv(base, opts.mode !== "safe"),
        WECHAT_PASSIVE_WINDOW_MS: String(opts.passiveWindowMs ?? 4000),
      };
    },
    async attach(app) {
      t = app;
    },
    async sendInbound(text, id, from = "first") {
      const push = wechatPush(
        wechatTextXml({ from: `o_${from}`, content: text, msgId: msgIdOf(id) }),
        opts.mode ?? "plain",
      );
      const res = await fetch(`${t!.baseUrl}/webhooks/wechat?${push.query}`, {
        method: "POST",
        headers: { "content-type": "text/xml" },
        body: push.body,
      });
      const body = await res.text();
      answers.push({ status: res.status, body });
      if (res.status !== 200) throw new Error(`push refused: ${res.status} ${body}`);
      const content = passiveContent(body);
      if (content) passive.push(content);
    },
    nativeId: msgIdOf,
    delivered: () => [...passive, ...sent.map((s) => s.content)],
    failSendsTo: (from) =>
      api.failUntilReleased((r) => isSend(r) && (JSON.parse(r.body) as { touser?: string }).touser === `o_${from}`),
    deliveredImages: () => Promise.all(sentImages),
    successfulSends: () => sent.length,
    partLimit: { max: 2048, measure: utf8Bytes },
    teardown: () => api.close(),
  };
}

/** The `media` file of a multipart upload, read by the platform's own form parser (undici). */
async function parseUpload(r: {
  raw: Buffer;
  headers: Record<string, string | string[] | undefined>;
}): Promise<Buffer> {
  const form = await new Response(new Uint8Array(r.raw), {
    headers: { "content-type": String(r.headers["content-type"] ?? "") },
  }).formData();
  const file = form.get("media");
  if (!(file instanceof Blob)) throw new Error("upload without a media file");
  return Buffer.from(await file.arrayBuffer());
}

/** WeChat MsgIds are 64-bit numbers: map a test id onto one. */
export function msgIdOf(id: string): string {
  let h = 0n;
  for (const c of id) h = (h * 131n + BigInt(c.codePointAt(0)!)) % 9_000_000_000_000_000_000n;
  return String(h + 1_000_000_000_000_000_000n);
}

// ───────────────────────────── SMS (Twilio) ─────────────────────────────

export const TWILIO = {
  accountSid: "AC0123456789abcdef0123456789abcdef",
  authToken: "twilio-auth-token-for-tests",
  from: "+8610690000",
  publicUrl: "https://kd.example.com",
};

export function phoneOf(label: string): string {
  let n = 0;
  for (const c of label) n = (n * 31 + c.charCodeAt(0)) % 100_000_000;
  return `+86139${String(n).padStart(8, "0")}`;
}

/**
 * Posts a form to one of the Twilio webhooks, signed by the twilio package as Twilio signs it,
 * for `signedUrl` (default: PUBLIC_URL + path), or with a given `signature`.
 */
export async function postTwilio(
  baseUrl: string,
  path: string,
  form: Record<string, string>,
  signature?: string,
  opts: { signedUrl?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const pairs = Object.entries(form);
  const signedUrl = opts.signedUrl ?? `${TWILIO.publicUrl}${path}`;
  return fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": signature ?? twilio.getExpectedTwilioSignature(TWILIO.authToken, signedUrl, form),
      ...opts.headers,
    },
    body: new URLSearchParams(pairs).toString(),
  });
}

export interface SmsHarness extends ChannelHarness {
  api: FakeServer;
  app(): TestApp;
  sends(): { to: string; body: string; sid: string; statusCallback?: string; mediaUrls: string[] }[];
  /** MMS media the fake Twilio API serves, by path (issue 17). */
  media: Map<string, Buffer>;
}

export function smsHarness(extraEnv: Record<string, string> = {}): SmsHarness {
  const sent: { to: string; body: string; sid: string; statusCallback?: string; mediaUrls: string[] }[] = [];
  const media = new Map<string, Buffer>();
  let t: TestApp | undefined;
  const api = new FakeServer((r) => {
    const image = r.method === "GET" ? media.get(r.path) : undefined;
    if (image) return { status: 200, body: image, headers: { "content-type": "image/jpeg" } };
    if (r.method === "POST" && r.path === `/2010-04-01/Accounts/${TWILIO.accountSid}/Messages.json`) {
      const form = new URLSearchParams(r.body);
      const sid = `SM${String(sent.length + 1).padStart(32, "0")}`;
      sent.push({
        to: form.get("To")!,
        body: form.get("Body") ?? "",
        sid,
        statusCallback: form.get("StatusCallback") ?? undefined,
        mediaUrls: form.getAll("MediaUrl"),
      });
      return { status: 201, body: { sid, status: "queued" } };
    }
    return { status: 404, body: { code: 20404, message: "not found" } };
  });
  return {
    channel: "sms",
    api,
    app: () => t!,
    sends: () => sent,
    media,
    async setup() {
      const base = await api.start();
      return {
        TWILIO_ACCOUNT_SID: TWILIO.accountSid,
        TWILIO_AUTH_TOKEN: TWILIO.authToken,
        TWILIO_FROM: TWILIO.from,
        TWILIO_API_BASE: base,
        PUBLIC_URL: TWILIO.publicUrl,
        ...extraEnv,
      };
    },
    async attach(app) {
      t = app;
    },
    async sendInbound(text, id, from = "first") {
      const res = await postTwilio(t!.baseUrl, "/webhooks/sms/twilio", {
        MessageSid: `SM${id}`,
        AccountSid: TWILIO.accountSid,
        From: phoneOf(from),
        To: TWILIO.from,
        Body: text,
        NumMedia: "0",
      });
      if (res.status !== 200) throw new Error(`sms webhook refused: ${res.status} ${await res.text()}`);
    },
    // One reply may be several segments: join them back per message in send order. An
    // image-only MMS has no body.
    delivered: () => sent.filter((s) => s.body || !s.mediaUrls.length).map((s) => s.body),
    // As Twilio does: each MediaUrl is fetched (the public host is this app in the test).
    deliveredImages: () =>
      Promise.all(
        sent
          .flatMap((s) => s.mediaUrls)
          .map(async (url) => {
            const res = await fetch(url.replace(TWILIO.publicUrl, t!.baseUrl));
            if (res.status !== 200) throw new Error(`MediaUrl answered ${res.status}`);
            return Buffer.from(await res.arrayBuffer());
          }),
      ),
    failSendsTo: (from) =>
      api.failUntilReleased(
        (r) => r.path.endsWith("/Messages.json") && new URLSearchParams(r.body).get("To") === phoneOf(from),
      ),
    successfulSends: () => sent.length,
    // Twilio concatenates up to 1,600 characters itself; beyond, numbered parts "(1/2)…".
    partLimit: { max: 1600, measure: utf16Units },
    partBody: (body) => body.replace(/^\(\d+\/\d+\)/, ""),
    teardown: () => api.close(),
  };
}

// ───────────────────────────── Bot Framework ─────────────────────────────

export interface BotFrameworkHarness extends ChannelHarness {
  connector: FakeServer;
  app(): TestApp;
  activity(text: string, id: string, from?: string): Partial<Activity>;
  replies(): { conversationId: string; path: string; body: Record<string, unknown> }[];
}

export function botFrameworkHarness(): BotFrameworkHarness {
  const replies: { conversationId: string; path: string; body: Record<string, unknown> }[] = [];
  let t: TestApp | undefined;
  const connector = new FakeServer((r) => {
    const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/[^/]+)?$/.exec(r.path);
    if (r.method === "POST" && m) {
      replies.push({
        conversationId: decodeURIComponent(m[1]!),
        path: r.path,
        body: JSON.parse(r.body) as Record<string, unknown>,
      });
      return { status: 200, body: { id: `reply-${replies.length}` } };
    }
    return { status: 404, body: {} };
  });
  const activity = (text: string, id: string, from = "first"): Partial<Activity> => ({
    type: "message",
    id,
    text,
    channelId: "emulator",
    serviceUrl: connector.baseUrl,
    timestamp: new Date(),
    locale: "zh-CN",
    from: { id: `user-${from}`, name: `User ${from}`, role: "user" },
    recipient: { id: "bot-1", name: "kuaidi-bot", role: "bot" },
    // As the Emulator sends it: no conversationType, isGroup or name.
    conversation: { id: `conv-${from}` } as ConversationAccount,
  });
  return {
    channel: "botframework",
    connector,
    app: () => t!,
    activity,
    replies: () => replies,
    async setup() {
      await connector.start();
      // The Bot Connector client's own retries of a 5xx wait 10 ms, 20 ms, 40 ms (at most) here,
      // not the SDK's 1 s, 2 s, 4 s: each send an outage fails took ~3.5–7 s of the retry tests.
      return { BOTFRAMEWORK_ENABLED: "true", BOTFRAMEWORK_RETRY_BASE_MS: "10" };
    },
    async attach(app) {
      t = app;
    },
    async sendInbound(text, id, from) {
      const res = await fetch(`${t!.baseUrl}/api/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(activity(text, id, from)),
      });
      if (res.status >= 300) throw new Error(`activity refused: ${res.status} ${await res.text()}`);
    },
    delivered: () => replies.filter((r) => r.body.text !== undefined).map((r) => String(r.body.text)),
    // Inline attachments (data URIs), as Web Chat and the Emulator render them.
    deliveredImages: async () =>
      replies.flatMap((r) =>
        ((r.body.attachments as { contentUrl?: string }[] | undefined) ?? [])
          .map((a) => /^data:image\/(?:png|jpeg);base64,(.+)$/.exec(a.contentUrl ?? "")?.[1])
          .filter((b): b is string => b !== undefined)
          .map((b) => Buffer.from(b, "base64")),
      ),
    // botbuilder's connector client retries 5xx itself, so the outbox sees a failure only once
    // the connector keeps failing past those retries: an outage, not a count.
    failSendsTo: (from) =>
      connector.failUntilReleased(
        (r) => r.method === "POST" && r.path.startsWith(`/v3/conversations/${encodeURIComponent(`conv-${from}`)}/`),
        { status: 503, body: { error: { code: "ServiceUnavailable", message: "try later" } } },
      ),
    successfulSends: () => replies.length,
    teardown: () => connector.close(),
  };
}

// ───────────────────────────── Wechaty (puppet mock) ─────────────────────────────

type Mocker = PuppetMock["mocker"];
type ContactMock = ReturnType<Mocker["createContact"]>;

export interface WechatyHarness extends ChannelHarness {
  mocker(): Mocker;
  puppet(): PuppetMock;
  botUser(): ContactMock;
  contact(label: string): ContactMock;
  channelOf(): WechatyChannel;
  app(): TestApp;
  /** Every message the bot sent: to whom (contact or room id) and the text. */
  outgoing(): { to: string; text: string; roomId?: string }[];
  /**
   * Has `say` a message to the bot (or a room) and returns its id once the channel has handled
   * it: its turn committed, or ignored. Waits on the channel, not the clock.
   */
  deliver(say: () => void): Promise<string>;
}

export function wechatyHarness(): WechatyHarness {
  let t: TestApp | undefined;
  let mocker: Mocker | undefined;
  let user: ContactMock | undefined;
  const contacts = new Map<string, ContactMock>();
  const nativeIds = new Map<string, string>();
  const outgoing: { to: string; text: string; roomId?: string }[] = [];
  const images: Promise<Buffer>[] = [];
  const failing = new Set<string>();
  const patched = new WeakSet<PuppetMock>();
  /** Ids of the messages Wechaty has emitted to its listeners (the channel's first). */
  const emitted = new Set<string>();
  const channelOf = () => t!.app.channels.find((c) => c.name === "wechaty") as WechatyChannel;
  const contact = (label: string) => {
    let c = contacts.get(label);
    if (!c) {
      c = mocker!.createContact({ name: `客户${label}`, type: types.Contact.Individual });
      contacts.set(label, c);
    }
    return c;
  };
  /** Once Wechaty has emitted the message, the channel is handling it: wait for that, then for the channel. */
  const handled = async (messageId: string) => {
    await eventually(() => emitted.has(messageId));
    await channelOf().idle();
  };
  const deliver = async (say: () => void) => {
    const before = new Set(mocker!.cacheMessagePayload.keys());
    say();
    const created = [...mocker!.cacheMessagePayload.keys()].find((k) => !before.has(k));
    if (!created) throw new Error("the mock puppet created no message");
    await handled(created);
    return created;
  };
  return {
    channel: "wechaty",
    app: () => t!,
    mocker: () => mocker!,
    puppet: () => channelOf().wechaty!.puppet as unknown as PuppetMock,
    botUser: () => user!,
    contact,
    channelOf,
    outgoing: () => outgoing,
    async setup() {
      return { WECHATY_PUPPET: "wechaty-puppet-mock" };
    },
    async attach(app) {
      t = app;
      const channel = channelOf();
      const bot = await eventually(() => {
        try {
          return channel.wechaty?.puppet ? channel.wechaty : undefined;
        } catch {
          return undefined; // the puppet is created while Wechaty starts
        }
      });
      const puppet = bot.puppet as unknown as PuppetMock;
      mocker = puppet.mocker;
      puppet.on("message", ({ messageId }) => {
        const p = mocker!.messagePayload(messageId);
        const file = mocker!.cacheFileBoxPayload.get(messageId);
        if (p.talkerId === user?.id && file) {
          images.push(FileBox.fromJSON(file).toBuffer());
          return;
        }
        if (p.talkerId === user?.id)
          outgoing.push({
            to: p.roomId ?? p.listenerId ?? "",
            text: p.text ?? "",
            ...(p.roomId ? { roomId: p.roomId } : {}),
          });
      });
      // Registered after the channel's own listener, so the channel has begun handling a message when this sees it.
      bot.on("message", (m) => {
        emitted.add(m.id);
      });
      mocker.scan("https://login.weixin.qq.com/l/kuaidi-test", types.ScanStatus.Waiting);
      await eventually(() => channel.loginState().state === "scanning");
      user = mocker.createContact({ name: "快递客服" });
      mocker.login(user);
      await eventually(() => channel.status().state === "ready");
    },
    deliver,
    async sendInbound(text, id, from = "first") {
      const known = nativeIds.get(id);
      if (known) {
        // A puppet re-emitting a message it already delivered (reconnect replay).
        emitted.delete(known);
        mocker!.puppet.emit("message", { messageId: known });
        await handled(known);
        return;
      }
      const c = contact(from);
      nativeIds.set(id, await deliver(() => c.say(text).to(user!)));
    },
    nativeId: (id) => nativeIds.get(id) ?? id,
    delivered: () => outgoing.map((o) => o.text),
    deliveredImages: () => Promise.all(images),
    // The puppet refuses sends to the customer (a protocol error), as a real one does when
    // WeChat throttles or the connection drops, until released.
    failSendsTo: (from) => {
      const target = contact(from).id;
      failing.add(target);
      const puppet = channelOf().wechaty!.puppet as unknown as PuppetMock;
      if (!patched.has(puppet)) {
        patched.add(puppet);
        const send = puppet.messageSendText.bind(puppet);
        puppet.messageSendText = async (conversationId, text) => {
          if (failing.has(conversationId)) throw new Error(`puppet: send to ${conversationId} failed`);
          return send(conversationId, text);
        };
      }
      return () => failing.delete(target);
    },
    successfulSends: () => outgoing.length,
    partLimit: { max: WECHATY_TEXT_MAX_BYTES, measure: utf8Bytes },
    teardown: async () => {},
  };
}

// ───────────────────────────── Web chat ─────────────────────────────

/**
 * The widget's view: one session per customer label, its turn replies from the HTTP answer and
 * everything else (agent messages) pushed over its WebSocket. A message is shown once per id,
 * in commit order (seq), as the widget renders it; a re-sent clientMessageId returns the same ids.
 */
export function webchatHarness(): ChannelHarness {
  let t: TestApp | undefined;
  const sessions = new Map<string, { chat: WebchatClient; ws: WebSocket }>();
  const shown = new Map<string, { seq: bigint; text: string }>();
  const show = (m: Pick<ChatReply, "id" | "seq" | "direction" | "text"> & { attachments?: unknown[] }) => {
    // As the widget renders a message: its images instead of its text when it has any.
    if (m.direction === "out" && !m.attachments?.length) shown.set(m.id, { seq: BigInt(m.seq), text: m.text });
  };
  async function session(label: string) {
    const known = sessions.get(label);
    if (known) return known;
    const chat = await WebchatClient.open(t!.baseUrl);
    const ws = new WebSocket(
      `${t!.baseUrl.replace("http", "ws")}/api/webchat/ws?sessionId=${chat.sessionId}&token=${encodeURIComponent(chat.token)}`,
    );
    await new Promise<void>((resolve, reject) => {
      ws.on("message", (raw) => {
        const event = JSON.parse(raw.toString()) as { type: string; message?: ChatReply };
        if (event.type === "ready") resolve();
        if (event.type === "message" && event.message) show(event.message);
      });
      ws.on("error", reject);
    });
    const s = { chat, ws };
    sessions.set(label, s);
    return s;
  }
  return {
    channel: "webchat",
    async setup() {
      return {};
    },
    async attach(app) {
      t = app;
    },
    async sendInbound(text, id, from = "first") {
      const { chat } = await session(from);
      for (const reply of await chat.say(text, id)) show(reply);
    },
    delivered: () =>
      [...shown.values()].sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0)).map((m) => m.text),
    // What the widget shows beside a message: its images, downloaded with the session's token.
    async deliveredImages() {
      const out: Buffer[] = [];
      for (const { chat } of sessions.values())
        for (const m of (await chat.history()) as (ChatReply & { attachments?: { id: string }[] })[]) {
          if (m.direction !== "out") continue;
          for (const a of m.attachments ?? []) {
            const res = await fetch(`${t!.baseUrl}/api/webchat/sessions/${chat.sessionId}/attachments/${a.id}`, {
              headers: { authorization: `Bearer ${chat.token}` },
            });
            out.push(Buffer.from(await res.arrayBuffer()));
          }
        }
      return out;
    },
    async teardown() {
      for (const { ws } of sessions.values()) ws.close();
    },
  };
}
