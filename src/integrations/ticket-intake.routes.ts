import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { CATEGORY_CODES } from "../../intents/index.js";
import { requireAccess } from "../agents/auth.plugin.js";
import { type AuthService, isApiKey } from "../agents/auth.service.js";
import { errorResponses, visibleText } from "../http/schemas.js";
import { detailSchema } from "../tickets/ticket.routes.js";
import { actorOf } from "../tickets/ticket.service.js";
import { EXTERNAL_SOURCES, type TicketIntake } from "./ticket-intake.service.js";

const text = visibleText;
const phone = z
  .string()
  .trim()
  .regex(/^(\+?86)?1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$/, "must be a mainland mobile or landline number");
const instant = z.iso.datetime({ offset: true }).transform((v) => new Date(v));

const body = z
  .object({
    source: z.enum(EXTERNAL_SOURCES).describe("spb12305: 12305 申诉 transferred by the postal regulator; ecommerce"),
    externalId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:/#-]{0,99}$/, "1–100 letters, digits or . _ : / # -")
      .describe("the caller's id of the complaint: the same (source, externalId) answers the same ticket"),
    externalRef: text(100).optional().describe("the caller's reference to show (申诉单号, order number)"),
    customer: z
      .object({
        name: text(100).optional(),
        phone: phone.optional(),
        channel: z.enum(["wechat", "webchat", "sms", "botframework"]).optional(),
        channelUserId: text(200).optional().describe("the customer's id on that channel (e.g. a WeChat openid)"),
      })
      .strict(),
    waybill: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9]{6,30}$/, "must be 6–30 letters or digits")
      .transform((v) => v.toUpperCase())
      .optional(),
    category: z.enum(CATEGORY_CODES).optional().describe("without it the text is classified by the intent engine"),
    text: text(4000).describe("the complaint as the customer or the caller put it"),
    deadline: instant.optional().describe("the caller's deadline; 12305: the regulator's deadline for the report"),
    transferredAt: instant
      .optional()
      .describe("spb12305 only: when the regulator transferred it (the 10 days count from here); now when omitted"),
    mediation: z
      .object({ deadline: instant.optional() })
      .strict()
      .optional()
      .describe("spb12305 only: the regulator asks for feedback on its mediation (3 working days unless a deadline)"),
  })
  .strict();

/**
 * `POST /api/integrations/tickets` (issue 21): a system with an API key of scope tickets:write
 * hands over a complaint. 201 with the new ticket; 200 with the existing one for a known externalId.
 */
export const ticketIntakeRoutes =
  (intake: TicketIntake, auth: AuthService): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      "/api/integrations/tickets",
      {
        // Supervisors and admins may enter a transfer that came by phone or letter.
        onRequest: requireAccess(auth, { roles: ["supervisor", "admin"], scope: "tickets:write" }),
        schema: {
          tags: ["integrations"],
          summary:
            "A complaint from another system (12305 申诉 transferred by the regulator, a marketplace's after-sales complaint): same queue and clocks as a chat complaint; a 12305 transfer also runs the regulator's clocks (report within 10 days of the transfer, mediation feedback within 3 working days). API key with scope tickets:write (opened by the system), or a supervisor or admin. Idempotent: a known (source, externalId) answers 200 with its ticket. 400 VALIDATION_FAILED, 400 CUSTOMER_UNREACHABLE",
          security: [{ bearer: [] }],
          body,
          response: {
            200: detailSchema,
            201: detailSchema,
            ...errorResponses(400, 401, 403),
          },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const p = request.principal!;
        const { ticket, created } = await intake.open(isApiKey(p) ? { type: "system" } : actorOf(p), {
          source: b.source,
          externalId: b.externalId,
          externalRef: b.externalRef,
          customer: b.customer,
          waybill: b.waybill,
          category: b.category,
          text: b.text,
          deadline: b.deadline,
          transferredAt: b.transferredAt,
          mediation: b.mediation,
        });
        return reply.code(created ? 201 : 200).send(ticket);
      },
    );
  };
