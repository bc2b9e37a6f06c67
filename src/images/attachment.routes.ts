import fastifyMultipart from "@fastify/multipart";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireRole, STAFF } from "../agents/auth.plugin.js";
import type { AuthService, Principal } from "../agents/auth.service.js";
import type { ConsoleService } from "../agents/console.service.js";
import { mayViewConversation } from "../agents/conversation-scope.js";
import type { Db } from "../db/client.js";
import { AppError } from "../errors.js";
import { errorResponses } from "../http/schemas.js";
import { ticketVisibleTo } from "../tickets/ticket.queries.js";
import type { AttachmentRow, AttachmentService } from "./attachment.service.js";
import { MAX_IMAGE_BYTES } from "./image.inspect.js";
import { readFilePart, sendImage } from "./multipart.js";

const attachmentOut = z.object({
  id: z.string(),
  conversationId: z.string(),
  messageId: z.string().nullable(),
  ticketNumber: z.string().nullable(),
  purpose: z.string(),
  mime: z.string(),
  size: z.number(),
  width: z.number(),
  height: z.number(),
  sha256: z.string(),
  ocrText: z.string().nullable(),
  ocrWaybills: z.array(z.string()),
  createdAt: z.string(),
});

/**
 * Staff access to customers' images (issue 17): the list of a conversation's or a ticket's images
 * with their OCR text, and the bytes (full or thumbnail). Object-level scope as for the
 * conversation and the ticket themselves: an agent reaches an image through a conversation they
 * may view (mayViewConversation) or a ticket of their groups or assigned to them; supervisors and
 * admins reach every image. Outside the scope: 403, as for the conversation.
 */
export const attachmentRoutes =
  (
    db: Db,
    auth: AuthService,
    attachments: AttachmentService,
    consoleService: ConsoleService,
    /** Whether the named channel can carry an agent's image (ChannelAdapter.sendsImages). */
    sendsImages: (channel: string) => boolean,
  ): FastifyPluginAsyncZod =>
  async (app) => {
    const staff = requireRole(auth, ...STAFF);
    const tags = ["console"];
    const security = [{ bearer: [] }];

    async function conversationVisible(conversationId: string, p: Principal): Promise<boolean> {
      if (p.role !== "agent") return true;
      const conv = await db.conversation.findUnique({
        where: { id: conversationId },
        select: { id: true, mode: true, agentId: true },
      });
      return conv !== null && mayViewConversation(db, { id: p.agentId, role: p.role, groups: p.groups }, conv);
    }

    async function assertMayView(row: AttachmentRow, p: Principal): Promise<void> {
      if (await conversationVisible(row.conversationId, p)) return;
      if (row.ticketId) {
        const t = await db.ticket.findUnique({
          where: { id: row.ticketId },
          select: { groupCode: true, assigneeId: true },
        });
        if (t && ticketVisibleTo(t, p)) return;
      }
      throw new AppError("FORBIDDEN", "This image belongs to a conversation or ticket outside your scope");
    }

    async function toOut(rows: AttachmentRow[]) {
      const ticketIds = [...new Set(rows.map((r) => r.ticketId).filter((id): id is string => id !== null))];
      const numbers = new Map(
        (await db.ticket.findMany({ where: { id: { in: ticketIds } }, select: { id: true, number: true } })).map(
          (t) => [t.id, t.number],
        ),
      );
      return rows.map((r) => ({
        id: r.id,
        conversationId: r.conversationId,
        messageId: r.messageId,
        ticketNumber: r.ticketId ? (numbers.get(r.ticketId) ?? null) : null,
        purpose: r.purpose,
        mime: r.mime,
        size: r.size,
        width: r.width,
        height: r.height,
        sha256: r.sha256,
        ocrText: r.ocrText,
        ocrWaybills: r.ocrWaybills,
        createdAt: r.createdAt.toISOString(),
      }));
    }

    app.get(
      "/api/attachments",
      {
        onRequest: staff,
        schema: {
          tags,
          security,
          summary: "Customers' images of a conversation or of a ticket (evidence), with their OCR text",
          querystring: z
            .object({ conversationId: z.uuid().optional(), ticket: z.string().min(1).max(40).optional() })
            .refine((q) => Boolean(q.conversationId) !== Boolean(q.ticket), "give conversationId or ticket, not both"),
          response: { 200: z.object({ attachments: z.array(attachmentOut) }), ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const p = request.principal!;
        const { conversationId, ticket } = request.query;
        if (conversationId) {
          const exists = await db.conversation.count({ where: { id: conversationId } });
          if (!exists) throw new AppError("NOT_FOUND", "Conversation not found");
          if (!(await conversationVisible(conversationId, p)))
            throw new AppError("FORBIDDEN", "This conversation is outside your groups or belongs to another agent");
          return { attachments: await toOut(await attachments.list({ conversationId })) };
        }
        const t = await db.ticket.findUnique({
          where: { number: ticket ?? "" },
          select: { id: true, groupCode: true, assigneeId: true },
        });
        if (!t) throw new AppError("TICKET_NOT_FOUND");
        if (!ticketVisibleTo(t, p)) throw new AppError("FORBIDDEN", "This ticket belongs to a group you are not in");
        return { attachments: await toOut(await attachments.list({ ticketId: t.id })) };
      },
    );

    await app.register(fastifyMultipart, {
      limits: { fileSize: MAX_IMAGE_BYTES, files: 1, fields: 2, parts: 3, fieldSize: 1024 },
    });
    app.post(
      "/api/conversations/:id/attachments",
      {
        onRequest: staff,
        schema: {
          tags,
          security,
          summary:
            "Send the customer an image (multipart, field `file`; web chat, WeChat, Wechaty, Twilio MMS and Bot Framework; the conversation must be yours)",
          consumes: ["multipart/form-data"],
          params: z.object({ id: z.uuid({ message: "conversation id must be a UUID" }) }),
          response: {
            201: z.object({ id: z.string(), seq: z.string(), text: z.string(), attachments: z.array(z.unknown()) }),
            ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 429),
          },
        },
      },
      async (request, reply) => {
        const p = request.principal!;
        const conv = await db.conversation.findUnique({
          where: { id: request.params.id },
          select: { id: true, channel: true, mode: true, agentId: true },
        });
        if (!conv) throw new AppError("NOT_FOUND", "Conversation not found");
        // Checked before the upload is read, and again by reply() (nothing half-stored either way).
        if (conv.mode !== "agent" || conv.agentId !== p.agentId)
          throw new AppError("CONFLICT", "Take the conversation before replying");
        if (!sendsImages(conv.channel)) throw new AppError("CHANNEL_NO_IMAGES");
        if (!request.isMultipart())
          throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the image as multipart/form-data, field `file`");
        const bytes = await readFilePart(request);
        const a = await attachments.ingest(conv.id, bytes, { ocr: false });
        try {
          const shown = { id: a.id, mime: a.mime, width: a.width, height: a.height };
          const message = await consoleService.reply(p, conv.id, "[图片]", undefined, [shown]);
          await attachments.linkMessage(a.id, message.id, conv.id);
          return reply.code(201).send({ id: message.id, seq: message.seq, text: message.text, attachments: [shown] });
        } catch (err) {
          await attachments.discard(a.id).catch(() => {});
          throw err;
        }
      },
    );

    app.get(
      "/api/attachments/:id",
      {
        onRequest: staff,
        schema: {
          tags,
          security,
          summary: "A customer's image (full size, or variant=thumb: at most 320 px, WebP)",
          params: z.object({ id: z.uuid({ message: "attachment id must be a UUID" }) }),
          querystring: z.object({ variant: z.enum(["full", "thumb"]).default("full") }),
          response: {
            200: z.any().describe("The image bytes (image/jpeg, image/png or image/webp)"),
            ...errorResponses(400, 401, 403, 404),
          },
        },
      },
      async (request, reply) => {
        const row = await attachments.get(request.params.id);
        if (!row) throw new AppError("NOT_FOUND", "No such image");
        await assertMayView(row, request.principal!);
        const content = await attachments.content(row, request.query.variant);
        if (!content) throw new AppError("NOT_FOUND", "No such image");
        return sendImage(reply, content);
      },
    );
  };
