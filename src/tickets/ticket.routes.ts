import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { CATEGORY_CODES } from "../../intents/index.js";
import { requireAccess, STAFF } from "../agents/auth.plugin.js";
import { type AuthService, isApiKey } from "../agents/auth.service.js";
import { AppError } from "../errors.js";
import { errorResponses, visibleText, yuan } from "../http/schemas.js";
import { STAGES } from "../places/stage.js";
import { type ActionBody, actorOf, type TicketService } from "./ticket.service.js";
import { TICKET_NUMBER_RE } from "./ticket-number.js";
import { PRIORITIES, TICKET_STATUSES } from "./ticket-state.js";
import { TICKET_TYPES } from "./ticket-types.js";

const text = visibleText;
const phone = z
  .string()
  .trim()
  .regex(/^(\+?86)?1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$/, "must be a mainland mobile or landline number");

const clockSchema = z.object({
  id: z.string(),
  kind: z.string(),
  policy: z.string(),
  calendarId: z.string(),
  targetMinutes: z.number(),
  startedAt: z.string(),
  dueAt: z.string(),
  warnAt: z.string(),
  pausedMs: z.number(),
  state: z.string(),
  warnedAt: z.string().optional(),
  metAt: z.string().optional(),
  breachedAt: z.string().optional(),
  /** Due time computed Monday–Friday on a year without holiday data (issue 19). */
  calendarFallback: z.boolean(),
});

const summarySchema = z.object({
  number: z.string(),
  type: z.string().describe("complaint | urge | address_change | pickup | delivery_preference | claim (issue 15)"),
  category: z.string(),
  priority: z.string(),
  status: z.string(),
  groupCode: z.string(),
  assigneeId: z.string().nullable(),
  channel: z.string(),
  waybill: z.string().nullable(),
  description: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  nextDueAt: z.string().nullable(),
  nextWarnAt: z.string().nullable(),
  breached: z.boolean(),
});

export const detailSchema = summarySchema.extend({
  id: z.string(),
  assignee: z.object({ id: z.string(), username: z.string(), displayName: z.string() }).nullable(),
  customer: z.object({ id: z.string(), name: z.string().nullable(), phone: z.string().nullable() }),
  conversationId: z.string().nullable(),
  contactPhone: z.string().nullable(),
  claimedAmount: z.number().nullable(),
  details: z.record(z.string(), z.unknown()).nullable().describe("request data (new address, pickup slot, consent …)"),
  outcome: z.string().nullable().describe("requests: done | rejected | cancelled"),
  proposedAmount: z.number().nullable(),
  paidAmount: z.number().nullable(),
  region: z
    .object({
      provinceCode: z.string(),
      province: z.string(),
      cityCode: z.string().nullable(),
      city: z.string().nullable(),
    })
    .nullable()
    .describe(
      "where the problem lies (issue 23): GB/T 2260 codes from the waybill's tracking when the ticket was opened (the place of its latest event, else origin/destination), else the customer's address; a 直辖市 is its own city",
    ),
  stage: z
    .enum(STAGES)
    .nullable()
    .describe(
      "the parcel's stage when the ticket was opened: 揽收 pickup | 分拣转运 transit | 派送 delivery | 签收后 after_delivery",
    ),
  outlet: z
    .object({ code: z.string(), name: z.string() })
    .nullable()
    .describe(
      "issue 23: the outlet (网点) the problem lies with — from the waybill's tracking when an event names a known outlet, else set by the agent (PUT …/place, or at resolution)",
    ),
  repeatOf: z
    .string()
    .nullable()
    .describe(
      "issue 23: a repeat complaint — the number of the same customer's or waybill's earlier complaint within TICKET_REOPEN_DAYS",
    ),
  complex: z.boolean(),
  resolution: z.string().nullable(),
  rootCause: z.string().nullable(),
  reopenedCount: z.number(),
  firstResponseAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  slaClocks: z.array(clockSchema),
  external: z
    .object({
      source: z.string(),
      externalId: z.string(),
      externalRef: z.string().nullable(),
      deadline: z.string().nullable(),
    })
    .nullable()
    .describe("issue 21: a complaint another system handed over (spb12305 = 12305 申诉, ecommerce); null otherwise"),
  events: z.array(
    z.object({
      id: z.string(),
      at: z.string(),
      actorType: z.string(),
      actorId: z.string().nullable(),
      type: z.string(),
      data: z.unknown(),
    }),
  ),
});

const numberParams = z.object({
  number: z.string().regex(TICKET_NUMBER_RE, "must be a ticket number YYYYMM-NNNNN"),
});

const ACTION_BODIES = {
  take: z.object({}).strict().nullish(),
  reply: z.object({
    text: text(2000),
    cannedReplyId: z.uuid().optional().describe("the canned reply this text came from (recorded in the audit log)"),
  }),
  note: z.object({ text: text(4000) }),
  pend: z.object({ text: text(2000).optional() }).nullish(),
  resolve: z.object({
    resolution: text(4000),
    rootCause: z
      .enum(["quality", "non_quality"])
      .optional()
      .describe(
        "001 第五条: quality (质量异常) or non_quality (非质量异常, human-caused); required to resolve a complaint (400 ROOT_CAUSE_REQUIRED)",
      ),
    outlet: z
      .string()
      .trim()
      .max(40)
      .nullable()
      .optional()
      .describe(
        "issue 23: the responsible outlet's code (GET /api/outlets), name or a part of its name that fits one outlet, null for none; 400 OUTLET_UNKNOWN, OUTLET_AMBIGUOUS (details.candidates)",
      ),
  }),
  reopen: z.object({ reason: text(2000).optional() }).nullish(),
  transfer: z.object({
    agent: z.string().trim().min(1).max(100).optional(),
    group: z.string().trim().min(1).max(50).optional(),
    note: text(2000),
  }),
  complete: z.object({ resolution: text(4000).optional(), paidAmount: yuan().optional() }).nullish(),
  reject: z.object({ reason: text(2000) }),
  convert: z.object({ note: text(2000).optional() }).nullish(),
  propose: z.object({ amount: yuan(), note: text(1000).optional() }),
  agree: z.object({}).strict().nullish(),
} as const;

const ACTION_SUMMARY: Record<keyof typeof ACTION_BODIES, string> = {
  take: "Take ownership (new → open; 首问负责制: the taker owns it until resolved or transferred)",
  reply: "Reply to the customer on the ticket's channel (meets the first-response clock)",
  note: "Internal note, never sent to the customer",
  pend: "Wait for the customer (open → pending_customer); pausable SLA clocks pause. Optional text is sent",
  resolve: "Resolve with the resolution and the root cause (quality / non_quality, 001 第五条)",
  reopen: "Reopen a resolved ticket (resolution clock restarts)",
  transfer: "Transfer to an agent (username or id) and/or a group, with a note",
  complete:
    "Service request done (→ resolved, outcome done); a claim with paidAmount (at most CLAIM_MAX_AMOUNT). The customer is told",
  reject: "Refuse a service request with a reason (→ resolved, outcome rejected). The customer is told",
  convert: "Turn a service request into a complaint (complaint clocks start now). The customer is told",
  propose:
    "Claim: the proposed compensation (meets the acknowledge and 30-day proposal clocks; above CLAIM_MAX_AMOUNT: 400 CLAIM_AMOUNT_TOO_LARGE). The customer is told",
  agree: "Claim: the customer agreed to the proposal (starts the 7-day payment clock). The customer is told",
};

export const ticketRoutes =
  (tickets: TicketService, auth: AuthService): FastifyPluginAsyncZod =>
  async (app) => {
    const staff = requireAccess(auth, { roles: STAFF });
    // Issue 21: systems with an API key; a key reads tickets like a supervisor and opens them as the system.
    const readers = requireAccess(auth, { roles: STAFF, scope: "tickets:read" });
    const writers = requireAccess(auth, { roles: STAFF, scope: "tickets:write" });

    app.post(
      "/api/tickets",
      {
        onRequest: writers,
        schema: {
          tags: ["tickets"],
          summary:
            "Open a ticket (e.g. for a phone call); routed, prioritised and clocked like a chat complaint. API key: scope tickets:write (opened by the system; no conversationId)",
          security: [{ bearer: [] }],
          body: z.object({
            category: z.enum(CATEGORY_CODES),
            description: text(4000),
            waybill: z
              .string()
              .trim()
              .regex(/^[A-Za-z0-9]{6,30}$/, "must be 6–30 letters or digits")
              .transform((v) => v.toUpperCase())
              .optional(),
            contactPhone: phone.optional(),
            claimedAmount: yuan({ zero: true }).optional(),
            priority: z.enum(PRIORITIES).optional(),
            complex: z.boolean().optional(),
            conversationId: z.uuid().optional(),
            customerPhone: phone.optional(),
            customerName: text(100).optional(),
          }),
          response: { 201: detailSchema, ...errorResponses(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        const p = request.principal!;
        // A system links no chat conversation (首问负责制 and conversation visibility are agents' rules).
        if (isApiKey(p) && request.body.conversationId)
          throw new AppError("VALIDATION_FAILED", "conversationId cannot be given with an API key", {
            field: "conversationId",
          });
        const created = await tickets.create(request.body, isApiKey(p) ? { type: "system" } : actorOf(p));
        return reply.code(201).send(created);
      },
    );

    app.get(
      "/api/tickets",
      {
        onRequest: readers,
        schema: {
          tags: ["tickets"],
          summary:
            "List tickets visible to you (agents: your groups and your own), newest first. API key: scope tickets:read (sees all, like a supervisor)",
          security: [{ bearer: [] }],
          querystring: z.object({
            status: z
              .string()
              .optional()
              .transform((v) => (v ? v.split(",").map((s) => s.trim()) : undefined))
              .pipe(z.array(z.enum(TICKET_STATUSES)).optional())
              .describe("comma-separated statuses"),
            category: z.enum(CATEGORY_CODES).optional(),
            type: z.enum(TICKET_TYPES).optional(),
            group: z.string().max(50).optional(),
            assignee: z.union([z.literal("me"), z.literal("none"), z.uuid()]).optional(),
            breached: z
              .enum(["true", "false"])
              .transform((v) => v === "true")
              .optional(),
            text: z.string().trim().min(1).max(100).optional(),
            label: z.uuid({ message: "label must be a label id" }).optional().describe("only tickets with this label"),
            page: z.coerce.number().int().min(1).default(1),
            pageSize: z.coerce.number().int().min(1).max(200).default(50),
          }),
          response: {
            200: z.object({ items: z.array(summarySchema), total: z.number(), page: z.number(), pageSize: z.number() }),
            ...errorResponses(400, 401),
          },
        },
      },
      async (request) => {
        const q = request.query;
        const { items, total } = await tickets.list(q, request.principal!);
        return { items, total, page: q.page, pageSize: q.pageSize };
      },
    );

    app.get(
      "/api/tickets/:number",
      {
        onRequest: readers,
        schema: {
          tags: ["tickets"],
          summary: "A ticket with its SLA clocks and its full event history. API key: scope tickets:read",
          security: [{ bearer: [] }],
          params: numberParams,
          response: { 200: detailSchema, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => tickets.get(request.params.number, request.principal!),
    );

    app.put(
      "/api/tickets/:number/place",
      {
        onRequest: staff,
        schema: {
          tags: ["tickets"],
          summary:
            "Confirm or correct where and at which stage the problem lies (issue 23): place as words (杭州, 浙江省金华市) or a GB/T 2260 code, null for unknown (400 PLACE_UNKNOWN when it names none); stage, null for unknown; outlet as an outlet code, name or a part of its name that fits one outlet, null for none (400 OUTLET_UNKNOWN; OUTLET_AMBIGUOUS with details.candidates when several fit) — a complaint nobody holds moves to the outlet's agent group (a transferred event); omitted fields stay. Audited",
          security: [{ bearer: [] }],
          params: numberParams,
          body: z
            .object({
              place: z.string().max(100).nullable().optional(),
              stage: z.enum(STAGES).nullable().optional(),
              outlet: z
                .string()
                .max(40)
                .nullable()
                .optional()
                .describe("an outlet code (GET /api/outlets), name or part of a name, null for none"),
            })
            .strict(),
          response: { 200: detailSchema, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => tickets.correctPlace(request.params.number, request.body, request.principal!),
    );

    for (const action of Object.keys(ACTION_BODIES) as (keyof typeof ACTION_BODIES)[]) {
      app.post(
        `/api/tickets/:number/${action}`,
        {
          onRequest: staff,
          schema: {
            tags: ["tickets"],
            summary: ACTION_SUMMARY[action],
            security: [{ bearer: [] }],
            params: numberParams,
            body: ACTION_BODIES[action],
            response: { 200: detailSchema, ...errorResponses(400, 401, 403, 404, 409) },
          },
        },
        async (request) => {
          const body = { action, ...((request.body as object | undefined) ?? {}) } as ActionBody;
          return tickets.act(request.params.number, body, request.principal!);
        },
      );
    }
  };
