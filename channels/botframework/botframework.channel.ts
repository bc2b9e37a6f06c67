import { defaultRetryPolicy, type Pipeline } from "@azure/core-rest-pipeline";
import {
  ActionTypes,
  type Activity,
  ActivityTypes,
  type Attachment,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConversationReference,
  TurnContext,
} from "botbuilder";
import type { FastifyPluginAsync } from "fastify";
import type { Logger } from "pino";
import {
  type ChannelAdapter,
  type ChannelAddress,
  type ChannelContext,
  type ChannelStatus,
  type InboundMessage,
  type OutboundMessage,
  PermanentSendError,
  type SendResult,
} from "../../src/channel/channel.js";
import { MAX_TEXT_LENGTH } from "../../src/conversation/conversation.service.js";
import { toLocale } from "../../src/conversation/texts.js";
import type { Db } from "../../src/db/client.js";
import { AppError } from "../../src/errors.js";
import { IMAGE_TEXT } from "../../src/images/image.inbound.js";

export const BOTFRAMEWORK = "botframework";

export interface BotFrameworkOptions {
  /** MICROSOFT_APP_ID / MICROSOFT_APP_PASSWORD; without them only local emulator traffic is accepted. */
  appId?: string | undefined;
  appPassword?: string | undefined;
  /** SingleTenant apps name their tenant. */
  appTenantId?: string | undefined;
  /**
   * First delay of the Bot Connector client's own retries of a 5xx send (BOTFRAMEWORK_RETRY_BASE_MS);
   * unset or 1,000 = the SDK's policy as it comes (1 s, doubling, 3 retries), untouched.
   */
  retryBaseMs?: number | undefined;
}

type ConnectorFactory = ReturnType<ConfigurationBotFrameworkAuthentication["createConnectorFactory"]>;
/** The SDK's own first retry delay (@azure/core-rest-pipeline's default policy), and that policy's name. */
const SDK_RETRY_BASE_MS = 1000;
const RETRY_POLICY = "defaultRetryPolicy";

/**
 * The SDK's authentication, whose Connector clients retry a failed send with the SDK's own policy
 * (3 retries, exponential, jittered) from `retryBaseMs` instead of its fixed 1 s. botbuilder does
 * not pass retry options to the client it builds (ConnectorClientOptions has none that reach its
 * pipeline), so the client's pipeline gets the same policy with that one option set.
 */
class RetryTunedAuthentication extends ConfigurationBotFrameworkAuthentication {
  constructor(
    options: ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[0],
    private readonly retryBaseMs: number,
  ) {
    super(options);
  }

  override createConnectorFactory(
    ...args: Parameters<ConfigurationBotFrameworkAuthentication["createConnectorFactory"]>
  ) {
    const inner = super.createConnectorFactory(...args);
    const retryDelayInMs = this.retryBaseMs;
    const factory: ConnectorFactory = {
      async create(serviceUrl, audience) {
        const connector = await inner.create(serviceUrl, audience);
        const pipeline = (connector as unknown as { client?: { pipeline?: Pipeline } }).client?.pipeline;
        if (!pipeline?.getOrderedPolicies().some((p) => p.name === RETRY_POLICY))
          throw new Error("botframework-connector's client has no retry policy to tune (SDK changed?)");
        pipeline.removePolicy({ name: RETRY_POLICY });
        pipeline.addPolicy(defaultRetryPolicy({ retryDelayInMs }), { phase: "Retry" });
        return connector;
      },
    };
    return factory;
  }
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/**
 * Bot Framework (Teams, Direct Line, Web Chat, the Emulator) on `POST /api/messages`.
 * botbuilder's CloudAdapter authenticates the request; the Activity then takes the same
 * path as every channel (stored inbound → turn → outbox), and the outbox sends replies back
 * to the conversation's serviceUrl through the Bot Connector API.
 */
export class BotFrameworkChannel implements ChannelAdapter {
  readonly name = BOTFRAMEWORK;
  private ctx: ChannelContext | undefined;
  private stopped = false;
  private log: Logger | undefined;
  private readonly adapter: CloudAdapter;
  private lastError: string | undefined;

  constructor(
    private readonly db: Db,
    private readonly opts: BotFrameworkOptions,
  ) {
    const settings = {
      MicrosoftAppId: opts.appId ?? "",
      MicrosoftAppPassword: opts.appPassword ?? "",
      MicrosoftAppType: opts.appTenantId ? "SingleTenant" : "MultiTenant",
      MicrosoftAppTenantId: opts.appTenantId ?? "",
    };
    const auth =
      opts.retryBaseMs === undefined || opts.retryBaseMs === SDK_RETRY_BASE_MS
        ? new ConfigurationBotFrameworkAuthentication(settings)
        : new RetryTunedAuthentication(settings, opts.retryBaseMs);
    this.adapter = new CloudAdapter(auth);
    this.adapter.onTurnError = async (context, err) => {
      this.log?.error({ err, activityId: context.activity.id }, "bot framework turn failed");
      throw err; // CloudAdapter answers 500: the channel retries, the inbound store dedupes
    };
  }

  private get authenticated(): boolean {
    return Boolean(this.opts.appId && this.opts.appPassword);
  }

  async start(ctx: ChannelContext): Promise<void> {
    this.ctx = ctx;
    this.log = ctx.log;
    await ctx.server.register(this.routes());
  }

  private routes(): FastifyPluginAsync {
    return async (app) => {
      app.addHook("onRequest", async () => {
        if (this.stopped) throw new AppError("UNAVAILABLE", "Bot Framework channel stopped");
      });
      app.post(
        "/api/messages",
        {
          schema: { tags: ["channels"], summary: "Bot Framework activities (Teams, Direct Line, Emulator)" },
          bodyLimit: 256 * 1024,
        },
        async (request, reply) => {
          if (!this.authenticated) {
            // No app credentials means no JWT check: only the Emulator on this machine may talk to us.
            const direct = LOOPBACK.has(request.raw.socket.remoteAddress ?? "") && !request.headers["x-forwarded-for"];
            if (!direct)
              throw new AppError(
                "UNAUTHENTICATED",
                "Bot Framework credentials are not configured: only local Emulator traffic is accepted",
              );
          }
          const body = request.body;
          if (!body || typeof body !== "object" || typeof (body as { type?: unknown }).type !== "string")
            throw new AppError("VALIDATION_FAILED", "Body must be a Bot Framework Activity");
          const res = new CapturedResponse();
          await this.adapter.process(
            { body: body as Record<string, unknown>, headers: request.headers, method: request.method },
            res,
            (context) => this.onActivity(context),
          );
          for (const [k, v] of Object.entries(res.headers)) reply.header(k, v);
          return reply.code(res.statusCode).send(res.body ?? "");
        },
      );
    };
  }

  private async onActivity(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const inbound = this.toInbound(activity);
    if (inbound) await this.ctx!.conversations.receive(inbound);
  }

  private toInbound(activity: Activity): InboundMessage | undefined {
    if (!activity.serviceUrl || !activity.conversation?.id || !activity.from?.id) return undefined;
    const address: ChannelAddress = {
      serviceUrl: activity.serviceUrl,
      channelId: activity.channelId,
      conversationId: activity.conversation.id,
      conversationType: activity.conversation.conversationType ?? null,
      isGroup: activity.conversation.isGroup ?? false,
      tenantId: activity.conversation.tenantId ?? null,
      botId: activity.recipient?.id ?? "",
      botName: activity.recipient?.name ?? "",
      userId: activity.from.id,
      userName: activity.from.name ?? "",
      // The locale the user's client reports (en-US, zh-CN …): replies declare the same one.
      locale: activity.locale ?? null,
    };
    // Keyed by conversation too: a Direct Line user gets a new conversation (and serviceUrl
    // route) per session, and replies must reach the one they are in.
    const externalId = `${activity.channelId}:${activity.conversation.id}:${activity.from.id}`.slice(0, 500);
    const base = {
      channel: BOTFRAMEWORK,
      externalId,
      address,
      displayName: activity.from.name || undefined,
      locale: activity.locale ? toLocale(activity.locale) : undefined,
      raw: { type: activity.type, id: activity.id, channelId: activity.channelId },
    };
    const scope = `${activity.channelId}:${activity.conversation.id}`;
    if (activity.type === ActivityTypes.Message) {
      const text = (TurnContext.removeRecipientMention(activity) ?? activity.text ?? "")
        .trim()
        .slice(0, MAX_TEXT_LENGTH);
      const channelMessageId = activity.id ? `${scope}:${activity.id}` : undefined;
      if (!text && activity.attachments?.length)
        return { ...base, channelMessageId, text: "[attachment]", kind: "unsupported" };
      return { ...base, channelMessageId, text, kind: "text" };
    }
    if (activity.type === ActivityTypes.ConversationUpdate) {
      const joined = (activity.membersAdded ?? []).filter((m) => m.id !== activity.recipient?.id);
      const first = joined[0];
      if (!first || first.id !== activity.from.id) return undefined;
      // As with a WeChat subscribe: the join is stored as the customer's hello and answered with the welcome.
      return { ...base, channelMessageId: `${scope}:join:${first.id}`, text: "你好", kind: "event" };
    }
    return undefined;
  }

  async send(address: ChannelAddress, message: OutboundMessage): Promise<SendResult> {
    const serviceUrl = str(address.serviceUrl);
    const conversationId = str(address.conversationId);
    if (!serviceUrl || !conversationId) throw new PermanentSendError("bot framework address incomplete");
    const channelId = str(address.channelId) ?? "emulator";
    const locale = str(address.locale);
    // The conversation as the channel described it: its type only when the channel sent one.
    const conversation = {
      id: conversationId,
      isGroup: address.isGroup === true,
      ...(str(address.conversationType) ? { conversationType: str(address.conversationType) } : {}),
      ...(str(address.tenantId) ? { tenantId: str(address.tenantId) } : {}),
    } as ConversationReference["conversation"];
    const reference: Partial<ConversationReference> = {
      serviceUrl,
      channelId,
      conversation,
      bot: { id: str(address.botId) ?? "", name: str(address.botName) ?? "" },
      user: { id: str(address.userId) ?? "", name: str(address.userName) ?? "" },
      ...(locale ? { locale } : {}),
    };
    const replyToId = await this.inboundActivityId(message.messageId, `${channelId}:${conversationId}:`);
    // An agent's images (issue 17) go inline as data URIs (the Emulator, Web Chat and Teams show
    // them); the text is left out when it only stands for them ("[图片]").
    const images: Attachment[] = [];
    for (const [n, a] of (message.attachments ?? []).entries()) {
      const image = await this.ctx?.images?.read(a.id);
      if (!image) throw new PermanentSendError("the image no longer exists");
      images.push({
        contentType: image.mime,
        contentUrl: `data:${image.mime};base64,${image.data.toString("base64")}`,
        name: `image-${n + 1}.${image.mime === "image/png" ? "png" : "jpg"}`,
      });
    }
    const activity: Partial<Activity> = {
      type: ActivityTypes.Message,
      ...(images.length && message.text === IMAGE_TEXT ? {} : { text: message.text, textFormat: "plain" }),
      ...(images.length ? { attachments: images } : {}),
      ...(message.quickReplies?.length
        ? {
            suggestedActions: {
              to: [str(address.userId) ?? ""],
              actions: message.quickReplies.map((q) => ({
                type: ActionTypes.ImBack,
                title: q.title,
                value: q.value ?? q.title,
              })),
            },
          }
        : {}),
    };
    let id: string | undefined;
    try {
      await this.adapter.continueConversationAsync(this.opts.appId ?? "", reference, async (context) => {
        // botbuilder stamps the proactive turn's random id as replyToId: a reply names the
        // activity it answers instead, and a message that answers none (an agent's) names none.
        context.onSendActivities(async (_ctx, activities, next) => {
          for (const a of activities) {
            if (replyToId) a.replyToId = replyToId;
            else delete a.replyToId;
          }
          return next();
        });
        id = (await context.sendActivity(activity))?.id;
      });
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      this.lastError = `${status ?? ""} ${(err as Error).message}`.trim().slice(0, 200);
      // The conversation is gone or the bot was removed from it: retrying cannot help.
      if (status === 403 || status === 404) throw new PermanentSendError(this.lastError);
      throw err;
    }
    this.lastError = undefined;
    return { providerId: id ? `botframework:${id}` : undefined };
  }

  /** The id of the inbound activity an outbound message answers (its channelMessageId is `<scope>:<id>`). */
  private async inboundActivityId(messageId: string, scope: string): Promise<string | undefined> {
    const out = await this.db.message.findUnique({ where: { id: messageId }, select: { replyToId: true } });
    if (!out?.replyToId) return undefined;
    const inbound = await this.db.message.findUnique({
      where: { id: out.replyToId },
      select: { channel: true, channelMessageId: true },
    });
    const key = inbound?.channel === BOTFRAMEWORK ? inbound.channelMessageId : undefined;
    // A join (conversationUpdate) is keyed `<scope>:join:<member>`: its welcome answers no message.
    if (!key?.startsWith(scope) || key.startsWith(`${scope}join:`)) return undefined;
    return key.slice(scope.length);
  }

  /** Issue 17: images as inline attachments. */
  sendsImages(): boolean {
    return true;
  }

  status(): ChannelStatus {
    if (this.stopped) return { state: "disabled", detail: "stopped" };
    if (!this.ctx) return { state: "starting" };
    const mode = this.authenticated ? `app ${this.opts.appId}` : "emulator only (loopback, no credentials)";
    if (this.lastError) return { state: "degraded", detail: `${mode}; last error: ${this.lastError}` };
    return { state: "ready", detail: mode };
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.length ? v : undefined;
}

/** Collects what CloudAdapter writes (status, headers, body) so Fastify sends it. */
class CapturedResponse {
  statusCode = 200;
  body: unknown;
  headers: Record<string, string> = {};
  socket = null;
  status(code: number): this {
    this.statusCode = code;
    return this;
  }
  header(name: string, value: unknown): this {
    this.headers[name] = String(value);
    return this;
  }
  send(body?: unknown): this {
    this.body = body;
    return this;
  }
  end(): this {
    return this;
  }
}
