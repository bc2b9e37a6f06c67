import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import type {} from "@fastify/websocket";
import type { FastifyInstance } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { WebSocket } from "ws";
import { z } from "zod";
import type {
  ChannelAdapter,
  ChannelContext,
  ChannelStatus,
  OutboundMessage,
  SendResult,
} from "../../src/channel/channel.js";
import { mainMenu } from "../../src/conversation/bot.js";
import { MAX_TEXT_LENGTH } from "../../src/conversation/conversation.service.js";
import { t, toLocale } from "../../src/conversation/texts.js";
import type { Db } from "../../src/db/client.js";
import { AppError } from "../../src/errors.js";
import { errorResponses } from "../../src/http/schemas.js";
import { int8String } from "../../src/http/storable-text.js";
import { conversationTopic } from "../../src/realtime/topics.js";

export const WEBCHAT = "webchat";

const quickReplySchema = z.object({ title: z.string(), value: z.string().optional() });
const messageSchema = z.object({
  id: z.string(),
  seq: z.string(),
  direction: z.enum(["in", "out"]),
  author: z.enum(["customer", "bot", "agent", "system"]),
  text: z.string(),
  quickReplies: z.array(quickReplySchema).optional(),
  createdAt: z.string(),
});
const sessionParams = z.object({ sessionId: z.uuid({ message: "sessionId must be a UUID" }) });
const textSchema = z
  .string({ message: "text is required" })
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, "text must not be empty")
      .max(MAX_TEXT_LENGTH, `text must be at most ${MAX_TEXT_LENGTH} characters`),
  );

/**
 * The web chat widget's channel: REST for sending and history, a WebSocket for live
 * messages (agent replies arrive later through it). Session tokens are HMACs of the
 * session id with a secret shared by all instances.
 */
export class WebchatChannel implements ChannelAdapter {
  readonly name = WEBCHAT;
  readonly deliveredOnCommit = true;
  private stopped = false;
  private ctx: ChannelContext | undefined;
  private readonly sockets = new Set<WebSocket>();
  /** sessionId → conversationId; sessions never move between conversations while open. */
  private readonly sessions = new Map<string, { identityId: string; conversationId: string }>();

  constructor(
    private readonly db: Db,
    private readonly secret: string,
    private readonly limits: { sessionsPerMinute: number; messagesPerMinute: number } = {
      sessionsPerMinute: 30,
      messagesPerMinute: 60,
    },
  ) {}

  tokenFor(sessionId: string): string {
    return createHmac("sha256", this.secret).update(`webchat:${sessionId}`).digest("base64url");
  }

  private verifyToken(sessionId: string, token: string | undefined): boolean {
    if (!token) return false;
    const expected = Buffer.from(this.tokenFor(sessionId));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private async session(
    sessionId: string,
    token: string | undefined,
  ): Promise<{ identityId: string; conversationId: string }> {
    // A session id that does not exist answers exactly like a wrong token (issue 20: 404 vs 401
    // told which ids exist); the token (an HMAC, no database) is checked first.
    const refused = () => new AppError("UNAUTHENTICATED", "Invalid or missing session token");
    if (!this.verifyToken(sessionId, token)) throw refused();
    let s = this.sessions.get(sessionId);
    if (!s) {
      const identity = await this.db.channelIdentity.findUnique({
        where: { channel_externalId: { channel: WEBCHAT, externalId: sessionId } },
        select: { id: true, customerId: true },
      });
      if (!identity) throw refused();
      const conv = await this.db.conversation.findFirst({
        where: { identityId: identity.id },
        orderBy: { lastMessageAt: "desc" },
        select: { id: true },
      });
      if (!conv) throw refused();
      s = { identityId: identity.id, conversationId: conv.id };
      if (this.sessions.size > 50_000) this.sessions.clear();
      this.sessions.set(sessionId, s);
    }
    return s;
  }

  async start(ctx: ChannelContext): Promise<void> {
    this.ctx = ctx;
    await ctx.server.register(this.routes());
  }

  private routes(): FastifyPluginAsyncZod {
    return async (app) => {
      const ctx = this.ctx!;
      app.post(
        "/api/webchat/sessions",
        {
          config: { rateLimit: { max: this.limits.sessionsPerMinute, timeWindow: "1 minute" } },
          schema: {
            tags: ["webchat"],
            summary: "Start a web chat session",
            body: z
              .object({ locale: z.enum(["zh-CN", "en"]).optional() })
              .optional()
              .default({}),
            response: {
              201: z.object({
                sessionId: z.string(),
                token: z.string(),
                greeting: z.object({ text: z.string(), quickReplies: z.array(quickReplySchema) }),
              }),
              ...errorResponses(400, 429),
            },
          },
        },
        async (request, reply) => {
          const sessionId = randomUUID();
          const locale = toLocale(request.body.locale ?? request.headers["accept-language"]?.split(",")[0] ?? "zh-CN");
          const ref = await ctx.conversations.ensureIdentity(WEBCHAT, sessionId, { sessionId }, { locale });
          this.sessions.set(sessionId, { identityId: ref.identityId, conversationId: ref.conversationId });
          return reply.code(201).send({
            sessionId,
            token: this.tokenFor(sessionId),
            greeting: { text: t(locale, "greeting"), quickReplies: mainMenu(locale) },
          });
        },
      );

      app.post(
        "/api/webchat/sessions/:sessionId/messages",
        {
          // Per session, not per IP: many customers share a carrier-grade NAT address.
          config: {
            rateLimit: {
              max: this.limits.messagesPerMinute,
              timeWindow: "1 minute",
              keyGenerator: (request) =>
                `webchat:${(request.params as { sessionId?: string }).sessionId ?? request.ip}`,
            },
          },
          schema: {
            tags: ["webchat"],
            summary: "Send a customer message; returns the bot's replies to it",
            security: [{ bearer: [] }],
            params: sessionParams,
            body: z.object({
              text: textSchema,
              clientMessageId: z.string().min(1).max(100).optional(),
            }),
            response: { 200: z.object({ replies: z.array(messageSchema) }), ...errorResponses(400, 401, 429) },
          },
        },
        async (request) => {
          const { sessionId } = request.params;
          await this.session(sessionId, bearer(request.headers.authorization));
          const result = await ctx.conversations.receive({
            channel: WEBCHAT,
            externalId: sessionId,
            address: { sessionId },
            // Scoped to the session: two customers' widgets may pick the same client id.
            channelMessageId: request.body.clientMessageId ? `${sessionId}:${request.body.clientMessageId}` : undefined,
            text: request.body.text,
          });
          return { replies: result.replies };
        },
      );

      app.get(
        "/api/webchat/sessions/:sessionId/messages",
        {
          schema: {
            tags: ["webchat"],
            summary: "The session's history, oldest first (both directions)",
            security: [{ bearer: [] }],
            params: sessionParams,
            querystring: z.object({ after: int8String("after").optional() }),
            response: { 200: z.object({ messages: z.array(messageSchema) }), ...errorResponses(400, 401) },
          },
        },
        async (request) => {
          const { sessionId } = request.params;
          const s = await this.session(sessionId, bearer(request.headers.authorization));
          const after = request.query.after ? BigInt(request.query.after) : undefined;
          return { messages: await ctx.conversations.history(s.conversationId, after) };
        },
      );

      app.get(
        "/api/webchat/ws",
        {
          websocket: true,
          schema: {
            tags: ["webchat"],
            summary: "Live messages of a session (WebSocket); query: sessionId, token",
            querystring: z.object({ sessionId: z.string(), token: z.string() }),
          },
        },
        async (socket, request) => {
          const { sessionId, token } = request.query as { sessionId: string; token: string };
          let conversationId: string;
          try {
            conversationId = (await this.session(sessionId, token)).conversationId;
          } catch (err) {
            socket.close(4401, err instanceof AppError ? err.code : "UNAUTHENTICATED");
            return;
          }
          this.sockets.add(socket);
          const unsubscribe = ctx.bus.subscribe(conversationTopic(conversationId), (event) => {
            if (event.type === "message" && socket.readyState === 1) socket.send(JSON.stringify(event));
          });
          socket.on("close", () => {
            unsubscribe();
            this.sockets.delete(socket);
          });
          socket.on("message", (raw) => {
            if (raw.toString() === "ping") socket.send("pong");
          });
          socket.send(JSON.stringify({ type: "ready" }));
        },
      );
    };
  }

  /** The outbox publishes every delivered message on the conversation topic; the sockets pick it up. */
  async send(_address: Record<string, unknown>, message: OutboundMessage): Promise<SendResult> {
    return { providerId: `webchat:${message.messageId}` };
  }

  status(): ChannelStatus {
    if (this.stopped) return { state: "disabled", detail: "stopped" };
    return { state: this.ctx ? "ready" : "starting", detail: `${this.sockets.size} live socket(s)` };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const s of this.sockets) s.close(1001, "server shutting down");
    this.sockets.clear();
  }
}

function bearer(header: string | undefined): string | undefined {
  return header?.startsWith("Bearer ") ? header.slice(7).trim() : undefined;
}

export type { FastifyInstance };
