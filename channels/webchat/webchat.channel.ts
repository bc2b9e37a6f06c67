import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import fastifyMultipart from "@fastify/multipart";
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
import type { AttachmentService } from "../../src/images/attachment.service.js";
import { IMAGE_TEXT } from "../../src/images/image.inbound.js";
import { MAX_IMAGE_BYTES } from "../../src/images/image.inspect.js";
import { readFilePart, sendImage } from "../../src/images/multipart.js";
import { conversationTopic } from "../../src/realtime/topics.js";
import { typingLimiter } from "../../src/realtime/typing.js";

export const WEBCHAT = "webchat";

const quickReplySchema = z.object({ title: z.string(), value: z.string().optional() });
/** An image in the history; its bytes: GET …/attachments/{id} (variant=thumb for the 320 px WebP). */
const attachmentSchema = z.object({ id: z.string(), mime: z.string(), width: z.number(), height: z.number() });
/** What the chat's image message reads in the history and on the console (the image is beside it). */
const messageSchema = z.object({
  id: z.string(),
  seq: z.string(),
  direction: z.enum(["in", "out"]),
  author: z.enum(["customer", "bot", "agent", "system"]),
  text: z.string(),
  quickReplies: z.array(quickReplySchema).optional(),
  attachments: z.array(attachmentSchema).optional(),
  agentName: z.string().optional().describe("issue 18: who answered, on an agent's message"),
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

  /** The widget shows an agent's images (issue 17). */
  sendsImages(): boolean {
    return true;
  }
  private stopped = false;
  private ctx: ChannelContext | undefined;
  private readonly sockets = new Set<WebSocket>();
  /** sessionId → conversationId; sessions never move between conversations while open. */
  private readonly sessions = new Map<string, { identityId: string; conversationId: string }>();

  constructor(
    private readonly db: Db,
    private readonly secret: string,
    private readonly limits: {
      sessionsPerMinute: number;
      messagesPerMinute: number;
      uploadsPerMinute?: number;
      /** Issue 17: images; absent, the upload route answers 415 ATTACHMENT_NOT_IMAGE… not registered. */
      attachments?: AttachmentService;
    } = {
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

      const attachments = this.limits.attachments;
      if (attachments) await this.attachmentRoutes(app, attachments);

      app.get(
        "/api/webchat/sessions/:sessionId/messages",
        {
          schema: {
            tags: ["webchat"],
            summary: "The session's history, oldest first (both directions)",
            security: [{ bearer: [] }],
            params: sessionParams,
            querystring: z.object({ after: int8String("after").optional() }),
            response: {
              200: z.object({
                messages: z.array(messageSchema),
                readUpTo: z
                  .string()
                  .nullable()
                  .describe(
                    "the customer's messages up to this seq were read by the agent holding the chat (issue 18)",
                  ),
              }),
              ...errorResponses(400, 401),
            },
          },
        },
        async (request) => {
          const { sessionId } = request.params;
          const s = await this.session(sessionId, bearer(request.headers.authorization));
          const after = request.query.after ? BigInt(request.query.after) : undefined;
          const [messages, readUpTo] = await Promise.all([
            ctx.conversations.history(s.conversationId, after),
            ctx.conversations.readUpTo(s.conversationId),
          ]);
          return { messages, readUpTo };
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
            if (socket.readyState !== 1) return;
            // Messages, and the agent's "正在输入…" (issue 18); never staff-only events.
            // and the agent's read marks (已读).
            const agentTyping = event.type === "typing" && event.from === "agent";
            if (event.type === "message" || event.type === "read" || agentTyping) socket.send(JSON.stringify(event));
          });
          socket.on("close", () => {
            unsubscribe();
            this.sockets.delete(socket);
          });
          const mayRelayTyping = typingLimiter();
          socket.on("message", (raw) => {
            const text = raw.toString();
            if (text === "ping") return socket.send("pong");
            // Issue 18: the customer is typing; told to the agents watching (rate-capped).
            if (text === '{"type":"typing"}' && mayRelayTyping()) {
              void ctx.bus
                .publish(conversationTopic(conversationId), { type: "typing", conversationId, from: "customer" })
                .catch(() => {});
            }
          });
          socket.send(JSON.stringify({ type: "ready" }));
        },
      );
    };
  }

  /** Issue 17: a customer's image upload (answered like a message) and its download. */
  private async attachmentRoutes(
    app: Parameters<FastifyPluginAsyncZod>[0],
    attachments: AttachmentService,
  ): Promise<void> {
    const ctx = this.ctx!;
    // Scoped to this plugin: the rest of the API keeps refusing multipart bodies.
    await app.register(fastifyMultipart, {
      limits: { fileSize: MAX_IMAGE_BYTES, files: 1, fields: 2, parts: 3, fieldSize: 1024 },
    });
    app.post(
      "/api/webchat/sessions/:sessionId/attachments",
      {
        config: {
          rateLimit: {
            max: this.limits.uploadsPerMinute ?? 10,
            timeWindow: "1 minute",
            keyGenerator: (request) =>
              `webchat-upload:${(request.params as { sessionId?: string }).sessionId ?? request.ip}`,
          },
        },
        schema: {
          tags: ["webchat"],
          summary: "Send an image (multipart/form-data, field `file`: JPEG, PNG or WebP, at most 10 MB)",
          description:
            "The image is checked by its content, stripped of metadata (EXIF location) and stored; a waybill " +
            "number read from it is answered like the typed number; during or right after a complaint or " +
            "claim it is attached to the ticket as evidence. Returns the bot's replies, like a message.",
          security: [{ bearer: [] }],
          consumes: ["multipart/form-data"],
          params: sessionParams,
          response: {
            200: z.object({ replies: z.array(messageSchema), attachment: attachmentSchema }),
            ...errorResponses(400, 401, 413, 415, 422, 429),
          },
        },
      },
      async (request) => {
        const { sessionId } = request.params;
        // The token first: nothing of a stranger's upload is read.
        await this.session(sessionId, bearer(request.headers.authorization));
        if (!request.isMultipart())
          throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the image as multipart/form-data, field `file`");
        const bytes = await readFilePart(request);
        const s = await this.session(sessionId, bearer(request.headers.authorization));
        const attachment = await attachments.ingest(s.conversationId, bytes);
        try {
          const result = await ctx.conversations.receive({
            channel: WEBCHAT,
            externalId: sessionId,
            address: { sessionId },
            text: IMAGE_TEXT,
            kind: "image",
            attachments: [attachment],
          });
          await attachments.linkMessage(attachment.id, result.inboundId, result.conversationId);
          const { waybills: _w, ocr: _o, ...shown } = attachment;
          return { replies: result.replies, attachment: shown };
        } catch (err) {
          await attachments.discard(attachment.id).catch(() => {});
          throw err;
        }
      },
    );

    app.get(
      "/api/webchat/sessions/:sessionId/attachments/:attachmentId",
      {
        schema: {
          tags: ["webchat"],
          summary: "An image of the session (full size, or variant=thumb: at most 320 px, WebP)",
          security: [{ bearer: [] }],
          params: z.object({
            sessionId: z.uuid({ message: "sessionId must be a UUID" }),
            attachmentId: z.uuid({ message: "attachmentId must be a UUID" }),
          }),
          querystring: z.object({ variant: z.enum(["full", "thumb"]).default("full") }),
          response: {
            200: z.any().describe("The image bytes (image/jpeg, image/png or image/webp)"),
            ...errorResponses(400, 401, 404),
          },
        },
      },
      async (request, reply) => {
        const s = await this.session(request.params.sessionId, bearer(request.headers.authorization));
        const row = await attachments.get(request.params.attachmentId);
        // Another session's image answers exactly like a missing one.
        const identity = row
          ? await this.db.conversation.findUnique({ where: { id: row.conversationId }, select: { identityId: true } })
          : null;
        if (!row || identity?.identityId !== s.identityId) throw new AppError("NOT_FOUND", "No such image");
        const content = await attachments.content(row, request.query.variant);
        if (!content) throw new AppError("NOT_FOUND", "No such image");
        return sendImage(reply, content);
      },
    );
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
