import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireRole } from "../agents/auth.plugin.js";
import type { AuthService } from "../agents/auth.service.js";
import { errorResponses } from "../http/schemas.js";
import type { HolidayService } from "./holiday.service.js";

const day = z.object({
  date: z.iso.date(),
  kind: z.enum(["holiday", "workday"]),
  name: z.string().trim().max(60).default(""),
});
const dayOut = z.object({ date: z.string(), kind: z.enum(["holiday", "workday"]), name: z.string() });
const savedYear = z.object({ year: z.number(), source: z.string(), days: z.array(dayOut) });
const yearParam = z.object({ year: z.coerce.number().int().min(2000).max(2100) });
const source = z.string().trim().max(300);
const coverage = z.object({
  status: z.enum(["ok", "warning", "expired"]),
  coveredUntil: z.string().nullable(),
  daysLeft: z.number().nullable(),
  message: z.string(),
});

/** The admin making the change (the route's onRequest guard has set the principal). */
const actorOf = (request: FastifyRequest) => ({ agentId: request.principal!.agentId });

/**
 * Admin API for China's annual holiday schedule (issue 19): the State Council publishes the
 * next year's holidays and 调休 working days each autumn; an admin loads them here (form, JSON
 * or an ICS file). A loaded year replaces chinese-days' data for that year.
 */
export const holidayRoutes =
  (holidays: HolidayService, auth: AuthService): FastifyPluginAsyncZod =>
  async (app) => {
    const admins = requireRole(auth, "admin");
    const security = [{ bearer: [] }];

    app.get(
      "/api/admin/holidays",
      {
        onRequest: admins,
        schema: {
          tags: ["sla"],
          security,
          summary: "Loaded holiday schedules per year, the years chinese-days covers, and how far the data reaches",
          response: {
            200: z.object({
              loaded: z.array(
                z.object({
                  year: z.number(),
                  source: z.string(),
                  holidays: z.number(),
                  workdays: z.number(),
                  loadedAt: z.string(),
                }),
              ),
              builtinYears: z.array(z.number()),
              coverage,
            }),
            ...errorResponses(401, 403),
          },
        },
      },
      async () => ({ ...(await holidays.years()), coverage: holidays.coverage() }),
    );

    app.get(
      "/api/admin/holidays/:year",
      {
        onRequest: admins,
        schema: {
          tags: ["sla"],
          security,
          summary: "A year's loaded schedule (empty when none is loaded)",
          params: yearParam,
          response: {
            200: z.object({ year: z.number(), source: z.string().nullable(), days: z.array(dayOut) }),
            ...errorResponses(400, 401, 403),
          },
        },
      },
      async (request) => holidays.year(request.params.year),
    );

    app.put(
      "/api/admin/holidays/:year",
      {
        onRequest: admins,
        schema: {
          tags: ["sla"],
          security,
          summary:
            "Replace a year's schedule: every public holiday (day off) and 调休 make-up working day; other days follow the week",
          params: yearParam,
          body: z.object({
            /** The notice it comes from (e.g. the gov.cn address of 国务院办公厅关于…部分节假日安排的通知). */
            source: source.default("form"),
            days: z.array(day).min(1).max(400),
          }),
          response: { 200: savedYear, ...errorResponses(400, 401, 403) },
        },
      },
      async (request) =>
        holidays.replaceYear(request.params.year, request.body.days, request.body.source, actorOf(request)),
    );

    app.post(
      "/api/admin/holidays/:year/ics",
      {
        onRequest: admins,
        schema: {
          tags: ["sla"],
          security,
          summary:
            "Replace a year's schedule from an iCalendar file's text (all-day events; 班/上班/ALTERNATE-WORKDAY marks a 调休 working day); days of other years are skipped",
          params: yearParam,
          body: z.object({
            ics: z
              .string()
              .min(1)
              .max(512 * 1024),
            source: source.default("ics"),
          }),
          response: {
            200: savedYear.extend({ skipped: z.number(), problems: z.array(z.string()) }),
            ...errorResponses(400, 401, 403),
          },
        },
      },
      async (request) =>
        holidays.importIcs(request.params.year, request.body.ics, request.body.source, actorOf(request)),
    );

    app.delete(
      "/api/admin/holidays/:year",
      {
        onRequest: admins,
        schema: {
          tags: ["sla"],
          security,
          summary: "Remove a year's loaded schedule (chinese-days, or Monday–Friday, applies again)",
          params: yearParam,
          response: { 200: z.object({ deleted: z.number() }), ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => holidays.deleteYear(request.params.year, actorOf(request)),
    );
  };
