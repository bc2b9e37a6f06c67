import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { CATEGORY_CODES } from "../../intents/index.js";
import type { StaffAudit } from "../agents/audit.js";
import { requireRole } from "../agents/auth.plugin.js";
import type { AuthService } from "../agents/auth.service.js";
import { errorResponses } from "../http/schemas.js";
import { PRIORITIES } from "../tickets/ticket-state.js";
import { TICKET_TYPES } from "../tickets/ticket-types.js";
import type { SlaService } from "./sla.service.js";
import { CLOCK_KINDS } from "./sla-policy.js";

const policySchema = z.object({
  name: z.string(),
  ticketType: z.enum(TICKET_TYPES),
  kind: z.enum(CLOCK_KINDS),
  category: z.enum(CATEGORY_CODES).nullable(),
  priority: z.enum(PRIORITIES).nullable(),
  groupCode: z.string().nullable(),
  complex: z.boolean().nullable(),
  targetMinutes: z.number().int(),
  calendarId: z.string(),
  warnRatio: z.number(),
  pausable: z.boolean(),
  active: z.boolean(),
  rank: z.number().int(),
});

const calendarSchema = z.object({
  id: z.string(),
  name: z.string(),
  timezone: z.string(),
  mode: z.enum(["twentyfour_seven", "business_hours"]),
  dayStart: z.string(),
  dayEnd: z.string(),
  useChinaHolidays: z.boolean(),
  closedDays: z.array(z.string()),
});

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, "must be HH:MM");

/** Admin API for SLA policies and business calendars; changes apply to clocks started afterwards. */
export const slaRoutes =
  (sla: SlaService, auth: AuthService, audit: StaffAudit): FastifyPluginAsyncZod =>
  async (app) => {
    const readers = requireRole(auth, "supervisor", "admin");
    const admins = requireRole(auth, "admin");

    app.get(
      "/api/sla/policies",
      {
        onRequest: readers,
        schema: {
          tags: ["sla"],
          summary: "SLA policies (the highest-ranked matching policy of each kind applies to a new ticket)",
          security: [{ bearer: [] }],
          response: { 200: z.object({ items: z.array(policySchema) }), ...errorResponses(401, 403) },
        },
      },
      async () => ({ items: (await sla.policies()) as z.infer<typeof policySchema>[] }),
    );

    app.put(
      "/api/sla/policies/:name",
      {
        onRequest: admins,
        schema: {
          tags: ["sla"],
          summary: "Create or replace a policy (the regulatory 7-day limit is fixed: 409 SLA_POLICY_LOCKED)",
          security: [{ bearer: [] }],
          params: z.object({ name: z.string().regex(/^[a-z0-9_.-]{1,60}$/, "lower-case letters, digits, _ . -") }),
          body: z.object({
            ticketType: z.enum(TICKET_TYPES).default("complaint"),
            kind: z.enum(CLOCK_KINDS),
            category: z.enum(CATEGORY_CODES).nullable().default(null),
            priority: z.enum(PRIORITIES).nullable().default(null),
            groupCode: z.string().min(1).max(50).nullable().default(null),
            complex: z.boolean().nullable().default(null),
            targetMinutes: z
              .number()
              .int()
              .min(1)
              .max(60 * 24 * 60),
            calendarId: z.string().min(1).max(50).default("24x7"),
            warnRatio: z.number().gt(0).lt(1).default(0.8),
            pausable: z.boolean().default(true),
            active: z.boolean().default(true),
            rank: z.number().int().min(-1000).max(1000).default(0),
          }),
          response: { 200: policySchema, ...errorResponses(400, 401, 403, 409) },
        },
      },
      async (request) => {
        const saved = await sla.putPolicy(request.params.name, request.body);
        await audit(request.principal!.agentId, {
          action: "sla.policy.put",
          subjectType: "sla_policy",
          subjectId: request.params.name,
          data: request.body,
        });
        return saved as z.infer<typeof policySchema>;
      },
    );

    app.get(
      "/api/sla/calendars",
      {
        onRequest: readers,
        schema: {
          tags: ["sla"],
          summary: "Business calendars (24×7, or working hours with China's holidays and 调休 days)",
          security: [{ bearer: [] }],
          response: { 200: z.object({ items: z.array(calendarSchema) }), ...errorResponses(401, 403) },
        },
      },
      async () => {
        const rows = await sla.calendarRows();
        return { items: rows };
      },
    );

    app.put(
      "/api/sla/calendars/:id",
      {
        onRequest: admins,
        schema: {
          tags: ["sla"],
          summary: "Create or replace a business calendar (custom closed days as YYYY-MM-DD)",
          security: [{ bearer: [] }],
          params: z.object({ id: z.string().regex(/^[A-Za-z0-9_.-]{1,50}$/) }),
          body: z.object({
            name: z.string().trim().min(1).max(100),
            timezone: z.string().min(1).max(60).default("Asia/Shanghai"),
            mode: z.enum(["twentyfour_seven", "business_hours"]),
            dayStart: hhmm.default("09:00"),
            dayEnd: hhmm.default("18:00"),
            useChinaHolidays: z.boolean().default(true),
            closedDays: z.array(z.iso.date()).max(1000).default([]),
          }),
          response: { 200: calendarSchema, ...errorResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const saved = await sla.putCalendar({ id: request.params.id, ...request.body });
        await audit(request.principal!.agentId, {
          action: "sla.calendar.put",
          subjectType: "calendar",
          subjectId: request.params.id,
          data: { name: request.body.name, mode: request.body.mode, closedDays: request.body.closedDays.length },
        });
        return { ...saved, closedDays: [...saved.closedDays] };
      },
    );
  };
