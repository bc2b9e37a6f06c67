import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Logger } from "pino";
import { z } from "zod";
import {
  type ChannelAdapter,
  type ChannelAddress,
  type ChannelContext,
  type ChannelStatus,
  type OutboundMessage,
  PermanentSendError,
  type RecordSentParts,
  type SendResult,
} from "../../src/channel/channel.js";
import { numberedChoices } from "../../src/channel/choices.js";
import { splitText } from "../../src/channel/split.js";
import { MAX_TEXT_LENGTH } from "../../src/conversation/conversation.service.js";
import { type Locale, toLocale } from "../../src/conversation/texts.js";
import type { Db } from "../../src/db/client.js";
import { AppError } from "../../src/errors.js";
import { fetchCapped, IMAGE_TEXT } from "../../src/images/image.inbound.js";
import { maskPhone } from "../../src/logger.js";
import { type SmsProvider, SmsSendError } from "./sms.provider.js";
import { smsText } from "./sms.texts.js";
import { twilioSignatureValid } from "./twilio.provider.js";

export const SMS = "sms";

export interface SmsChannelOptions {
  provider: SmsProvider;
  /** Verifies inbound Twilio webhooks (X-Twilio-Signature); without it there is no inbound route. */
  twilioAuthToken?: string | undefined;
  /** The public base URL Twilio calls (signatures cover the full URL). */
  publicUrl: string;
  /** Inbound messages one number may send per window before the bot stops answering (auto-responder loops). */
  rateLimit?: { max: number; windowSec: number };
  /** The most separate messages one text may become (an agent's longer text is refused before sending). */
  maxParts?: number;
  /** Verify signatures against the URL rebuilt from X-Forwarded-* (a proxy in front), not publicUrl. */
  trustForwarded?: boolean | undefined;
  /**
   * MMS images (issue 17): MediaUrl{n} is fetched only from this origin (Twilio's API, where media
   * live; it may redirect to its CDN), with the account's Basic auth. Absent: images are not fetched.
   */
  twilioMedia?: { apiBase: string; accountSid: string; authToken: string } | undefined;
}

/** The images of an MMS, at most this many per message (Twilio allows 10). */
const MAX_MMS_IMAGES = 5;

/**
 * Opt-out words, only when the message is just that word (domain.md "Channel conventions"):
 * TD/退订 in mainland China, and Twilio's own list. 取消 is not one: it cancels the running flow.
 */
export const OPT_OUT_WORDS = new Set([
  "TD",
  "退订",
  "STOP",
  "STOPALL",
  "UNSUBSCRIBE",
  "CANCEL",
  "END",
  "QUIT",
  "REVOKE",
  "OPTOUT",
]);
/** Opting back in (Twilio's START/UNSTOP, 订阅). */
export const OPT_IN_WORDS = new Set(["START", "UNSTOP", "订阅"]);

/** The message as a keyword: trimmed, case-folded, without trailing punctuation ("Stop." → STOP). */
function keywordOf(text: string): string {
  return text
    .trim()
    .replace(/[\s。.!！]+$/u, "")
    .toUpperCase();
}

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/**
 * SMS through a Twilio-compatible webhook (inbound) and an SmsProvider (outbound). The
 * customer is their phone number, so an SMS sender is linked to the customer who gave that
 * number elsewhere. Long replies go whole up to the provider's limit, beyond it as numbered
 * parts; TD/退订 and Twilio's words opt out (OPT_OUT_WORDS).
 */
export class SmsChannel implements ChannelAdapter {
  readonly name = SMS;
  private ctx: ChannelContext | undefined;
  private stopped = false;
  private log: Logger | undefined;
  private lastError: string | undefined;

  constructor(
    private readonly db: Db,
    private readonly opts: SmsChannelOptions,
  ) {}

  async start(ctx: ChannelContext): Promise<void> {
    this.ctx = ctx;
    this.log = ctx.log;
    if (this.opts.twilioAuthToken) await ctx.server.register(this.twilioRoutes(this.opts.twilioAuthToken));
  }

  private twilioRoutes(authToken: string): FastifyPluginAsyncZod {
    return async (app) => {
      app.addHook("onRequest", async () => {
        if (this.stopped) throw new AppError("UNAVAILABLE", "SMS channel stopped");
      });
      // The signature covers every parameter as sent: parse the form here, keeping repeats.
      app.removeAllContentTypeParsers();
      app.addContentTypeParser(
        "application/x-www-form-urlencoded",
        { parseAs: "string", bodyLimit: 64 * 1024 },
        (_req, body, done) => done(null, [...new URLSearchParams(body as string)]),
      );
      const verify = (request: FastifyRequest, pairs: [string, string][]) => {
        const signed = `${this.signedBase(request)}${request.url}`;
        if (!twilioSignatureValid(authToken, signed, pairs, first(request.headers["x-twilio-signature"])))
          throw new AppError("WEBHOOK_SIGNATURE_REJECTED");
      };
      const formBody = z.array(z.tuple([z.string(), z.string()]));

      app.post(
        "/webhooks/sms/twilio",
        {
          schema: {
            tags: ["channels"],
            summary: "Twilio-compatible inbound SMS (form-encoded, X-Twilio-Signature)",
            body: formBody,
          },
        },
        async (request, reply) => {
          verify(request, request.body);
          const form = new Map(request.body);
          const from = form.get("From")?.trim();
          const sid = form.get("MessageSid") ?? form.get("SmsSid");
          if (!from || !sid) throw new AppError("VALIDATION_FAILED", "From and MessageSid are required");
          if (!/^\+?[1-9]\d{5,14}$/.test(from)) throw new AppError("VALIDATION_FAILED", "From must be a phone number");
          const text = (form.get("Body") ?? "").trim().slice(0, MAX_TEXT_LENGTH);
          const media = Number(form.get("NumMedia") ?? 0);
          const images: string[] = [];
          for (let i = 0; i < Math.min(media, 10); i++) {
            const url = form.get(`MediaUrl${i}`);
            if (url && (form.get(`MediaContentType${i}`) ?? "image/").startsWith("image/")) images.push(url);
          }
          const answer = await this.handleInbound(from, sid, text, media, form.get("To"), images);
          return reply.type("text/xml").send(answer ?? EMPTY_TWIML);
        },
      );

      app.post(
        "/webhooks/sms/twilio/status",
        {
          schema: {
            tags: ["channels"],
            summary: "Twilio delivery status callback",
            body: formBody,
          },
        },
        async (request, reply) => {
          verify(request, request.body);
          const form = new Map(request.body);
          const sid = form.get("MessageSid") ?? form.get("SmsSid");
          const status = form.get("MessageStatus") ?? form.get("SmsStatus");
          if (!sid || !status) throw new AppError("VALIDATION_FAILED", "MessageSid and MessageStatus are required");
          await this.recordStatus(sid, status, form.get("ErrorCode"), form.get("To"));
          return reply.code(204).send();
        },
      );
    };
  }

  /**
   * The scheme, host and port Twilio called: PUBLIC_URL, or, only when TWILIO_TRUST_FORWARDED is
   * set (a proxy in front that rewrites them), X-Forwarded-Proto/-Host/-Port.
   */
  private signedBase(request: FastifyRequest): string {
    if (!this.opts.trustForwarded) return this.opts.publicUrl;
    const h = (name: string) => first(request.headers[name])?.split(",")[0]?.trim() || undefined;
    const proto = h("x-forwarded-proto") ?? request.protocol;
    const host = h("x-forwarded-host") ?? h("host") ?? "";
    const port = h("x-forwarded-port");
    const hasPort = /:\d+$/.test(host);
    return `${proto}://${host}${port && !hasPort ? `:${port}` : ""}`;
  }

  /** Returns TwiML to answer with (opt-out confirmation), or undefined for the empty response. */
  private async handleInbound(
    from: string,
    sid: string,
    text: string,
    media: number,
    to: string | undefined,
    images: string[] = [],
  ): Promise<string | undefined> {
    const ctx = this.ctx!;
    const e164 = from.startsWith("+") ? from : `+${from}`;
    const phone = customerPhone(e164);
    const keyword = keywordOf(text);
    const identity = await this.db.channelIdentity.findUnique({
      where: { channel_externalId: { channel: SMS, externalId: e164 } },
      select: { id: true, optedOutAt: true, customer: { select: { locale: true } } },
    });
    const locale: Locale = toLocale(identity?.customer.locale ?? (/[\u4e00-\u9fff]/.test(text) ? "zh-CN" : undefined));

    if (OPT_OUT_WORDS.has(keyword)) {
      const ref = await ctx.conversations.ensureIdentity(SMS, e164, { phone: e164 }, { phone });
      await this.setOptOut(ref.identityId, ref.customerId, new Date(), `keyword ${keyword}`);
      return twiml(smsText(locale, "optedOut"));
    }
    if (OPT_IN_WORDS.has(keyword)) {
      if (identity?.optedOutAt) await this.setOptOut(identity.id, undefined, null, `keyword ${keyword}`);
      return twiml(smsText(locale, "optedIn"));
    }
    // An opted-out number that writes anything else stays opted out: its message is kept for the
    // agents, but nothing is sent to it (send() refuses) until it sends an opt-in word.
    if (identity && (await this.overRate(identity.id))) {
      this.log?.warn({ phone: maskPhone(e164) }, "sms rate limit reached; not answering (auto-responder loop?)");
      await this.db.auditEvent.create({
        data: {
          actorType: "system",
          action: "sms.rate_limited",
          subjectType: "channel_identity",
          subjectId: identity.id,
        },
      });
      return undefined;
    }
    const base = {
      channel: SMS,
      externalId: e164,
      address: { phone: e164, ...(to ? { to } : {}) },
      phone,
      raw: { MessageSid: sid, NumMedia: media },
    };
    const fetchable = this.opts.twilioMedia && ctx.images ? images.slice(0, MAX_MMS_IMAGES) : [];
    // An MMS with text and photos: the text is answered, then each photo (issue 17), in order.
    if (text || !fetchable.length) {
      await ctx.conversations.receive({
        ...base,
        channelMessageId: sid,
        text: text || (media > 0 ? "[mms]" : ""),
        kind: !text && media > 0 ? "unsupported" : "text",
      });
    }
    for (const [i, url] of fetchable.entries()) {
      await ctx.images!.receive({ ...base, channelMessageId: `${sid}:media${i}` }, () => this.fetchMedia(url));
    }
    return undefined;
  }

  /** An MMS image from Twilio's media URL (its origin only: the URL comes in the signed webhook). */
  private async fetchMedia(url: string): Promise<Buffer> {
    const media = this.opts.twilioMedia!;
    if (new URL(url).origin !== new URL(media.apiBase).origin)
      throw new Error("MMS media URL outside the Twilio API origin; not fetched");
    const basic = Buffer.from(`${media.accountSid}:${media.authToken}`).toString("base64");
    return fetchCapped(url, { headers: { authorization: `Basic ${basic}` }, redirect: "follow" });
  }

  private async overRate(identityId: string): Promise<boolean> {
    const { max, windowSec } = this.opts.rateLimit ?? { max: 10, windowSec: 60 };
    const count = await this.db.message.count({
      where: {
        direction: "in",
        channel: SMS,
        createdAt: { gt: new Date(Date.now() - windowSec * 1000) },
        conversation: { identityId },
      },
    });
    return count >= max;
  }

  private async setOptOut(identityId: string, customerId: string | undefined, at: Date | null, reason: string) {
    await this.db.$transaction([
      this.db.channelIdentity.update({ where: { id: identityId }, data: { optedOutAt: at } }),
      this.db.auditEvent.create({
        data: {
          actorType: "customer",
          actorId: customerId ?? null,
          action: at ? "sms.opt_out" : "sms.opt_in",
          subjectType: "channel_identity",
          subjectId: identityId,
          data: { reason },
        },
      }),
    ]);
  }

  private async recordStatus(sid: string, status: string, errorCode: string | undefined, to: string | undefined) {
    const failed = status === "failed" || status === "undelivered";
    const rows = await this.db.outbox.findMany({
      where: { channel: SMS, providerId: { contains: sid } },
      select: { id: true, messageId: true },
      take: 1,
    });
    const row = rows[0];
    if (!row) return; // a message sent by something else on the same account
    if (failed) {
      await this.db.outbox.update({
        where: { id: row.id },
        data: { lastError: `delivery ${status}${errorCode ? ` (error ${errorCode})` : ""}` },
      });
      this.log?.warn({ outboxId: row.id, status, errorCode }, "sms delivery failed");
    }
    if (errorCode === "21610" && to) {
      const identity = await this.db.channelIdentity.findUnique({
        where: { channel_externalId: { channel: SMS, externalId: to } },
        select: { id: true },
      });
      if (identity) await this.setOptOut(identity.id, undefined, new Date(), "carrier reported unsubscribed (21610)");
    }
  }

  /**
   * The parts a text is sent as: one API call carries up to the provider's limit (Twilio
   * concatenates 1,600 characters itself); beyond it, numbered parts "(1/2)…", split at
   * grapheme boundaries, never truncated.
   */
  private partsOf(message: Pick<OutboundMessage, "text" | "quickReplies">): string[] {
    return splitText(renderSms(message), { max: this.opts.provider.maxMessageChars, numbered: true });
  }

  cannotFit(message: Pick<OutboundMessage, "text" | "quickReplies">): string | undefined {
    const n = this.partsOf(message).length;
    const max = this.opts.maxParts ?? 5;
    if (n <= max) return undefined;
    return `an SMS through ${this.opts.provider.name} carries ${this.opts.provider.maxMessageChars} characters and at most ${max} parts; this text needs ${n}`;
  }

  async send(
    address: ChannelAddress,
    message: OutboundMessage,
    recordSentParts?: RecordSentParts,
  ): Promise<SendResult> {
    const to = typeof address.phone === "string" ? address.phone : undefined;
    if (!to) throw new PermanentSendError("sms address has no phone number");
    const identity = await this.db.channelIdentity.findUnique({
      where: { channel_externalId: { channel: SMS, externalId: to } },
      select: { id: true, optedOutAt: true },
    });
    if (identity?.optedOutAt) throw new PermanentSendError("recipient opted out of SMS");
    // An agent's images go with the first part as MMS (issue 17); a text that only stands for
    // them ("[图片]") is not sent as well.
    const images = this.sendsImages() ? (message.attachments ?? []) : [];
    const parts = images.length && message.text === IMAGE_TEXT ? [""] : this.partsOf(message);
    const mediaUrls = images.map((a) => {
      if (!this.ctx?.images) throw new PermanentSendError("images are not configured");
      return this.ctx.images.publicLink(a.id);
    });
    // Parts the provider already accepted (recorded durably by the outbox) are not sent again.
    const done = [...(message.sentParts ?? [])];
    try {
      for (let i = done.length; i < parts.length; i++) {
        const { providerId } = await this.opts.provider.send({
          to,
          body: parts[i]!,
          ...(i === 0 && mediaUrls.length ? { mediaUrls } : {}),
          idempotencyKey: `${message.messageId}:${i}`,
          statusCallbackUrl: this.opts.twilioAuthToken
            ? `${this.opts.publicUrl}/webhooks/sms/twilio/status`
            : undefined,
        });
        done.push(providerId);
        if (i < parts.length - 1) await recordSentParts?.(done);
      }
    } catch (err) {
      if (!(err instanceof SmsSendError)) throw err;
      this.lastError = err.message;
      if (err.optedOut && identity) await this.setOptOut(identity.id, undefined, new Date(), err.message);
      if (!err.retryable) throw new PermanentSendError(err.message);
      throw err;
    }
    this.lastError = undefined;
    return { providerId: done.join(",") };
  }

  /** Issue 17: MMS through a provider that fetches media by URL (Twilio), not template SMS. */
  sendsImages(): boolean {
    return this.opts.provider.sendsMedia;
  }

  status(): ChannelStatus {
    if (this.stopped) return { state: "disabled", detail: "stopped" };
    if (!this.ctx) return { state: "starting" };
    const detail = `${this.opts.provider.name}${this.opts.twilioAuthToken ? " + twilio webhook" : ", outbound only"}`;
    if (this.lastError) return { state: "degraded", detail: `${detail}; last error: ${this.lastError}` };
    return { state: "ready", detail };
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function twiml(message: string): string {
  const escaped = message.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${escaped}</Message></Response>`;
}

/** Quick replies become one short line of numbered options to reply with (SMS has no buttons). */
export function renderSms(message: Pick<OutboundMessage, "text" | "quickReplies">): string {
  const qr = message.quickReplies ?? [];
  if (!qr.length) return message.text;
  return `${message.text}\n[${numberedChoices(qr).join("|")}]`;
}

/**
 * The phone number as Customer.phone stores it: mainland mobiles as 11 digits (what the
 * complaint flow collects), other numbers in E.164.
 */
export function customerPhone(e164: string): string | undefined {
  const d = e164.replace(/[^\d+]/g, "");
  const cn = /^(?:\+?86)?(1[3-9]\d{9})$/.exec(d);
  if (cn) return cn[1];
  return /^\+\d{8,15}$/.test(d) ? d : undefined;
}
