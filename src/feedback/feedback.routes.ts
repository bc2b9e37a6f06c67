import { Readable } from "node:stream";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { StaffAudit } from "../agents/audit.js";
import { requireRole } from "../agents/auth.plugin.js";
import type { AuthService } from "../agents/auth.service.js";
import { AppError } from "../errors.js";
import { errorResponses, visibleText } from "../http/schemas.js";
import { beijingTime, csvLine, freeText, timeColumn } from "../reports/csv.format.js";
import { chinaDayBound } from "../util/china-day.js";
import { FEEDBACK_TYPES, type FeedbackService } from "./feedback.service.js";

const DAY = 86_400_000;
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD (China time)");

const periodQuery = z.object({
  type: z.enum(FEEDBACK_TYPES).optional(),
  from: day.optional(),
  to: day.optional(),
  /** Words in the text, or a topic tag. */
  q: z.string().trim().min(1).max(100).optional(),
  status: z.enum(["new", "adopted", "replied", "answered", "unanswered"]).optional(),
});

const rowSchema = z.object({
  id: z.string(),
  type: z.string(),
  text: z.string(),
  customer: z.string(),
  channel: z.string(),
  locale: z.string(),
  tags: z.array(z.string()),
  status: z.string(),
  note: z.string().nullable(),
  articleId: z.string().nullable(),
  createdAt: z.string(),
});

/** from..to are whole China days, `to` included; default the last 30 days. */
function period(q: { from?: string | undefined; to?: string | undefined }, now = new Date()): { from: Date; to: Date } {
  const to = q.to ? chinaDayBound(q.to, true) : now;
  const from = q.from ? chinaDayBound(q.from, false) : new Date(to.getTime() - 30 * DAY);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to)
    throw new AppError("VALIDATION_FAILED", "from must be a valid day before to");
  if (to.getTime() - from.getTime() > 400 * DAY) throw new AppError("VALIDATION_FAILED", "at most 400 days at once");
  return { from, to };
}

export interface FeedbackNotifier {
  /** Tells the customer, on the conversation the suggestion came from. */
  notify(conversationId: string, text: string): Promise<void>;
}

/** 建议 and 咨询 as customers sent them (supervisors and admins; texts masked). */
export const feedbackRoutes =
  (
    feedback: FeedbackService,
    auth: AuthService,
    audit: StaffAudit,
    notifier: FeedbackNotifier,
  ): FastifyPluginAsyncZod =>
  async (app) => {
    const readers = requireRole(auth, "supervisor", "admin");

    app.get(
      "/api/feedback",
      {
        onRequest: readers,
        schema: {
          tags: ["feedback"],
          summary:
            "Suggestions and inquiries customers sent in a period (newest first; phone numbers and house numbers masked)",
          security: [{ bearer: [] }],
          querystring: periodQuery.extend({
            page: z.coerce.number().int().min(1).max(10_000).default(1),
            pageSize: z.coerce.number().int().min(1).max(200).default(50),
          }),
          response: {
            200: z.object({ total: z.number(), items: z.array(rowSchema) }),
            ...errorResponses(400, 401, 403),
          },
        },
      },
      async (request) => {
        const q = request.query;
        return feedback.list({ ...q, ...period(q) });
      },
    );

    app.get(
      "/api/feedback/export.csv",
      {
        onRequest: readers,
        schema: {
          tags: ["feedback"],
          summary:
            "CSV of the period's suggestions and inquiries (UTF-8 with BOM; times in Beijing time, UTC+08:00; phone numbers and house numbers masked, notes included)",
          security: [{ bearer: [] }],
          querystring: periodQuery,
          response: { 200: z.string(), ...errorResponses(400, 401, 403) },
        },
      },
      async (request, reply) => {
        const q = request.query;
        const rows = feedback.csv({ ...q, ...period(q) });
        async function* lines() {
          yield "\uFEFF";
          yield csvLine([
            "id",
            "type",
            timeColumn("created_at"),
            "channel",
            "customer",
            "status",
            "tags",
            "text",
            "note",
          ]);
          for await (const r of rows)
            yield csvLine([
              r.id,
              r.type,
              beijingTime(r.createdAt),
              r.channel,
              r.customer,
              r.status,
              r.tags.join(" "),
              r.text,
              freeText(r.note),
            ]);
        }
        return reply
          .header("content-type", "text/csv; charset=utf-8")
          .header("content-disposition", 'attachment; filename="feedback.csv"')
          .send(Readable.from(lines()) as unknown as string);
      },
    );

    app.patch(
      "/api/feedback/:id",
      {
        onRequest: readers,
        schema: {
          tags: ["feedback"],
          summary: "Mark a suggestion adopted or replied; with `reply`, the customer is told on their channel",
          security: [{ bearer: [] }],
          params: z.object({ id: z.uuid() }),
          body: z.object({
            status: z.enum(["adopted", "replied"]),
            note: z.string().trim().max(1000).nullable().default(null),
            // Sent to the customer: one of only zero-width or direction marks was an empty bubble.
            reply: visibleText(1000).optional(),
          }),
          response: { 200: rowSchema, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const { status, note, reply } = request.body;
        const { conversationId, ...row } = await feedback.setStatus(request.params.id, status, note);
        if (reply) await notifier.notify(conversationId, reply);
        await audit(request.principal!.agentId, {
          action: `feedback.${status}`,
          subjectType: "feedback",
          subjectId: row.id,
          data: { repliedToCustomer: Boolean(reply) },
        });
        return row;
      },
    );
  };
