import type { onRequestAsyncHookHandler } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { FileBox } from "file-box";
import type { Logger } from "pino";
import { type Message, types, WechatyBuilder, type Wechaty as WechatyInterface, type WechatyOptions } from "wechaty";
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
import { splitWithChoices, utf8Bytes } from "../../src/channel/split.js";
import { MAX_TEXT_LENGTH } from "../../src/conversation/conversation.service.js";
import type { Db } from "../../src/db/client.js";
import { errorResponses } from "../../src/http/schemas.js";
import { IMAGE_TEXT } from "../../src/images/image.inbound.js";
import type { OutboxService } from "../../src/outbox/outbox.service.js";

export const WECHATY = "wechaty";

/** Prefix of the send error while logged out; rows that died of it are revived on login. */
export const LOGGED_OUT_ERROR = "WECHATY_LOGGED_OUT";

export interface WechatyChannelOptions {
  /** A puppet package name (wechaty-puppet-service, wechaty-puppet-wechat4u …) or an instance (tests). */
  puppet: string | PuppetInstance;
  /** WECHATY_PUPPET_SERVICE_TOKEN and the like, passed to a puppet chosen by name. */
  puppetToken?: string | undefined;
  /** Names the login session (memory card) so a restart does not need a new scan. */
  name?: string | undefined;
  /** Admin-only guard for the login-state route. */
  adminGuard: onRequestAsyncHookHandler;
  startTimeoutMs?: number;
  /** Reconnect backoff bounds. */
  backoffMs?: { min: number; max: number };
}

/** A puppet object (wechaty-puppet-mock in tests), typed through Wechaty's own options. */
export type PuppetInstance = Exclude<
  WechatyOptions extends infer O ? (O extends { puppet?: infer P } ? P : never) : never,
  string | undefined
>;

type LoginState = "stopped" | "starting" | "scanning" | "logged_in" | "logged_out" | "error";

const UNSUPPORTED = new Set<types.Message>([
  types.Message.Attachment,
  types.Message.Audio,
  types.Message.Contact,
  types.Message.ChatHistory,
  types.Message.Emoticon,
  types.Message.Image,
  types.Message.Location,
  types.Message.MiniProgram,
  types.Message.Transfer,
  types.Message.RedEnvelope,
  types.Message.Url,
  types.Message.Video,
  types.Message.Post,
]);

/** Messages older than this on arrival are history replayed after a login, not questions. */
const MAX_AGE_SEC = 10 * 60;

/**
 * A WeChat account run by the bot through Wechaty; the puppet is chosen by configuration.
 * Private text messages go to the bot, group messages only when it is @-mentioned, anything
 * else gets the "text only" answer. While logged out, send() fails with a retryable error so
 * replies wait in the outbox; on login they are delivered.
 */
export class WechatyChannel implements ChannelAdapter {
  readonly name = WECHATY;
  private ctx: ChannelContext | undefined;
  private log: Logger | undefined;
  private bot: WechatyInterface | undefined;
  private state: LoginState = "stopped";
  private qr: { qrcode: string; status: string; at: string } | undefined;
  private user: { id: string; name: string } | undefined;
  private lastError: string | undefined;
  private since = new Date().toISOString();
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  /** Inbound messages being handled (stop() and idle() wait for them). */
  private readonly handling = new Set<Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly outbox: Pick<OutboxService, "retry" | "deliver">,
    private readonly opts: WechatyChannelOptions,
  ) {}

  async start(ctx: ChannelContext): Promise<void> {
    this.ctx = ctx;
    this.log = ctx.log;
    await ctx.server.register(this.routes());
    // Never blocks app start-up: a puppet that cannot start is retried in the background.
    void this.connect();
  }

  private routes(): FastifyPluginAsyncZod {
    return async (app) => {
      app.get(
        "/api/admin/channels/wechaty/login",
        {
          onRequest: this.opts.adminGuard,
          schema: {
            tags: ["channels"],
            summary: "Wechaty login state and the QR code to scan (admin)",
            security: [{ bearer: [] }],
            response: {
              200: z.object({
                state: z.enum(["stopped", "starting", "scanning", "logged_in", "logged_out", "error"]),
                since: z.string(),
                qrcode: z.string().optional(),
                qrcodeImageUrl: z.string().optional(),
                scanStatus: z.string().optional(),
                user: z.object({ id: z.string(), name: z.string() }).optional(),
                lastError: z.string().optional(),
              }),
              ...errorResponses(401, 403),
            },
          },
        },
        async () => this.loginState(),
      );
    };
  }

  /** The running Wechaty instance (admin tooling and tests reach the puppet through it). */
  get wechaty(): WechatyInterface | undefined {
    return this.bot;
  }

  loginState() {
    const showQr = this.state === "scanning" && this.qr;
    return {
      state: this.state,
      since: this.since,
      ...(showQr
        ? { qrcode: this.qr!.qrcode, qrcodeImageUrl: qrImageUrl(this.qr!.qrcode), scanStatus: this.qr!.status }
        : {}),
      ...(this.user && this.state === "logged_in" ? { user: this.user } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  private setState(state: LoginState): void {
    if (this.state !== state) this.since = new Date().toISOString();
    this.state = state;
  }

  private build(): WechatyInterface {
    const { puppet } = this.opts;
    const bot =
      typeof puppet === "string"
        ? WechatyBuilder.build({
            // biome-ignore lint/suspicious/noExplicitAny: Wechaty types puppet names as a closed union of known packages
            puppet: puppet as any,
            ...(this.opts.puppetToken ? { puppetOptions: { token: this.opts.puppetToken } } : {}),
            ...(this.opts.name ? { name: this.opts.name } : {}),
          })
        : WechatyBuilder.build({ puppet, ...(this.opts.name ? { name: this.opts.name } : {}) });
    bot.on("scan", (qrcode, status) => {
      this.setState("scanning");
      this.qr = { qrcode, status: types.ScanStatus[status] ?? String(status), at: new Date().toISOString() };
      this.log?.info(
        { qrcode, qrcodeImageUrl: qrImageUrl(qrcode), status: this.qr.status },
        "wechaty: scan the QR code with WeChat to log in",
      );
    });
    bot.on("login", (user) => {
      this.setState("logged_in");
      this.user = { id: user.id, name: user.name() };
      this.qr = undefined;
      this.attempt = 0;
      this.lastError = undefined;
      this.log?.info({ user: user.name() }, "wechaty: logged in");
      void this.redeliver().catch((err) => this.log?.error({ err }, "wechaty: redelivery after login failed"));
    });
    bot.on("logout", (_user, reason) => {
      this.setState("logged_out");
      this.log?.warn({ reason }, "wechaty: logged out; replies wait in the outbox");
      // Puppets normally offer a new QR code; if this one does not, restart it.
      this.scheduleReconnect(() => this.state === "logged_out");
    });
    bot.on("error", (err) => {
      this.lastError = String((err as Error)?.message ?? err).slice(0, 300);
      this.log?.warn({ err }, "wechaty: puppet error");
    });
    bot.on("message", (msg) => {
      const p = this.onMessage(msg)
        .catch((err) => this.log?.error({ err, messageId: msg.id }, "wechaty: inbound message failed"))
        .finally(() => this.handling.delete(p));
      this.handling.add(p);
    });
    return bot;
  }

  private async connect(): Promise<void> {
    if (this.stopping) return;
    this.setState("starting");
    try {
      if (this.bot) await withTimeout(this.bot.stop(), 10_000, "wechaty stop").catch(() => {});
      this.bot = this.build();
      await withTimeout(this.bot.start(), this.opts.startTimeoutMs ?? 60_000, "wechaty start");
      // The puppet emits scan/login on its own from here.
      if (this.state === "starting") this.setState(this.bot.isLoggedIn ? "logged_in" : "logged_out");
    } catch (err) {
      this.setState("error");
      this.lastError = String((err as Error).message ?? err).slice(0, 300);
      this.log?.error({ err }, "wechaty: start failed; retrying with backoff");
      this.scheduleReconnect(() => this.state === "error");
    }
  }

  private scheduleReconnect(stillNeeded: () => boolean): void {
    if (this.stopping || this.retryTimer) return;
    const { min, max } = this.opts.backoffMs ?? { min: 1000, max: 60_000 };
    const delay = Math.min(max, min * 2 ** this.attempt);
    this.attempt++;
    // A logged-out puppet gets time to offer a new QR code before it is restarted.
    const wait = this.state === "logged_out" ? Math.max(delay, 30_000) : delay;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (stillNeeded()) void this.connect();
    }, wait);
    this.retryTimer.unref();
  }

  private async onMessage(msg: Message): Promise<void> {
    if (msg.self()) return;
    const talker = msg.talker();
    if (talker.type() === types.Contact.Official) return; // other accounts' broadcasts, not customers
    if (msg.age() > MAX_AGE_SEC) return;
    const room = msg.room();
    const type = msg.type();
    // In a group, only messages that @-mention the bot. Many puppets report no mention list
    // (mentionSelf() false) for a real mention: then the mention as WeChat writes it decides.
    let unmentioned: string | undefined;
    if (room && !(await msg.mentionSelf())) {
      if (type !== types.Message.Text) return;
      unmentioned = withoutMention(msg.text(), await this.namesInRoom(room));
      if (unmentioned === undefined) return;
    }
    // Issue 17: a photo (private chat) is fetched through the puppet and answered like web chat's.
    if (type === types.Message.Image && this.ctx?.images && !room) {
      await this.ctx.images.receive(
        {
          channel: WECHATY,
          externalId: talker.id,
          address: { contactId: talker.id },
          channelMessageId: msg.id,
          displayName: talker.name() || undefined,
          raw: { type: types.Message[type] },
        },
        async () => (await msg.toFileBox()).toBuffer(),
      );
      return;
    }
    let text: string;
    let kind: "text" | "unsupported";
    if (type === types.Message.Text) {
      text = (unmentioned ?? (room ? await msg.mentionText() : msg.text())).trim().slice(0, MAX_TEXT_LENGTH);
      kind = "text";
    } else if (UNSUPPORTED.has(type)) {
      text = `[${types.Message[type]?.toLowerCase() ?? "media"}]`;
      kind = "unsupported";
    } else {
      return; // system notices, recalls, group notes
    }
    // In a group the bot answers in the group: that is a separate conversation from a private chat.
    const address: ChannelAddress = room ? { roomId: room.id, contactId: talker.id } : { contactId: talker.id };
    await this.ctx!.conversations.receive({
      channel: WECHATY,
      externalId: room ? `${room.id}:${talker.id}` : talker.id,
      address,
      channelMessageId: msg.id,
      text,
      kind,
      displayName: talker.name() || undefined,
      raw: { type: types.Message[type], roomId: room?.id },
    });
  }

  /** The names a member may @-mention the bot by in a room: its group nickname and its own name. */
  private async namesInRoom(room: NonNullable<ReturnType<Message["room"]>>): Promise<string[]> {
    const self = this.bot?.currentUser;
    if (!self) return [];
    const alias = await room.alias(self).catch(() => undefined);
    return [alias, self.name()].filter((n): n is string => Boolean(n));
  }

  async send(
    address: ChannelAddress,
    message: OutboundMessage,
    recordSentParts?: RecordSentParts,
  ): Promise<SendResult> {
    const bot = this.bot;
    if (!bot?.isLoggedIn) throw new Error(`${LOGGED_OUT_ERROR}: the WeChat account is not logged in`);
    const contactId = typeof address.contactId === "string" ? address.contactId : undefined;
    const roomId = typeof address.roomId === "string" ? address.roomId : undefined;
    let say: (text: string | FileBox, first: boolean) => Promise<unknown>;
    let reserve = 0;
    if (roomId) {
      const room = await bot.Room.find({ id: roomId });
      if (!room) throw new PermanentSendError("the bot is no longer in this group");
      const contact = contactId ? await bot.Contact.find({ id: contactId }) : undefined;
      // The first part @-mentions the customer: Wechaty writes "@<name>" + U+2005 before the text.
      if (contact)
        reserve = utf8Bytes(`@${(await room.alias(contact).catch(() => undefined)) || contact.name()}\u2005`);
      say = (part, first) =>
        typeof part === "string" ? (contact && first ? room.say(part, contact) : room.say(part)) : room.say(part);
    } else {
      if (!contactId) throw new PermanentSendError("wechaty address has no contact");
      const contact = await bot.Contact.find({ id: contactId });
      if (!contact) throw new PermanentSendError("contact not found (no longer a friend?)");
      say = (part) => (typeof part === "string" ? contact.say(part) : contact.say(part));
    }
    // Images first (issue 17), then the text, unless the text only stands for the images.
    const images = message.attachments ?? [];
    const texts = images.length && message.text === IMAGE_TEXT ? [] : wechatyParts(message, reserve);
    const parts: (() => Promise<string | FileBox>)[] = [
      ...images.map((a, n) => async () => {
        const image = await this.ctx?.images?.read(a.id);
        if (!image) throw new PermanentSendError("the image no longer exists");
        // Base64, not a buffer box: puppets serialise the box (toJSON) to hand it over.
        return FileBox.fromBase64(
          image.data.toString("base64"),
          `image-${n + 1}.${image.mime === "image/png" ? "png" : "jpg"}`,
        );
      }),
      ...texts.map((t) => async () => t),
    ];
    // Parts already sent (recorded durably by the outbox) are not sent again.
    const done = [...(message.sentParts ?? [])];
    for (let i = done.length; i < parts.length; i++) {
      // The first text part carries the @-mention in a group.
      const sent = (await say(await parts[i]!(), i === images.length)) as Message | undefined;
      done.push(sent ? `wechaty:${sent.id}` : "wechaty");
      if (i < parts.length - 1) await recordSentParts?.(done);
    }
    return { providerId: done.join(",") };
  }

  /** After a login: replies that waited (or gave up) while logged out go out now. */
  private async redeliver(): Promise<void> {
    const rows = await this.db.outbox.findMany({
      where: { channel: WECHATY, status: { in: ["pending", "dead"] }, lastError: { startsWith: LOGGED_OUT_ERROR } },
      orderBy: { createdAt: "asc" },
      select: { id: true, status: true },
      take: 5000,
    });
    for (const row of rows) {
      if (row.status === "dead") await this.outbox.retry(row.id);
      else {
        await this.db.outbox.updateMany({
          where: { id: row.id, status: "pending" },
          data: { nextAttemptAt: new Date() },
        });
        await this.outbox.deliver(row.id);
      }
    }
    if (rows.length) this.log?.info({ count: rows.length }, "wechaty: delivered replies queued while logged out");
  }

  /** Issue 17: an agent's image goes as a file message (FileBox) through the puppet. */
  sendsImages(): boolean {
    return true;
  }

  status(): ChannelStatus {
    const detail = `${this.state}${this.user && this.state === "logged_in" ? ` as ${this.user.name}` : ""}${this.lastError ? `; ${this.lastError}` : ""}`;
    if (this.state === "logged_in") return { state: "ready", detail };
    if (this.state === "starting" || this.state === "stopped") return { state: "starting", detail };
    return { state: "degraded", detail };
  }

  /** Resolves once every inbound message emitted so far has been handled (answered or ignored). */
  async idle(): Promise<void> {
    while (this.handling.size) await Promise.allSettled([...this.handling]);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.idle();
    if (this.bot) await withTimeout(this.bot.stop(), 10_000, "wechaty stop").catch(() => {});
    this.setState("stopped");
  }
}

/**
 * The text without its @-mention of one of `names`, or undefined when it mentions none of them.
 * WeChat writes a mention as "@" + the name + U+2005 (FOUR-PER-EM SPACE); some clients type a
 * plain space, and a mention may end the text. "@快递客服小王" does not mention "快递客服".
 */
export function withoutMention(text: string, names: string[]): string | undefined {
  for (const name of names) {
    const mention = new RegExp(`@${escapeRegExp(name)}(?:\\u2005|\\s|$)`, "gu");
    const rest = text.replace(mention, " ");
    if (rest !== text) return rest.trim();
  }
  return undefined;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^$()|[\]{}\\]/g, "\\$&");

/**
 * The most bytes one text message carries. Personal WeChat has no published limit; texts much
 * longer are cut by the client or the puppet's protocol without an error (help desks report
 * losses past about 2,000 characters), so this keeps to the 2,048 bytes WeChat's own APIs
 * accept (domain.md, Channel conventions: 45002 over 2,048 bytes).
 */
export const WECHATY_TEXT_MAX_BYTES = 2048;

/** Quick replies as a line of numbered options (personal WeChat has no buttons). */
function choicesLine(message: Pick<OutboundMessage, "quickReplies">): string {
  return numberedChoices(message.quickReplies)
    .map((c) => `「${c}」`)
    .join(" ");
}

/**
 * The messages a reply is sent as: parts of at most 2,048 bytes (less `reserveBytes`, the
 * mention a group reply starts with), cut at grapheme boundaries, in order; the choices end the last.
 */
export function wechatyParts(message: Pick<OutboundMessage, "text" | "quickReplies">, reserveBytes = 0): string[] {
  return splitWithChoices(message.text, choicesLine(message), {
    max: WECHATY_TEXT_MAX_BYTES - reserveBytes,
    measure: utf8Bytes,
  });
}

function qrImageUrl(qrcode: string): string {
  return `https://wechaty.js.org/qrcode/${encodeURIComponent(qrcode)}`;
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
