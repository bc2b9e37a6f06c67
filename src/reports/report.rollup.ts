/**
 * Dashboard rollups (issue 8). The summary's figures are sums over per-day (China time) grains:
 * tickets per (day, group, assignee, category), complaints per (day, group, assignee, place, stage),
 * SLA clocks per (day, group, assignee, kind),
 * surveys per (day of sending, group, agent) and shipments per day. A scheduled job stores the
 * grains of days at least two days old in the Report*Day tables; the summary reads those for
 * the days they cover and computes every other day of the period live with the very same grain
 * SQL (today, yesterday, partial days at the period's edges, days not rolled up yet, and days
 * marked dirty). The place and outlet grains are also summed per month without the agent
 * (Report*Month, rewritten with their days; places also per city and per stage apart,
 * ReportCityMonth and ReportStageMonth, and per agent too; SLA clocks without the agent; surveys with it): a year of their days is about one row per complaint, so
 * a period not filtered by agent reads its months from there (issue 23; see monthsLess).
 *
 * Freshness: triggers (migration 0006) append a ReportDirtyDay row in the same transaction as
 * any change to a ticket, clock, survey or shipment of a rolled-up-able day, so a committed
 * change is always visible to the next summary (the day is computed live until the job has
 * recomputed it). The job only affects speed, never correctness.
 */
import type { Logger } from "pino";
import type { Db } from "../db/client.js";
import { Prisma } from "../generated/prisma/client.js";
import type { Scheduler } from "../scheduler/scheduler.js";

const DAY_MS = 86_400_000;
const CST_MS = 8 * 3_600_000;
/** Arbitrary, fixed: one rollup batch at a time across instances. */
const ROLLUP_LOCK_ID = 72_410_008;
export const ROLLUP_KIND = "reportrollup";
export const ROLLUP_KEY = `${ROLLUP_KIND}:refresh`;

/** The China-time calendar day of an instant, YYYY-MM-DD. */
export const cstDay = (d: Date): string => new Date(d.getTime() + CST_MS).toISOString().slice(0, 10);
/** Midnight China time starting a day. */
export const dayStart = (day: string): Date => new Date(`${day}T00:00:00+08:00`);
const nextDay = (day: string): string => cstDay(new Date(dayStart(day).getTime() + DAY_MS));

/** Which part of a period [from, to) comes from the rollup and which is computed live. */
export interface Plan {
  /** Inclusive runs of rolled-up days. */
  rolled: { first: string; last: string }[];
  /** Instant ranges [from, to) computed from the base tables. */
  live: { from: Date; to: Date }[];
}

/** Splits [from, to): whole China-time days in `covered` come from the rollup, the rest is live. */
export function planPeriod(from: Date, to: Date, covered: ReadonlySet<string>): Plan {
  const rolled: Plan["rolled"] = [];
  const live: Plan["live"] = [];
  const addLive = (a: Date, b: Date) => {
    if (b <= a) return;
    const last = live[live.length - 1];
    if (last && last.to.getTime() === a.getTime()) last.to = b;
    else live.push({ from: a, to: b });
  };
  if (to <= from) return { rolled, live };
  let cursor = from;
  for (let day = cstDay(from); dayStart(day) < to; day = nextDay(day)) {
    const start = dayStart(day);
    const end = new Date(start.getTime() + DAY_MS);
    if (start >= from && end <= to && covered.has(day)) {
      addLive(cursor, start);
      cursor = end;
      const run = rolled[rolled.length - 1];
      if (run && nextDay(run.last) === day) run.last = day;
      else rolled.push({ first: day, last: day });
    }
  }
  addLive(cursor, to);
  return { rolled, live };
}

/** `col` within one of the instant ranges (FALSE when none). */
export function inRanges(col: Prisma.Sql, ranges: readonly { from: Date; to: Date }[]): Prisma.Sql {
  if (!ranges.length) return Prisma.sql`FALSE`;
  return Prisma.sql`(${Prisma.join(
    ranges.map((r) => Prisma.sql`(${col} >= ${r.from} AND ${col} < ${r.to})`),
    " OR ",
  )})`;
}

/** A rollup table's `day` within one of the runs (FALSE when none). */
export function inDays(col: Prisma.Sql, runs: readonly { first: string; last: string }[]): Prisma.Sql {
  if (!runs.length) return Prisma.sql`FALSE`;
  return Prisma.sql`(${Prisma.join(
    runs.map((r) => Prisma.sql`(${col} BETWEEN ${r.first}::date AND ${r.last}::date)`),
    " OR ",
  )})`;
}

const addDays = (day: string, n: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const lastOfMonth = (day: string): string =>
  new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)), 0)).toISOString().slice(0, 10);

/**
 * Splits runs of rolled-up days into the months they cover whole ("YYYY-MM-01") and the days
 * left over, for the Report*Month tables (sums of a month's day rows without the agent).
 */
export function wholeMonths(runs: readonly { first: string; last: string }[]): {
  months: string[];
  days: { first: string; last: string }[];
} {
  const months: string[] = [];
  const days: { first: string; last: string }[] = [];
  for (const r of runs) {
    let rest = r.first;
    for (let cur = r.first; cur <= r.last; ) {
      const end = lastOfMonth(cur);
      if (cur.endsWith("-01") && end <= r.last) {
        if (rest < cur) days.push({ first: rest, last: addDays(cur, -1) });
        months.push(cur);
        rest = addDays(end, 1);
      }
      cur = addDays(end, 1);
    }
    if (rest <= r.last) days.push({ first: rest, last: r.last });
  }
  return { months, days };
}

/**
 * Like wholeMonths, but a month the runs cover only in part is also read from Report*Month, less
 * the day rows of its days outside the runs (`minus`), when those are clearly fewer than its days
 * inside: a month row is always the sum of that month's day rows (both written in one transaction,
 * rollupDays), so in one statement `month − minus` is exactly the sum of the days inside, whatever
 * was rolled up since the caller looked. `rolledDays` (every day with rollup rows, dirty or not)
 * only guides the choice. For sums whose rows exist only where the sum is positive (complaint
 * counts): a key netting to zero must be dropped by the reader.
 */
export function monthsLess(
  runs: readonly { first: string; last: string }[],
  rolledDays: ReadonlySet<string>,
): { months: string[]; days: { first: string; last: string }[]; minus: { first: string; last: string }[] } {
  const months: string[] = [];
  const days: { first: string; last: string }[] = [];
  const minus: { first: string; last: string }[] = [];
  // The runs cut at month ends, per month in order.
  const parts = new Map<string, { first: string; last: string }[]>();
  for (const r of runs)
    for (let cur = r.first; cur <= r.last; ) {
      const end = lastOfMonth(cur);
      // biome-ignore lint/complexity/useMathMinMax: ISO dates as strings, not numbers
      const last = end < r.last ? end : r.last;
      const month = `${cur.slice(0, 7)}-01`;
      parts.set(month, [...(parts.get(month) ?? []), { first: cur, last }]);
      cur = addDays(last, 1);
    }
  const span = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / DAY_MS) + 1;
  for (const [month, inside] of parts) {
    const outside: { first: string; last: string }[] = [];
    let cursor = month;
    for (const r of inside) {
      if (cursor < r.first) outside.push({ first: cursor, last: addDays(r.first, -1) });
      cursor = addDays(r.last, 1);
    }
    const end = lastOfMonth(month);
    if (cursor <= end) outside.push({ first: cursor, last: end });
    const a = inside.reduce((n, r) => n + span(r.first, r.last), 0);
    let b = 0;
    for (const r of outside) for (let d = r.first; d <= r.last; d = addDays(d, 1)) if (rolledDays.has(d)) b++;
    // A month's rows are a few days' worth of day rows: worth it from a handful of days saved.
    if (b + 4 < a) {
      months.push(month);
      minus.push(...outside);
    } else days.push(...inside);
  }
  return { months, days, minus };
}

/** A Report*Month table's `month` among `months` (FALSE when none). */
export function inMonths(col: Prisma.Sql, months: readonly string[]): Prisma.Sql {
  if (!months.length) return Prisma.sql`FALSE`;
  return Prisma.sql`${col} IN (${Prisma.join(months.map((m) => Prisma.sql`${m}::date`))})`;
}

// ───────────────────────── grain SQL (shared by the job and the live part) ─────────────────────────

const CST = Prisma.sql`interval '8 hours'`;

/** The ticket counters, as columns of every ticket grain (complaints only; requests have their own report). */
export const TICKET_COUNTERS = Prisma.sql`total, resolved, "within24h", "within48h", "firstTime", "frCount", "frSeconds",
  "resCount", "resSeconds"`;
const SUM_COUNTERS = Prisma.sql`sum(total)::int, sum(resolved)::int, sum("within24h")::int, sum("within48h")::int,
  sum("firstTime")::int, sum("frCount")::int, sum("frSeconds")::float8, sum("resCount")::int, sum("resSeconds")::float8`;
export const TICKET_COLUMNS = Prisma.sql`day, "groupCode", "assigneeId", category, ${TICKET_COUNTERS}`;

/** Tickets (alias t) matching `where`, per (day, group, assignee, category). */
export const ticketGrain = (where: Prisma.Sql): Prisma.Sql => Prisma.sql`
  SELECT (t."createdAt" + ${CST})::date AS day, t."groupCode", t."assigneeId", t.category,
    count(*)::int AS total,
    count(t."resolvedAt")::int AS resolved,
    count(*) FILTER (WHERE t."resolvedAt" - t."createdAt" <= interval '24 hours')::int AS "within24h",
    count(*) FILTER (WHERE t."resolvedAt" - t."createdAt" <= interval '48 hours')::int AS "within48h",
    count(*) FILTER (WHERE t."resolvedAt" IS NOT NULL AND t."reopenedCount" = 0)::int AS "firstTime",
    count(t."firstResponseAt")::int AS "frCount",
    COALESCE(sum(extract(epoch FROM t."firstResponseAt" - t."createdAt")), 0)::float8 AS "frSeconds",
    count(t."resolvedAt")::int AS "resCount",
    COALESCE(sum(extract(epoch FROM t."resolvedAt" - t."createdAt")), 0)::float8 AS "resSeconds"
  FROM "Ticket" t WHERE t.type = 'complaint' AND (${where}) GROUP BY 1, 2, 3, 4`;

export const SLA_COLUMNS = Prisma.sql`day, "groupCode", "assigneeId", kind, met, breached, running, paused`;

/** SLA clocks of the tickets (alias t) matching `where`, per (day, group, assignee, kind). */
export const slaGrain = (where: Prisma.Sql): Prisma.Sql => Prisma.sql`
  SELECT (t."createdAt" + ${CST})::date AS day, t."groupCode", t."assigneeId", c.kind,
    count(*) FILTER (WHERE c.state = 'met')::int AS met,
    count(*) FILTER (WHERE c.state = 'breached')::int AS breached,
    count(*) FILTER (WHERE c.state = 'running')::int AS running,
    count(*) FILTER (WHERE c.state = 'paused')::int AS paused
  FROM "Ticket" t JOIN "SlaClock" c ON c."ticketId" = t.id WHERE t.type = 'complaint' AND (${where}) GROUP BY 1, 2, 3, 4`;

export const PLACE_COLUMNS = Prisma.sql`day, "groupCode", "assigneeId", "provinceCode", "cityCode", stage, total, repeats`;

/** Complaints (alias t) matching `where` and how many repeat an earlier one, per (day, group, assignee, province, city, stage) — issue 23. */
export const placeGrain = (where: Prisma.Sql): Prisma.Sql => Prisma.sql`
  SELECT (t."createdAt" + ${CST})::date AS day, t."groupCode", t."assigneeId", t."provinceCode", t."cityCode", t.stage,
    count(*)::int AS total, count(t."repeatOfId")::int AS repeats
  FROM "Ticket" t WHERE t.type = 'complaint' AND (${where}) GROUP BY 1, 2, 3, 4, 5, 6`;

export const OUTLET_COLUMNS = Prisma.sql`day, "groupCode", "assigneeId", "outletCode", total, quality, "nonQuality"`;
/** ReportPlaceDay rows (alias r) as PLACE_COLUMNS with their counts negated: days taken out of a month (monthsLess). */
export const PLACE_MINUS_ROWS = Prisma.sql`SELECT r.day, r."groupCode", r."assigneeId", r."provinceCode", r."cityCode",
  r.stage, -r.total, -r.repeats FROM "ReportPlaceDay" r`;
/** ReportOutletDay rows (alias r) as OUTLET_COLUMNS with their counts negated (monthsLess). */
export const OUTLET_MINUS_ROWS = Prisma.sql`SELECT r.day, r."groupCode", r."assigneeId", r."outletCode", -r.total,
  -r.quality, -r."nonQuality" FROM "ReportOutletDay" r`;
/** The SLA rows of ReportSlaMonth (alias r) as SLA_COLUMNS (the month as the day, no agent). */
export const SLA_MONTH_ROWS = Prisma.sql`SELECT r.month, r."groupCode", NULL::uuid, r.kind, r.met, r.breached,
  r.running, r.paused FROM "ReportSlaMonth" r`;
/** The outlet rows of ReportOutletMonth (alias r) as OUTLET_COLUMNS. */
export const OUTLET_MONTH_ROWS = Prisma.sql`SELECT r.month, r."groupCode", NULL::uuid, r."outletCode", r.total,
  r.quality, r."nonQuality" FROM "ReportOutletMonth" r`;

/** Complaints (alias t) matching `where` per (day, group, assignee, outlet), with their root causes — issue 23. */
export const outletGrain = (where: Prisma.Sql): Prisma.Sql => Prisma.sql`
  SELECT (t."createdAt" + ${CST})::date AS day, t."groupCode", t."assigneeId", t."outletCode",
    count(*)::int AS total,
    count(*) FILTER (WHERE t."rootCause" = 'quality')::int AS quality,
    count(*) FILTER (WHERE t."rootCause" = 'non_quality')::int AS "nonQuality"
  FROM "Ticket" t WHERE t.type = 'complaint' AND (${where}) GROUP BY 1, 2, 3, 4`;

/** The survey counters, as columns of ReportSurveyDay and ReportSurveyMonth. */
const SURVEY_COUNTERS = Prisma.sql`sent, answered, satisfied, basically, dissatisfied, rated, "starsN", "stars45",
  "ratingsN", "ratings45", "speedSum", "speedN", "effectSum", "effectN", "attitudeSum", "attitudeN", "npsN", promoters,
  detractors, "fcrN", "fcrYes"`;
export const SURVEY_COLUMNS = Prisma.sql`day, "groupCode", "agentId", ${SURVEY_COUNTERS}`;
/** The rows of ReportSurveyMonth (alias r) as SURVEY_COLUMNS (the month as the day). */
export const SURVEY_MONTH_ROWS = Prisma.sql`SELECT r.month, r."groupCode", r."agentId", ${SURVEY_COUNTERS}
  FROM "ReportSurveyMonth" r`;

const FCR = Prisma.sql`COALESCE(s.fcr, s.overall IN ('satisfied', 'basically_satisfied'))`;

/** Surveys (alias s) matching `where`, per (day sent, group, agent). */
export const surveyGrain = (where: Prisma.Sql): Prisma.Sql => Prisma.sql`
  SELECT (s."sentAt" + ${CST})::date AS day, s."groupCode", s."agentId",
    -- Delivered only: a question the channel refused (failed) was never asked.
    count(*) FILTER (WHERE s.status <> 'failed')::int AS sent,
    count(s."answeredAt")::int AS answered,
    count(*) FILTER (WHERE s.overall = 'satisfied')::int AS satisfied,
    count(*) FILTER (WHERE s.overall = 'basically_satisfied')::int AS basically,
    count(*) FILTER (WHERE s.overall = 'dissatisfied')::int AS dissatisfied,
    count(s.overall)::int AS rated,
    count(s.stars)::int AS "starsN",
    count(*) FILTER (WHERE s.stars >= 4)::int AS "stars45",
    (count(s.speed) + count(s.effect) + count(s.attitude))::int AS "ratingsN",
    (count(*) FILTER (WHERE s.speed >= 4) + count(*) FILTER (WHERE s.effect >= 4)
      + count(*) FILTER (WHERE s.attitude >= 4))::int AS "ratings45",
    COALESCE(sum(s.speed), 0)::int AS "speedSum", count(s.speed)::int AS "speedN",
    COALESCE(sum(s.effect), 0)::int AS "effectSum", count(s.effect)::int AS "effectN",
    COALESCE(sum(s.attitude), 0)::int AS "attitudeSum", count(s.attitude)::int AS "attitudeN",
    count(s.nps)::int AS "npsN",
    count(*) FILTER (WHERE s.nps >= 9)::int AS promoters,
    count(*) FILTER (WHERE s.nps <= 6)::int AS detractors,
    count(${FCR})::int AS "fcrN",
    count(*) FILTER (WHERE ${FCR})::int AS "fcrYes"
  FROM "Survey" s WHERE ${where} GROUP BY 1, 2, 3`;

// ───────────────────────── the job ─────────────────────────

export interface RollupOptions {
  /** Days recomputed per transaction. */
  batchDays?: number;
  /** Stop after this long and continue on the next run (a first backfill of a big database). */
  budgetMs?: number;
}

/**
 * Recomputes dirty rolled-up days and rolls up days not covered yet, from the earliest data up
 * to two days ago (three in the first hour of a China-time day: the triggers skip today and
 * yesterday by the writer's transaction clock, so a day is rolled up only well after the last
 * transaction that could have changed it unmarked). Returns the days done and whether more remain.
 */
export async function refreshRollup(db: Db, opts: RollupOptions = {}): Promise<{ days: number; more: boolean }> {
  const batchDays = opts.batchDays ?? 31;
  const deadline = Date.now() + (opts.budgetMs ?? 45_000);
  const todo = await db.$queryRaw<{ day: string }[]>`
    WITH bounds AS (
      SELECT ((now() AT TIME ZONE 'UTC') + interval '8 hours')::date
          - CASE WHEN ((now() AT TIME ZONE 'UTC') + interval '8 hours')::time < time '01:00' THEN 3 ELSE 2 END AS last,
        (LEAST((SELECT min("createdAt") FROM "Ticket"), (SELECT min("sentAt") FROM "Survey"),
          (SELECT min("createdAt") FROM "Shipment")) + interval '8 hours')::date AS first
    )
    SELECT to_char(day, 'YYYY-MM-DD') AS day FROM (
      SELECT DISTINCT m.day, 0 AS pri FROM "ReportDirtyDay" m, bounds b WHERE m.day <= b.last
      UNION ALL
      SELECT g.day::date, 1 FROM bounds b, generate_series(b.first, b.last, interval '1 day') g(day)
      WHERE NOT EXISTS (SELECT 1 FROM "ReportRollupDay" r WHERE r.day = g.day::date)
    ) x GROUP BY day ORDER BY min(pri), day DESC`;
  let done = 0;
  for (let i = 0; i < todo.length; i += batchDays) {
    if (Date.now() > deadline) return { days: done, more: true };
    const days = todo
      .slice(i, i + batchDays)
      .map((r) => r.day)
      .sort();
    const ok = await rollupDays(db, days);
    if (!ok) return { days: done, more: false }; // another instance holds the lock
    done += days.length;
  }
  return { days: done, more: false };
}

/** Replaces the rollup rows of `days` in one transaction and clears the marks it has seen. */
async function rollupDays(db: Db, days: string[]): Promise<boolean> {
  const runs: { first: string; last: string }[] = [];
  for (const d of days) {
    const run = runs[runs.length - 1];
    if (run && nextDay(run.last) === d) run.last = d;
    else runs.push({ first: d, last: d });
  }
  const ranges = runs.map((r) => ({ from: dayStart(r.first), to: new Date(dayStart(r.last).getTime() + DAY_MS) }));
  return db.$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRaw<{ ok: boolean }[]>`SELECT pg_try_advisory_xact_lock(${ROLLUP_LOCK_ID}) AS ok`;
      if (!lock?.ok) return false;
      // Marks committed before this point are covered by the recomputation below (a later
      // statement sees at least as much); marks committed afterwards stay for the next run.
      const marks = await tx.$queryRaw<{ id: bigint }[]>`
        SELECT id FROM "ReportDirtyDay" m WHERE ${inDays(Prisma.sql`m.day`, runs)}`;
      await tx.$executeRaw`DELETE FROM "ReportTicketDay" r WHERE ${inDays(Prisma.sql`r.day`, runs)}`;
      await tx.$executeRaw`DELETE FROM "ReportCategoryDay" r WHERE ${inDays(Prisma.sql`r.day`, runs)}`;
      await tx.$executeRaw`DELETE FROM "ReportAgentDay" r WHERE ${inDays(Prisma.sql`r.day`, runs)}`;
      await tx.$executeRaw`DELETE FROM "ReportSlaDay" r WHERE ${inDays(Prisma.sql`r.day`, runs)}`;
      await tx.$executeRaw`DELETE FROM "ReportSurveyDay" r WHERE ${inDays(Prisma.sql`r.day`, runs)}`;
      await tx.$executeRaw`DELETE FROM "ReportPlaceDay" r WHERE ${inDays(Prisma.sql`r.day`, runs)}`;
      await tx.$executeRaw`DELETE FROM "ReportOutletDay" r WHERE ${inDays(Prisma.sql`r.day`, runs)}`;
      await tx.$executeRaw`INSERT INTO "ReportTicketDay" (${TICKET_COLUMNS})
        ${ticketGrain(inRanges(Prisma.sql`t."createdAt"`, ranges))}`;
      // Coarser sums of the same rows for the views not filtered by agent (far fewer rows to add up).
      await tx.$executeRaw`INSERT INTO "ReportCategoryDay" (day, "groupCode", category, ${TICKET_COUNTERS})
        SELECT day, "groupCode", category, ${SUM_COUNTERS} FROM "ReportTicketDay" r
        WHERE ${inDays(Prisma.sql`r.day`, runs)} GROUP BY 1, 2, 3`;
      await tx.$executeRaw`INSERT INTO "ReportAgentDay" (day, "groupCode", "assigneeId", ${TICKET_COUNTERS})
        SELECT day, "groupCode", "assigneeId", ${SUM_COUNTERS} FROM "ReportTicketDay" r
        WHERE ${inDays(Prisma.sql`r.day`, runs)} GROUP BY 1, 2, 3`;
      await tx.$executeRaw`INSERT INTO "ReportSlaDay" (${SLA_COLUMNS})
        ${slaGrain(inRanges(Prisma.sql`t."createdAt"`, ranges))}`;
      await tx.$executeRaw`INSERT INTO "ReportPlaceDay" (${PLACE_COLUMNS})
        ${placeGrain(inRanges(Prisma.sql`t."createdAt"`, ranges))}`;
      await tx.$executeRaw`INSERT INTO "ReportOutletDay" (${OUTLET_COLUMNS})
        ${outletGrain(inRanges(Prisma.sql`t."createdAt"`, ranges))}`;
      // The months these days fall in, summed again from their day rows (whatever days they have:
      // the summary reads a month only when every day of it is rolled up and clean).
      const months = [...new Set(days.map((d) => `${d.slice(0, 7)}-01`))];
      const monthDays = inDays(
        Prisma.sql`r.day`,
        months.map((m) => ({ first: m, last: lastOfMonth(m) })),
      );
      await tx.$executeRaw`DELETE FROM "ReportPlaceMonth" r WHERE ${inMonths(Prisma.sql`r.month`, months)}`;
      await tx.$executeRaw`DELETE FROM "ReportOutletMonth" r WHERE ${inMonths(Prisma.sql`r.month`, months)}`;
      await tx.$executeRaw`DELETE FROM "ReportSlaMonth" r WHERE ${inMonths(Prisma.sql`r.month`, months)}`;
      await tx.$executeRaw`DELETE FROM "ReportCityMonth" r WHERE ${inMonths(Prisma.sql`r.month`, months)}`;
      await tx.$executeRaw`DELETE FROM "ReportStageMonth" r WHERE ${inMonths(Prisma.sql`r.month`, months)}`;
      await tx.$executeRaw`DELETE FROM "ReportAgentCityMonth" r WHERE ${inMonths(Prisma.sql`r.month`, months)}`;
      await tx.$executeRaw`DELETE FROM "ReportAgentStageMonth" r WHERE ${inMonths(Prisma.sql`r.month`, months)}`;
      await tx.$executeRaw`
        INSERT INTO "ReportPlaceMonth" (month, "groupCode", "provinceCode", "cityCode", stage, total, repeats)
        SELECT date_trunc('month', day)::date, "groupCode", "provinceCode", "cityCode", stage, sum(total)::int,
          sum(repeats)::int
        FROM "ReportPlaceDay" r WHERE ${monthDays} GROUP BY 1, 2, 3, 4, 5`;
      // The summary's places per city and per stage apart (migration 0048), from the month rows just written.
      await tx.$executeRaw`
        INSERT INTO "ReportCityMonth" (month, "groupCode", "provinceCode", "cityCode", total, repeats)
        SELECT month, "groupCode", "provinceCode", "cityCode", sum(total)::int, sum(repeats)::int
        FROM "ReportPlaceMonth" r WHERE ${inMonths(Prisma.sql`r.month`, months)} GROUP BY 1, 2, 3, 4`;
      await tx.$executeRaw`
        INSERT INTO "ReportStageMonth" (month, "groupCode", stage, total, repeats)
        SELECT month, "groupCode", stage, sum(total)::int, sum(repeats)::int
        FROM "ReportPlaceMonth" r WHERE ${inMonths(Prisma.sql`r.month`, months)} GROUP BY 1, 2, 3`;
      // One agent's places per city and per stage (migration 0051), from the day rows.
      await tx.$executeRaw`
        INSERT INTO "ReportAgentCityMonth" (month, "groupCode", "assigneeId", "provinceCode", "cityCode", total, repeats)
        SELECT date_trunc('month', day)::date, "groupCode", "assigneeId", "provinceCode", "cityCode", sum(total)::int,
          sum(repeats)::int
        FROM "ReportPlaceDay" r WHERE ${monthDays} GROUP BY 1, 2, 3, 4, 5`;
      await tx.$executeRaw`
        INSERT INTO "ReportAgentStageMonth" (month, "groupCode", "assigneeId", stage, total, repeats)
        SELECT date_trunc('month', day)::date, "groupCode", "assigneeId", stage, sum(total)::int, sum(repeats)::int
        FROM "ReportPlaceDay" r WHERE ${monthDays} GROUP BY 1, 2, 3, 4`;
      await tx.$executeRaw`
        INSERT INTO "ReportOutletMonth" (month, "groupCode", "outletCode", total, quality, "nonQuality")
        SELECT date_trunc('month', day)::date, "groupCode", "outletCode", sum(total)::int, sum(quality)::int,
          sum("nonQuality")::int
        FROM "ReportOutletDay" r WHERE ${monthDays} GROUP BY 1, 2, 3`;
      await tx.$executeRaw`
        INSERT INTO "ReportSlaMonth" (month, "groupCode", kind, met, breached, running, paused)
        SELECT date_trunc('month', day)::date, "groupCode", kind, sum(met)::int, sum(breached)::int,
          sum(running)::int, sum(paused)::int
        FROM "ReportSlaDay" r WHERE ${monthDays} GROUP BY 1, 2, 3`;
      await tx.$executeRaw`INSERT INTO "ReportSurveyDay" (${SURVEY_COLUMNS})
        ${surveyGrain(inRanges(Prisma.sql`s."sentAt"`, ranges))}`;
      // With the agent kept: the one-agent view reads its months too (migration 0050).
      await tx.$executeRaw`DELETE FROM "ReportSurveyMonth" r WHERE ${inMonths(Prisma.sql`r.month`, months)}`;
      await tx.$executeRaw`
        INSERT INTO "ReportSurveyMonth" (month, "groupCode", "agentId", ${SURVEY_COUNTERS})
        SELECT date_trunc('month', day)::date, "groupCode", "agentId", sum(sent)::int, sum(answered)::int,
          sum(satisfied)::int, sum(basically)::int, sum(dissatisfied)::int, sum(rated)::int, sum("starsN")::int,
          sum("stars45")::int, sum("ratingsN")::int, sum("ratings45")::int, sum("speedSum")::int, sum("speedN")::int,
          sum("effectSum")::int, sum("effectN")::int, sum("attitudeSum")::int, sum("attitudeN")::int,
          sum("npsN")::int, sum(promoters)::int, sum(detractors)::int, sum("fcrN")::int, sum("fcrYes")::int
        FROM "ReportSurveyDay" r WHERE ${monthDays} GROUP BY 1, 2, 3`;
      await tx.$executeRaw`
        INSERT INTO "ReportRollupDay" (day, shipments, "refreshedAt")
        SELECT d.day, COALESCE(n.count, 0), now()
        FROM unnest(${days}::date[]) d(day)
        LEFT JOIN (SELECT (sh."createdAt" + ${CST})::date AS day, count(*)::int AS count FROM "Shipment" sh
                   WHERE ${inRanges(Prisma.sql`sh."createdAt"`, ranges)} GROUP BY 1) n ON n.day = d.day
        ON CONFLICT (day) DO UPDATE SET shipments = EXCLUDED.shipments, "refreshedAt" = EXCLUDED."refreshedAt"`;
      if (marks.length)
        await tx.$executeRaw`DELETE FROM "ReportDirtyDay" WHERE id = ANY(${marks.map((m) => m.id.toString())}::bigint[])`;
      return true;
    },
    { maxWait: 10_000, timeout: 120_000 },
  );
}

/** Registers the rollup job and arms its first run; it re-arms itself every `everyMs`. */
export async function scheduleRollup(db: Db, scheduler: Scheduler, log: Logger, everyMs = 5 * 60_000): Promise<void> {
  scheduler.handle(ROLLUP_KIND, async () => {
    const t0 = Date.now();
    const r = await refreshRollup(db);
    if (r.days) log.info({ days: r.days, more: r.more, ms: Date.now() - t0 }, "report rollup refreshed");
    await scheduler.arm(ROLLUP_KEY, new Date(Date.now() + (r.more ? 1_000 : everyMs)));
  });
  await scheduler.arm(ROLLUP_KEY, new Date(Date.now() + 10_000));
}
