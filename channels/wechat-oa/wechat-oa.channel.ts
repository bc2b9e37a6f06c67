import { randomBytes } from "node:crypto";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Logger } from "pino";
import { z } from "zod";
import {
  type ChannelAdapter,
  type ChannelAddress,
  type ChannelContext,
  type ChannelStatus,
  type InboundMessage,
  type OutboundMessage,
  PermanentSendError,
  type RecordSentParts,
  type SendResult,
} from "../../src/channel/channel.js";
import { splitWithChoices, utf8Bytes } from "../../src/channel/split.js";
import { MAX_TEXT_LENGTH } from "../../src/conversation/conversation.service.js";
import type { Db } from "../../src/db/client.js";
import { AppError } from "../../src/errors.js";
import { IMAGE_TEXT } from "../../src/images/image.inbound.js";
import {
  aesKeyFrom,
  decryptMessage,
  encryptMessage,
  signatureMatches,
  WechatCryptoError,
  wechatSignature,
} from "./wechat.crypto.js";
import { encryptedReplyXml, parseWechatXml, textReplyXml, type WechatPush, WechatXmlError } from "./wechat.xml.js";
import { type WechatApiClient, WechatApiError } from "./wechat-api.client.js";

export const WECHAT_OA = "wechat_oa";

export interface WechatOaOptions {
  token: string;
  appId: string;
  /** EncodingAESKey (43 chars): enables safe mode (加密模式) and compatible mode. */
  aesKey?: string | undefined;
  /**
   * With aesKey set, whether a plain push is still accepted. Its `signature` covers the timestamp
   * and nonce only (not the body), and WeChat sends the same `signature` with every safe-mode
   * push: whoever sees one request's URL (a proxy's access log) could post any XML as any openid
   * for the 5-minute window and read the passive answer. Safe and compatible mode always send
   * encrypt_type=aes, so by default only those are accepted.
   */
  allowPlain?: boolean;
  /**
   * How long the webhook waits for the turn before answering "success" and leaving the
   * replies to the customer-service API. WeChat gives up after 5 s and retries. 0 = never
   * answer passively (every reply through the API).
   */
  passiveWindowMs?: number;
  /** Pushes are small (a text message is < 2 KB); anything bigger is refused. */
  maxBodyBytes?: number;
  /** A signed request older (or newer) than this is a replay. */
  timestampToleranceSec?: number;
}

/** An open passive-reply slot: sends for this inbound message land here instead of the API. */
interface PassiveWindow {
  open: boolean;
  texts: string[];
}

const UNSUPPORTED_TYPES = new Set([
  "image",
  "voice",
  "video",
  "shortvideo",
  "location",
  "link",
  "file",
  "miniprogrampage",
]);

/**
 * The WeChat Official Account (公众号) / customer-service webhook. Pushes arrive as XML on
 * `/webhooks/wechat`, signed (plain mode) or AES-encrypted (safe mode). WeChat waits at most
 * 5 s for an answer: a turn that finishes in time is answered passively in the HTTP
 * response, a slower one gets "success" at once and its replies go out through the
 * customer-service message API from the outbox. Each reply goes out exactly one way.
 */
export class WechatOfficialAccountChannel implements ChannelAdapter {
  readonly name = WECHAT_OA;
  private ctx: ChannelContext | undefined;
  private stopped = false;
  private log: Logger | undefined;
  private readonly key: Buffer | undefined;
  /** inbound MsgId → window; lives only for the request's passive window. */
  private readonly windows = new Map<string, PassiveWindow>();
  private lastApiError: string | undefined;

  constructor(
    private readonly db: Db,
    private readonly opts: WechatOaOptions,
    private readonly api: WechatApiClient,
  ) {
    this.key = opts.aesKey ? aesKeyFrom(opts.aesKey) : undefined;
  }

  async start(ctx: ChannelContext): Promise<void> {
    this.ctx = ctx;
    this.log = ctx.log;
    await ctx.server.register(this.routes());
  }

  private routes(): FastifyPluginAsyncZod {
    return async (app) => {
      app.addHook("onRequest", async () => {
        if (this.stopped) throw new AppError("UNAVAILABLE", "WeChat channel stopped");
      });
      // Raw XML bodies for this plugin only; the global parsers stay as they are.
      app.removeAllContentTypeParsers();
      app.addContentTypeParser(
        "*",
        { parseAs: "string", bodyLimit: this.opts.maxBodyBytes ?? 64 * 1024 },
        (_req, body, done) => done(null, body),
      );

      const signed = z.object({
        signature: z.string().max(64).optional(),
        timestamp: z.string().regex(/^\d{1,12}$/, "timestamp must be digits"),
        nonce: z.string().min(1).max(64),
      });

      app.get(
        "/webhooks/wechat",
        {
          schema: {
            tags: ["channels"],
            summary: "WeChat server URL verification (echoes echostr when the signature is right)",
            querystring: signed.extend({ echostr: z.string().min(1).max(1024) }),
          },
        },
        async (request, reply) => {
          const q = request.query;
          this.checkFresh(q.timestamp);
          if (!signatureMatches(wechatSignature(this.opts.token, q.timestamp, q.nonce), q.signature))
            throw new AppError("INVALID_SIGNATURE");
          return reply.type("text/plain").send(q.echostr);
        },
      );

      app.post(
        "/webhooks/wechat",
        {
          schema: {
            tags: ["channels"],
            summary: "WeChat message and event push (XML, plain or safe mode)",
            querystring: signed.extend({
              encrypt_type: z.enum(["raw", "aes"]).optional(),
              msg_signature: z.string().max(64).optional(),
              openid: z.string().max(128).optional(),
            }),
          },
        },
        async (request, reply) => {
          const q = request.query;
          this.checkFresh(q.timestamp);
          const body = typeof request.body === "string" ? request.body : "";
          if (!body) throw new AppError("INVALID_XML", "Body must be a WeChat XML push");
          const safe = q.encrypt_type === "aes";
          let push: WechatPush;
          if (safe) {
            if (!this.key) throw new AppError("BAD_REQUEST", "Safe mode push but WECHAT_AES_KEY is not configured");
            const outer = parseXml(body);
            if (!outer.Encrypt) throw new AppError("INVALID_XML", "Encrypt element missing");
            if (
              !signatureMatches(wechatSignature(this.opts.token, q.timestamp, q.nonce, outer.Encrypt), q.msg_signature)
            )
              throw new AppError("INVALID_SIGNATURE");
            let inner: string;
            try {
              inner = decryptMessage(this.key, this.opts.appId, outer.Encrypt);
            } catch (err) {
              // Signed by someone with our token but not for our appid (or corrupted): not ours.
              if (err instanceof WechatCryptoError)
                throw new AppError("INVALID_SIGNATURE", `Cannot decrypt: ${err.message}`);
              throw err;
            }
            push = parseXml(inner);
          } else {
            if (this.key && !this.opts.allowPlain)
              throw new AppError(
                "INVALID_SIGNATURE",
                "Safe mode is configured (WECHAT_AES_KEY): pushes must be encrypted (encrypt_type=aes)",
              );
            // Verify before parsing: unsigned bodies never reach the XML parser.
            if (!signatureMatches(wechatSignature(this.opts.token, q.timestamp, q.nonce), q.signature))
              throw new AppError("INVALID_SIGNATURE");
            push = parseXml(body);
          }
          const answer = await this.handlePush(push);
          if (answer === undefined) return reply.type("text/plain").send("success");
          const xml = textReplyXml(
            push.FromUserName ?? "",
            push.ToUserName ?? "",
            answer,
            Math.floor(Date.now() / 1000),
          );
          if (!safe || !this.key) return reply.type("application/xml").send(xml);
          const timestamp = String(Math.floor(Date.now() / 1000));
          const nonce = randomBytes(8).toString("hex");
          const encrypted = encryptMessage(this.key, this.opts.appId, xml);
          return reply
            .type("application/xml")
            .send(
              encryptedReplyXml(
                encrypted,
                wechatSignature(this.opts.token, timestamp, nonce, encrypted),
                timestamp,
                nonce,
              ),
            );
        },
      );
    };
  }

  private checkFresh(timestamp: string): void {
    const tolerance = this.opts.timestampToleranceSec ?? 300;
    if (Math.abs(Date.now() / 1000 - Number(timestamp)) > tolerance)
      throw new AppError("INVALID_SIGNATURE", "Timestamp outside the accepted window (replayed or clock skew)");
  }

  /** Returns the passive reply text, or undefined to answer "success". */
  private async handlePush(push: WechatPush): Promise<string | undefined> {
    const ctx = this.ctx!;
    const openId = push.FromUserName;
    if (!openId || !push.MsgType) throw new AppError("INVALID_XML", "FromUserName and MsgType are required");
    const inbound = this.toInbound(openId, push);
    if (!inbound) return undefined;
    const key = inbound.channelMessageId!;
    if (this.windows.has(key)) return undefined; // WeChat's retry while the first delivery is still being answered
    // A window of 0 turns passive replies off: every reply goes through the customer-service API.
    const windowMs = this.opts.passiveWindowMs ?? 4000;
    const window: PassiveWindow = { open: windowMs > 0, texts: [] };
    if (window.open) this.windows.set(key, window);
    // Issue 17: an image message's bytes come from the media API (MediaId), then the same turn.
    const mediaId = push.MsgType === "image" ? push.MediaId : undefined;
    const { text: _t, kind: _k, ...base } = inbound;
    const turn =
      mediaId && ctx.images
        ? ctx.images.receive(base, () => this.api.downloadMedia(mediaId))
        : ctx.conversations.receive(inbound);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), windowMs || 4000);
    });
    try {
      const outcome = await Promise.race([turn, deadline]);
      if (outcome === "timeout") {
        turn.catch((err) => this.log?.error({ err, msgId: key }, "slow wechat turn failed after answering success"));
      } else if (outcome.duplicate) {
        return undefined; // answered the first time (passively or through the API)
      }
    } finally {
      clearTimeout(timer);
      // Closed synchronously with the decision below: a send after this goes through the API.
      window.open = false;
      this.windows.delete(key);
    }
    return window.texts.length ? window.texts.join("\n\n") : undefined;
  }

  private toInbound(openId: string, push: WechatPush): InboundMessage | undefined {
    const base = {
      channel: WECHAT_OA,
      externalId: openId,
      address: { openid: openId, account: push.ToUserName ?? null },
      raw: { MsgType: push.MsgType, MsgId: push.MsgId, Event: push.Event, CreateTime: push.CreateTime },
    };
    const type = push.MsgType;
    if (type === "text") {
      const text = (push.Content ?? "").slice(0, MAX_TEXT_LENGTH);
      return { ...base, channelMessageId: messageKey(openId, push), text, kind: "text" };
    }
    if (type === "voice" && push.Recognition) {
      // WeChat's own speech recognition (when enabled for the account) turns voice into text.
      return {
        ...base,
        channelMessageId: messageKey(openId, push),
        text: push.Recognition.slice(0, MAX_TEXT_LENGTH),
        kind: "text",
      };
    }
    if (type && UNSUPPORTED_TYPES.has(type)) {
      return {
        ...base,
        channelMessageId: messageKey(openId, push),
        text: `[${type}]`,
        kind: "unsupported",
      };
    }
    if (type === "event") {
      const event = (push.Event ?? "").toLowerCase();
      // Events have no MsgId: WeChat's documentation dedupes them by FromUserName + CreateTime +
      // Event + EventKey (two different menu clicks in the same second are two messages).
      const channelMessageId = `${openId}:${push.CreateTime ?? ""}:${event}${push.EventKey ? `:${push.EventKey}` : ""}`;
      if (event === "subscribe") {
        void this.setOptOut(openId, null);
        // The runtime runs every stored inbound as a message turn: a subscribe is the customer's
        // first hello, so it is stored as one (kind "event" marks it) and answered with the welcome.
        return { ...base, channelMessageId, text: "你好", kind: "event" };
      }
      if (event === "unsubscribe") {
        void this.setOptOut(openId, new Date());
        return undefined;
      }
      if (event === "click" && push.EventKey) {
        // A menu button whose key is the text to send (e.g. 查快递, 转人工).
        return { ...base, channelMessageId, text: push.EventKey.slice(0, MAX_TEXT_LENGTH), kind: "text" };
      }
      return undefined; // VIEW, LOCATION, TEMPLATESENDJOBFINISH …: nothing to answer
    }
    return {
      ...base,
      channelMessageId: messageKey(openId, push),
      text: `[${type}]`,
      kind: "unsupported",
    };
  }

  private async setOptOut(openId: string, at: Date | null): Promise<void> {
    await this.db.channelIdentity
      .updateMany({ where: { channel: WECHAT_OA, externalId: openId }, data: { optedOutAt: at } })
      .catch((err) => this.log?.warn({ err }, "cannot record wechat (un)subscribe"));
  }

  async send(
    address: ChannelAddress,
    message: OutboundMessage,
    recordSentParts?: RecordSentParts,
  ): Promise<SendResult> {
    const text = renderText(message);
    const images = message.attachments ?? [];
    if (this.windows.size > 0 && images.length === 0) {
      const key = await this.inboundKeyOf(message.messageId);
      const window = key ? this.windows.get(key) : undefined;
      if (window?.open) {
        window.texts.push(text);
        return { providerId: `passive:${message.messageId}` };
      }
    }
    const openId = typeof address.openid === "string" ? address.openid : undefined;
    if (!openId) throw new PermanentSendError("wechat address has no openid");
    // Images first (issue 17), then the text, unless the text only stands for the images.
    const texts = images.length && message.text === IMAGE_TEXT ? [] : wechatParts(message);
    const parts: (() => Promise<string | undefined>)[] = [
      ...images.map((a) => async () => {
        const image = await this.ctx?.images?.read(a.id);
        if (!image) throw new PermanentSendError("the image no longer exists");
        return this.api.sendImage(openId, image);
      }),
      ...texts.map((t) => () => this.api.sendText(openId, t)),
    ];
    // Parts WeChat already accepted (recorded durably by the outbox) are not sent again.
    const done = [...(message.sentParts ?? [])];
    try {
      for (let i = done.length; i < parts.length; i++) {
        const msgId = await parts[i]!();
        done.push(msgId ? `wechat:${msgId}` : "wechat");
        if (i < parts.length - 1) await recordSentParts?.(done);
      }
      this.lastApiError = undefined;
      return { providerId: done.join(",") };
    } catch (err) {
      if (err instanceof WechatApiError) {
        this.lastApiError = err.message;
        if (!err.retryable) throw new PermanentSendError(err.message);
      }
      throw err;
    }
  }

  /** The MsgId of the inbound message this outbound one answers (passive replies are keyed by it). */
  private async inboundKeyOf(messageId: string): Promise<string | undefined> {
    const out = await this.db.message.findUnique({ where: { id: messageId }, select: { replyToId: true } });
    if (!out?.replyToId) return undefined;
    const inbound = await this.db.message.findUnique({
      where: { id: out.replyToId },
      select: { channelMessageId: true },
    });
    return inbound?.channelMessageId ?? undefined;
  }

  /** Issue 17: images go as 客服消息 of type image (uploaded as temporary media). */
  sendsImages(): boolean {
    return true;
  }

  status(): ChannelStatus {
    if (this.stopped) return { state: "disabled", detail: "stopped" };
    if (!this.ctx) return { state: "starting" };
    const mode = this.key ? "safe mode" : "plain mode";
    if (this.lastApiError) return { state: "degraded", detail: `${mode}; last API error: ${this.lastApiError}` };
    return { state: "ready", detail: mode };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.windows.values()) w.open = false;
    this.windows.clear();
  }
}

function parseXml(body: string): WechatPush {
  try {
    return parseWechatXml(body);
  } catch (err) {
    if (err instanceof WechatXmlError) throw new AppError("INVALID_XML", err.message);
    throw err;
  }
}

/**
 * A message's dedupe key, as WeChat documents it: (openid, MsgId). A MsgId alone is not unique
 * across customers; without one, the sender and CreateTime.
 */
function messageKey(openId: string, push: WechatPush): string {
  return push.MsgId ? `${openId}:${push.MsgId}` : `${openId}:${push.CreateTime}`;
}

/** WeChat refuses a customer-service text over 2,048 bytes (45002): longer texts go as several. */
export const WECHAT_TEXT_MAX_BYTES = 2048;

/**
 * The customer-service messages a reply is sent as: the text split at grapheme boundaries into
 * parts of at most 2,048 bytes, in order; the menu links end the last part (or follow it).
 */
export function wechatParts(message: Pick<OutboundMessage, "text" | "quickReplies">): string[] {
  const links = renderText({ text: "", quickReplies: message.quickReplies }).trim();
  return splitWithChoices(message.text, links, { max: WECHAT_TEXT_MAX_BYTES, measure: utf8Bytes });
}

/**
 * Quick replies become WeChat's tappable menu links (bizmsgmenu): tapping one sends its text
 * as the customer's message, like a button in the web chat; numbered, so typing the number works too.
 */
export function renderText(message: Pick<OutboundMessage, "text" | "quickReplies">): string {
  const qr = message.quickReplies ?? [];
  if (!qr.length) return message.text;
  const links = qr.map((q, i) => {
    const value = (q.value ?? q.title).replace(/["<>&]/g, "");
    return `${i + 1}. <a href="weixin://bizmsgmenu?msgmenucontent=${value}&msgmenuid=${i + 1}">${q.title.replace(/[<>&]/g, "")}</a>`;
  });
  return `${message.text}\n\n${links.join("\n")}`;
}
