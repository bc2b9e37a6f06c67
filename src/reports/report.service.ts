import { CATEGORY_LABELS } from "../../intents/display.labels.js";
import type { Db } from "../db/client.js";
import { Prisma } from "../generated/prisma/client.js";
import { maskPhone } from "../logger.js";
import { placeOf } from "../places/divisions.js";
import { isStage, STAGE_LABELS, STAGES, type Stage } from "../places/stage.js";
import { beijingTime, csvLine, freeText, timeColumn } from "./csv.format.js";
import { detectSpikes, type Spike } from "./early-warning.js";
import { type OutletFigures, outletFigures, type RootCauseFigures } from "./outlet.report.js";
import type { ReportConfig } from "./report.config.js";
import {
  cstDay,
  inDays,
  inMonths,
  inRanges,
  monthsLess,
  PLACE_COLUMNS,
  PLACE_MINUS_ROWS,
  placeGrain,
  planPeriod,
  SLA_COLUMNS,
  SLA_MONTH_ROWS,
  SURVEY_COLUMNS,
  SURVEY_MONTH_ROWS,
  slaGrain,
  surveyGrain,
  TICKET_COLUMNS,
  TICKET_COUNTERS,
  ticketGrain,
  wholeMonths,
} from "./report.rollup.js";
import { trackedShipments } from "./tracked-shipments.js";

/** A period [from, to) and optionally one group or one agent. */
export interface ReportFilter {
  from: Date;
  to: Date;
  group?: string | undefined;
  agentId?: string | undefined;
}

export interface SlaFigures {
  met: number;
  breached: number;
  running: number;
  paused: number;
  /** met / (met + breached); null before any clock finished. */
  complianceRate: number | null;
}

export interface AgentRow {
  agentId: string;
  username: string;
  displayName: string;
  assigned: number;
  resolved: number;
  avgResolutionHours: number | null;
  surveysAnswered: number;
  satisfactionRate: number | null;
  nps: number | null;
}

export interface CommentRow {
  ticketNumber: string;
  category: string | null;
  overall: string | null;
  whatWentWrong: string | null;
  comment: string | null;
  at: string;
}

export interface Alert {
  level: "red" | "warning";
  code:
    | "SATISFACTION_RED_LINE"
    | "SATISFACTION_BELOW_TARGET"
    | "COMPLAINT_SPIKE"
    | "COMPLAINT_SPIKE_REGION"
    | "COMPLAINT_SPIKE_STAGE";
  message: string;
  /** The same in English (issue 18: the dashboard's banner in the viewer's language). */
  messageEn: string;
  category?: string;
  /** COMPLAINT_SPIKE_REGION: the city's GB/T 2260 code. */
  cityCode?: string;
  /** COMPLAINT_SPIKE_STAGE: the stage. */
  stage?: string;
  value?: number;
}

export interface Summary {
  period: { from: string; to: string; group: string | null; agentId: string | null };
  surveys: {
    sent: number;
    answered: number;
    responseRate: number | null;
    satisfied: number;
    basicallySatisfied: number;
    dissatisfied: number;
    /** (满意 + 基本满意) / answered the overall question. */
    satisfactionRate: number | null;
    /** Share of 4–5 among answers given as stars on the 1–5 scale. */
    starsShare45: number | null;
    /** Share of 4–5 among the speed, effect and attitude ratings of the handling (003 §4.2–4.3). */
    complaintHandlingSatisfaction: number | null;
    ratings: { speed: number | null; effect: number | null; attitude: number | null };
    /** % promoters (9–10) − % detractors (0–6). */
    nps: number | null;
    npsResponses: number;
    /** Problem solved at the first contact, as the customer says it (004). */
    fcrRate: number | null;
  };
  complaints: {
    total: number;
    byCategory: Record<string, number>;
    trend: { day: string; total: number; byCategory: Record<string, number> }[];
    shipments: number;
    /** Complaints per 10,000 shipments created in the period (null: no shipment counts). */
    ratePer10k: number | null;
    /** Issue 23: where the complaints' problems lie (GB/T 2260), most first; `unknown` has no place. */
    byRegion: RegionFigures;
    /** Issue 23: complaints per stage (环节) of the parcel's journey; `unknown` without tracking. */
    byStage: Record<Stage | "unknown", number>;
    /** Issue 23: complaints per outlet (网点) and per 10,000 of its parcels where its shipments are known. */
    byOutlet: OutletFigures;
    /** Issue 23 (001 第五条): complaints by the root cause set at resolution (quality / non-quality / unset). */
    byRootCause: RootCauseFigures;
    /** Issue 23 (002 重复投诉): complaints repeating the same customer's or waybill's earlier one. */
    repeats: number;
    /** 重复投诉率: repeats / total (null without complaints). */
    repeatRate: number | null;
  };
  handling: {
    resolved: number;
    within24hShare: number | null;
    within48hShare: number | null;
    avgFirstResponseMinutes: number | null;
    avgResolutionHours: number | null;
    /** Resolved tickets never reopened, over resolved tickets. */
    firstContactResolutionRate: number | null;
  };
  sla: Record<string, SlaFigures>;
  /**
   * Issue 21: 12305 申诉 the regulator transferred (source spb12305), counted apart from the
   * company's own complaints (the regulator ranks carriers by them): opened in the period, still
   * open, and those whose report clock breached.
   */
  appeals: { total: number; open: number; breached: number; byCategory: Record<string, number> };
  agents: AgentRow[];
  comments: CommentRow[];
  targets: ReportConfig["targets"];
  redLines: ReportConfig["redLines"];
  earlyWarning: Spike[];
  /** Issue 23: the same detector over each city's and each stage's complaints. */
  earlyWarningByPlace: { cities: CitySpike[]; stages: StageSpike[] };
  alerts: Alert[];
}

type SpikeFigures = Omit<Spike, "category">;
export type CitySpike = SpikeFigures & { provinceCode: string; province: string; cityCode: string; city: string };
export type StageSpike = SpikeFigures & { stage: Stage };

/**
 * Parcels the stored tracking shows for the place in the period (picked up in or bound for it,
 * src/reports/tracked-shipments.ts) and complaints per 10,000 of them; null when none is known.
 */
interface PlaceRate {
  shipments: number | null;
  ratePer10k: number | null;
}
export interface RegionFigures {
  provinces: ({ provinceCode: string; province: string; total: number } & PlaceRate)[];
  cities: ({ provinceCode: string; province: string; cityCode: string; city: string; total: number } & PlaceRate)[];
  unknown: number;
}

/** province_code, province, city_code, city of a CSV row. */
function placeColumns(provinceCode: string | null, cityCode: string | null): (string | null)[] {
  const p = placeOf(provinceCode, cityCode);
  return [p?.provinceCode ?? null, p?.province ?? null, p?.cityCode ?? null, p?.city ?? null];
}

/** Rows of the per-place query into the summary's shape (names from the division table). */
export function regionFigures(
  rows: readonly { level: number; province: string | null; city: string | null; total: number }[],
  tracked: ReadonlyMap<string, number> = new Map(),
): RegionFigures {
  const rated = (key: string, total: number): PlaceRate => {
    const shipments = tracked.get(key) ?? null;
    return { shipments, ratePer10k: shipments ? Math.round((total / shipments) * 10_000 * 100) / 100 : null };
  };
  const out: RegionFigures = { provinces: [], cities: [], unknown: 0 };
  for (const r of rows) {
    if (r.level === 0 && r.province === null) {
      out.unknown += r.total;
      continue;
    }
    const place = placeOf(r.province, r.city);
    if (!place) {
      if (r.level === 0) out.unknown += r.total;
      continue;
    }
    if (r.level === 0)
      out.provinces.push({
        provinceCode: place.provinceCode,
        province: place.province,
        total: r.total,
        ...rated(`province:${place.provinceCode}`, r.total),
      });
    else if (place.cityCode && place.city)
      out.cities.push({
        ...place,
        cityCode: place.cityCode,
        city: place.city,
        total: r.total,
        ...rated(`city:${place.cityCode}`, r.total),
      });
  }
  const order = <T extends { total: number; provinceCode: string }>(a: T, b: T) =>
    b.total - a.total || a.provinceCode.localeCompare(b.provinceCode);
  out.provinces.sort(order);
  out.cities.sort((a, b) => order(a, b) || a.cityCode.localeCompare(b.cityCode));
  return out;
}

export const CLOCK_KINDS = ["first_response", "resolution", "regulatory"] as const;
/** Drill-down filters: which tickets stand behind a figure. */
export const DRILLS = [
  "all",
  "resolved",
  "unresolved",
  "within24h",
  "over24h",
  "breached",
  "dissatisfied",
  "reopened",
  /** Issue 23: repeat complaints, for special analysis (002). */
  "repeat",
] as const;
export type Drill = (typeof DRILLS)[number];

const DAY_MS = 24 * 3_600_000;
const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const rate = (num: number, den: number): number | null => (den > 0 ? Math.round((num / den) * 10_000) / 10_000 : null);
const round = (v: unknown, digits = 2): number | null =>
  v === null || v === undefined ? null : Math.round(Number(v) * 10 ** digits) / 10 ** digits;

/**
 * Supervisor metrics (002 §4, 003 §9.1, 004), computed in SQL. Whole China-time days the rollup
 * covers (report.rollup.ts) are read from the per-day Report*Day tables; every other part of the
 * period (today, yesterday, partial days, days changed since their rollup) from the base tables
 * with the same grain SQL, bounded by indexed timestamps (Ticket.createdAt, Survey.sentAt,
 * Shipment.createdAt). Both parts are summed in one query per figure family; the queries run in parallel.
 */
export class ReportService {
  constructor(
    private readonly db: Db,
    readonly config: ReportConfig,
    /** The tickets' clock (tests pin it): when a ticket's 24 h / 48 h handling window is still open. */
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** An agent named by id or username (undefined when unknown). */
  async agentId(idOrUsername: string): Promise<string | undefined> {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrUsername);
    const a = await this.db.agent.findFirst({
      where: isUuid ? { id: idOrUsername } : { username: idOrUsername },
      select: { id: true },
    });
    return a?.id;
  }

  private ticketWhere(f: ReportFilter): Prisma.Sql {
    // Complaint figures; service requests (issue 15) are reported by requestSummary.
    const conds = [
      Prisma.sql`t.type = 'complaint'`,
      Prisma.sql`t."createdAt" >= ${f.from}`,
      Prisma.sql`t."createdAt" < ${f.to}`,
    ];
    if (f.group) conds.push(Prisma.sql`t."groupCode" = ${f.group}`);
    if (f.agentId) conds.push(Prisma.sql`t."assigneeId" = ${f.agentId}::uuid`);
    return Prisma.join(conds, " AND ");
  }

  private surveyWhere(f: ReportFilter): Prisma.Sql {
    const conds = [Prisma.sql`s."sentAt" >= ${f.from}`, Prisma.sql`s."sentAt" < ${f.to}`];
    if (f.group) conds.push(Prisma.sql`s."groupCode" = ${f.group}`);
    if (f.agentId) conds.push(Prisma.sql`s."agentId" = ${f.agentId}::uuid`);
    return Prisma.join(conds, " AND ");
  }

  /**
   * Days of [from, to) the rollup covers and no change has touched since (see report.rollup.ts),
   * and every rolled-up day (dirty or not) of the months [from, to) touches: which months are worth
   * reading from Report*Month (monthsLess).
   */
  private async covered(f: ReportFilter): Promise<{ clean: Set<string>; rolled: Set<string> }> {
    const first = `${cstDay(f.from).slice(0, 7)}-01`;
    const last = cstDay(f.to);
    const next = new Date(Date.UTC(Number(last.slice(0, 4)), Number(last.slice(5, 7)), 1)).toISOString().slice(0, 10);
    const rows = await this.db.$queryRaw<{ day: string; dirty: boolean }[]>`
      SELECT to_char(r.day, 'YYYY-MM-DD') AS day,
        EXISTS (SELECT 1 FROM "ReportDirtyDay" m WHERE m.day = r.day) AS dirty
      FROM "ReportRollupDay" r
      WHERE r.day >= ${first}::date
        AND r.day < ${next}::date`;
    const clean = new Set<string>();
    const rolled = new Set<string>();
    for (const r of rows) {
      rolled.add(r.day);
      if (!r.dirty) clean.add(r.day);
    }
    return { clean, rolled };
  }

  /**
   * Ticket totals, the (day, category) trend and per-agent figures over the rolled-up rows `rt`
   * plus the live tickets `lt`. Filtered by agent: the full grain, few rows per agent; otherwise
   * its per-category and per-agent sums, ~10× fewer rows. The trend (a year: days × categories,
   * ~4,800 entries) comes back as one JSON array of [day, category, total], not as rows.
   */
  private async ticketFigures(lt: Prisma.Sql, rt: Prisma.Sql, byAgent: boolean): Promise<TicketFigures> {
    const sums = Prisma.sql`sum(total)::int AS total, sum(resolved)::int AS resolved,
      sum("within24h")::int AS within24, sum("within48h")::int AS within48, sum("firstTime")::int AS first_time,
      sum("frCount")::int AS fr_n, sum("frSeconds")::float8 AS fr_s,
      sum("resCount")::int AS res_n, sum("resSeconds")::float8 AS res_s`;
    const byDay = byAgent
      ? Prisma.sql`SELECT ${TICKET_COLUMNS} FROM "ReportTicketDay" r WHERE ${rt} UNION ALL ${ticketGrain(lt)}`
      : Prisma.sql`SELECT day, category, ${TICKET_COUNTERS} FROM "ReportCategoryDay" r WHERE ${rt}
          UNION ALL SELECT day, category, ${TICKET_COUNTERS} FROM (${ticketGrain(lt)}) x`;
    const byAssignee = byAgent
      ? Prisma.sql`SELECT "assigneeId", ${TICKET_COUNTERS} FROM "ReportTicketDay" r WHERE ${rt}
          UNION ALL SELECT "assigneeId", ${TICKET_COUNTERS} FROM (${ticketGrain(lt)}) x`
      : Prisma.sql`SELECT "assigneeId", ${TICKET_COUNTERS} FROM "ReportAgentDay" r WHERE ${rt}
          UNION ALL SELECT "assigneeId", ${TICKET_COUNTERS} FROM (${ticketGrain(lt)}) x`;
    const [[totals], agents] = await Promise.all([
      this.db.$queryRaw<(TicketAggRow & { trend: [string, string, number][] | null })[]>`
        WITH g AS (${byDay})
        SELECT ${sums},
          (SELECT json_agg(json_build_array(to_char(d.day, 'YYYY-MM-DD'), d.category, d.total) ORDER BY d.day, d.category)
           FROM (SELECT day, category, sum(total)::int AS total FROM g GROUP BY day, category) d) AS trend
        FROM g`,
      this.db.$queryRaw<(TicketAggRow & { id: string | null })[]>`
        WITH g AS (${byAssignee})
        SELECT "assigneeId" AS id, ${sums} FROM g GROUP BY "assigneeId"`,
    ]);
    return { totals, trend: totals?.trend ?? [], agents };
  }

  async summary(f: ReportFilter, now = this.now()): Promise<Summary> {
    const covered = await this.covered(f);
    const plan = planPeriod(f.from, f.to, covered.clean);
    // Live part: the base tables over the instant ranges the rollup does not cover.
    const liveT = [inRanges(Prisma.sql`t."createdAt"`, plan.live)];
    const liveS = [inRanges(Prisma.sql`s."sentAt"`, plan.live)];
    // Rollup part: the Report*Day rows of the covered days.
    const rolled = inDays(Prisma.sql`r.day`, plan.rolled);
    const rolledT = [rolled];
    if (f.group) {
      liveT.push(Prisma.sql`t."groupCode" = ${f.group}`);
      liveS.push(Prisma.sql`s."groupCode" = ${f.group}`);
      rolledT.push(Prisma.sql`r."groupCode" = ${f.group}`);
    }
    if (f.agentId) {
      liveT.push(Prisma.sql`t."assigneeId" = ${f.agentId}::uuid`);
      liveS.push(Prisma.sql`s."agentId" = ${f.agentId}::uuid`);
      rolledT.push(Prisma.sql`r."assigneeId" = ${f.agentId}::uuid`);
    }
    const lt = Prisma.join(liveT, " AND ");
    const ls = Prisma.join(liveS, " AND ");
    const rt = Prisma.join(rolledT, " AND ");
    const sw = this.surveyWhere(f);
    // Place, outlet and SLA figures not filtered by agent read months from Report*Month (a year of
    // place and outlet day rows is about one row per complaint: agent × city × stage; of SLA day
    // rows ~110,000 at 1M tickets). Place and outlet rows count complaints, so a month mostly
    // covered is read as the month less its other days (monthsLess); SLA rows exist for clocks in
    // any state, so a kind netting to zero could not be told from one with only stopped clocks:
    // SLA reads the months covered whole only (wholeMonths).
    const byGroup = (cond: Prisma.Sql) =>
      Prisma.join(f.group ? [cond, Prisma.sql`r."groupCode" = ${f.group}`] : [cond], " AND ");
    const split = f.agentId ? { months: [], days: plan.rolled } : wholeMonths(plan.rolled);
    const rolledSD = [inDays(Prisma.sql`r.day`, split.days)];
    if (f.group) rolledSD.push(Prisma.sql`r."groupCode" = ${f.group}`);
    if (f.agentId) rolledSD.push(Prisma.sql`r."assigneeId" = ${f.agentId}::uuid`);
    const rsd = Prisma.join(rolledSD, " AND ");
    const rsm = byGroup(inMonths(Prisma.sql`r.month`, split.months));
    // Places read months for one agent too (ReportAgentCityMonth / ReportAgentStageMonth, 0051);
    // outlets read one agent's days.
    const less = monthsLess(plan.rolled, covered.rolled);
    const byAgent = (cond: Prisma.Sql) =>
      f.agentId ? Prisma.join([cond, Prisma.sql`r."assigneeId" = ${f.agentId}::uuid`], " AND ") : cond;
    const rpd = byAgent(byGroup(inDays(Prisma.sql`r.day`, less.days)));
    const rpm = byAgent(byGroup(inMonths(Prisma.sql`r.month`, less.months)));
    const rpx = byAgent(byGroup(inDays(Prisma.sql`r.day`, less.minus)));
    const cityMonths = f.agentId ? Prisma.sql`"ReportAgentCityMonth"` : Prisma.sql`"ReportCityMonth"`;
    const stageMonths = f.agentId ? Prisma.sql`"ReportAgentStageMonth"` : Prisma.sql`"ReportStageMonth"`;
    const outletLess = f.agentId ? { months: [], days: plan.rolled, minus: [] } : less;
    const rod = byAgent(byGroup(inDays(Prisma.sql`r.day`, outletLess.days)));
    const rom = byGroup(inMonths(Prisma.sql`r.month`, outletLess.months));
    const rox = byGroup(inDays(Prisma.sql`r.day`, outletLess.minus));
    const tracked = trackedShipments(this.db, f.from, f.to);
    // Surveys: the months covered whole from ReportSurveyMonth (kept per agent, so the one-agent
    // view reads them too), the other rolled-up days from ReportSurveyDay (migration 0050).
    const surveyMonths = wholeMonths(plan.rolled);
    const surveySM = [inMonths(Prisma.sql`r.month`, surveyMonths.months)];
    const surveySD = [inDays(Prisma.sql`r.day`, surveyMonths.days)];
    for (const c of [surveySM, surveySD]) {
      if (f.group) c.push(Prisma.sql`r."groupCode" = ${f.group}`);
      if (f.agentId) c.push(Prisma.sql`r."agentId" = ${f.agentId}::uuid`);
    }
    // Totals and the per-agent figures in one pass.
    const surveyP = this.db.$queryRaw<SurveyAggRow[]>`
        WITH g AS (
          SELECT ${SURVEY_COLUMNS} FROM "ReportSurveyDay" r WHERE ${Prisma.join(surveySD, " AND ")}
          UNION ALL ${SURVEY_MONTH_ROWS} WHERE ${Prisma.join(surveySM, " AND ")}
          UNION ALL ${surveyGrain(ls)}
        )
        SELECT GROUPING("agentId")::int AS level, "agentId" AS id,
          sum(sent)::int AS sent, sum(answered)::int AS answered, sum(satisfied)::int AS satisfied,
          sum(basically)::int AS basically, sum(dissatisfied)::int AS dissatisfied, sum(rated)::int AS rated,
          sum("starsN")::int AS stars_n, sum("stars45")::int AS stars_45,
          sum("ratingsN")::int AS ratings_n, sum("ratings45")::int AS ratings_45,
          sum("speedSum")::int AS speed_sum, sum("speedN")::int AS speed_n,
          sum("effectSum")::int AS effect_sum, sum("effectN")::int AS effect_n,
          sum("attitudeSum")::int AS attitude_sum, sum("attitudeN")::int AS attitude_n,
          sum("npsN")::int AS nps_n, sum(promoters)::int AS promoters, sum(detractors)::int AS detractors,
          sum("fcrN")::int AS fcr_n, sum("fcrYes")::int AS fcr_yes
        FROM g GROUP BY GROUPING SETS (("agentId"), ())`;
    const ticketP = this.ticketFigures(lt, rt, !!f.agentId);
    // The agents' names as soon as both agent lists are in, while the other figures still run.
    const peopleP = Promise.all([ticketP, surveyP]).then(([t, sv]) => {
      const ids = [
        ...new Set([
          ...t.agents.flatMap((a) => (a.id === null ? [] : [a.id])),
          ...sv.flatMap((a) => (a.level === 0 && a.id !== null ? [a.id] : [])),
        ]),
      ];
      return ids.length
        ? this.db.agent.findMany({
            where: { id: { in: ids } },
            select: { id: true, username: true, displayName: true },
          })
        : [];
    });
    // Complaints still open whose 24 h / 48 h window has not closed yet: neither handled in time nor
    // late, so not part of the share (a ticket opened an hour ago counted as "not within 24 h" and
    // the share fell every morning). The last 48 h only, through the (type, createdAt) index.
    const undecidedP = this.db.$queryRaw<{ u24: number; u48: number }[]>`
      SELECT count(*) FILTER (WHERE t."createdAt" > ${new Date(now.getTime() - DAY_MS)})::int AS u24,
        count(*)::int AS u48
      FROM "Ticket" t
      WHERE ${this.ticketWhere(f)} AND t."resolvedAt" IS NULL AND t."createdAt" > ${new Date(now.getTime() - 2 * DAY_MS)}`;
    const [
      ticketRows,
      sla,
      surveyRows,
      shipments,
      comments,
      spikes,
      placeRows,
      outletRows,
      people,
      appeals,
      undecidedRows,
    ] = await Promise.all([
      ticketP,
      this.db.$queryRaw<{ kind: string; met: number; breached: number; running: number; paused: number }[]>`
        WITH g AS (
          SELECT ${SLA_COLUMNS} FROM "ReportSlaDay" r WHERE ${rsd}
          UNION ALL ${SLA_MONTH_ROWS} WHERE ${rsm}
          UNION ALL ${slaGrain(lt)}
        )
        SELECT kind, sum(met)::int AS met, sum(breached)::int AS breached, sum(running)::int AS running,
          sum(paused)::int AS paused
        FROM g GROUP BY kind`,
      surveyP,
      this.db.$queryRaw<{ count: number }[]>`
        SELECT ((SELECT COALESCE(sum(r.shipments), 0) FROM "ReportRollupDay" r WHERE ${rolled})
          + (SELECT count(*) FROM "Shipment" sh WHERE ${inRanges(Prisma.sql`sh."createdAt"`, plan.live)}))::int AS count`,
      this.db.$queryRaw<
        {
          number: string;
          category: string | null;
          overall: string | null;
          wrong: string | null;
          comment: string | null;
          at: Date;
        }[]
      >`
        SELECT t.number, s.category, s.overall, s."whatWentWrong" AS wrong, s.comment, COALESCE(s."answeredAt", s."sentAt") AS at
        FROM "Survey" s JOIN "Ticket" t ON t.id = s."ticketId"
        WHERE ${sw} AND (s.comment IS NOT NULL OR s."whatWentWrong" IS NOT NULL)
        ORDER BY s."sentAt" DESC LIMIT ${this.config.comments}`,
      this.allSpikes(new Date(Math.min(f.to.getTime(), now.getTime())), f.group),
      // Issue 23: per province, per city (level 0 / 1) and per stage (level 2).
      this.db.$queryRaw<
        {
          level: number;
          province: string | null;
          city: string | null;
          stage: string | null;
          total: number;
          repeats: number;
        }[]
      >`
        WITH g AS MATERIALIZED (
          SELECT ${PLACE_COLUMNS} FROM "ReportPlaceDay" r WHERE ${rpd}
          UNION ALL ${PLACE_MINUS_ROWS} WHERE ${rpx}
          UNION ALL ${placeGrain(lt)}
        ),
        -- Places and stages apart, with the months' sums per city and per stage (~5× fewer rows
        -- than per city and stage). A key netting to zero (all its complaints on days subtracted
        -- from their month) has none in the period.
        c AS (
          SELECT "provinceCode", "cityCode", sum(total) AS total, sum(repeats) AS repeats FROM (
            SELECT "provinceCode", "cityCode", total, repeats FROM g
            UNION ALL SELECT r."provinceCode", r."cityCode", r.total, r.repeats FROM ${cityMonths} r WHERE ${rpm}
          ) x GROUP BY "provinceCode", "cityCode" HAVING sum(total) <> 0
        ),
        s AS (
          SELECT stage, sum(total) AS total, sum(repeats) AS repeats FROM (
            SELECT stage, total, repeats FROM g
            UNION ALL SELECT r.stage, r.total, r.repeats FROM ${stageMonths} r WHERE ${rpm}
          ) x GROUP BY stage HAVING sum(total) <> 0
        )
        SELECT 0 AS level, "provinceCode" AS province, NULL::text AS city, NULL::text AS stage,
          sum(total)::int AS total, sum(repeats)::int AS repeats
        FROM c GROUP BY "provinceCode"
        UNION ALL SELECT 1, "provinceCode", "cityCode", NULL, total::int, repeats::int FROM c
        UNION ALL SELECT 2, NULL, NULL, stage, total::int, repeats::int FROM s`,
      outletFigures(this.db, f.from, f.to, lt, rod, tracked, rom, rox),
      peopleP,
      this.appealFigures(f),
      undecidedP,
    ]);
    const trackedPlaces = (await tracked).places;

    const trend = ticketRows.trend.map(([day, category, count]) => ({ day, category, count }));
    const agentTickets = ticketRows.agents
      .filter((r) => r.id !== null)
      .map((r) => ({
        id: r.id as string,
        assigned: r.total,
        resolved: r.resolved,
        resolution_s: r.res_n > 0 ? r.res_s / r.res_n : null,
      }));
    const surveys = surveyRows
      .filter((r) => r.level === 1)
      .map((r) => ({
        ...r,
        speed: r.speed_n > 0 ? r.speed_sum / r.speed_n : null,
        effect: r.effect_n > 0 ? r.effect_sum / r.effect_n : null,
        attitude: r.attitude_n > 0 ? r.attitude_sum / r.attitude_n : null,
      }));
    const agentSurveys = surveyRows
      .filter((r) => r.level === 0 && r.id !== null)
      .map((r) => ({ ...r, id: r.id as string, sat: r.satisfied + r.basically }));

    const t0 = ticketRows.totals;
    const tk: Record<string, unknown> = t0
      ? {
          ...t0,
          first_response_s: t0.fr_n > 0 ? t0.fr_s / t0.fr_n : null,
          resolution_s: t0.res_n > 0 ? t0.res_s / t0.res_n : null,
        }
      : {};
    const total = n(tk.total);
    const byCategory: Record<string, number> = {};
    const days = new Map<string, { day: string; total: number; byCategory: Record<string, number> }>();
    for (const r of trend) {
      byCategory[r.category] = (byCategory[r.category] ?? 0) + r.count;
      const d = days.get(r.day) ?? { day: r.day, total: 0, byCategory: {} };
      d.total += r.count;
      d.byCategory[r.category] = r.count;
      days.set(r.day, d);
    }
    const repeats = placeRows.filter((x) => x.level === 0).reduce((sum, x) => sum + x.repeats, 0);
    const byStage = Object.fromEntries([...STAGES, "unknown"].map((k) => [k, 0])) as Record<Stage | "unknown", number>;
    for (const r of placeRows.filter((x) => x.level === 2)) {
      const key = r.stage !== null && (STAGES as readonly string[]).includes(r.stage) ? (r.stage as Stage) : "unknown";
      byStage[key] += r.total;
    }
    const slaFigures: Record<string, SlaFigures> = {};
    for (const kind of CLOCK_KINDS)
      slaFigures[kind] = { met: 0, breached: 0, running: 0, paused: 0, complianceRate: null };
    for (const r of sla)
      slaFigures[r.kind] = {
        met: r.met,
        breached: r.breached,
        running: r.running,
        paused: r.paused,
        complianceRate: rate(r.met, r.met + r.breached),
      };

    const [undecided] = undecidedRows;
    const sv: Record<string, unknown> = surveys[0] ?? {};
    const rated = n(sv.satisfied) + n(sv.basically) + n(sv.dissatisfied);
    const npsN = n(sv.nps_n);
    const satisfactionRate = rate(n(sv.satisfied) + n(sv.basically), rated);
    const shipmentCount = n(shipments[0]?.count);

    const agents: AgentRow[] = people
      .map((p) => {
        const at = agentTickets.find((a) => a.id === p.id);
        const as = agentSurveys.find((a) => a.id === p.id);
        return {
          agentId: p.id,
          username: p.username,
          displayName: p.displayName,
          assigned: at?.assigned ?? 0,
          resolved: at?.resolved ?? 0,
          avgResolutionHours: at?.resolution_s == null ? null : round(at.resolution_s / 3600),
          surveysAnswered: as?.answered ?? 0,
          satisfactionRate: as ? rate(as.sat, as.rated) : null,
          nps: as && as.nps_n > 0 ? Math.round(((as.promoters - as.detractors) / as.nps_n) * 1000) / 10 : null,
        };
      })
      .sort((a, b) => b.assigned - a.assigned || a.username.localeCompare(b.username));

    const summary: Summary = {
      period: {
        from: f.from.toISOString(),
        to: f.to.toISOString(),
        group: f.group ?? null,
        agentId: f.agentId ?? null,
      },
      surveys: {
        sent: n(sv.sent),
        answered: n(sv.answered),
        responseRate: rate(n(sv.answered), n(sv.sent)),
        satisfied: n(sv.satisfied),
        basicallySatisfied: n(sv.basically),
        dissatisfied: n(sv.dissatisfied),
        satisfactionRate,
        starsShare45: rate(n(sv.stars_45), n(sv.stars_n)),
        complaintHandlingSatisfaction: rate(n(sv.ratings_45), n(sv.ratings_n)),
        ratings: { speed: round(sv.speed), effect: round(sv.effect), attitude: round(sv.attitude) },
        nps: npsN > 0 ? Math.round(((n(sv.promoters) - n(sv.detractors)) / npsN) * 1000) / 10 : null,
        npsResponses: npsN,
        fcrRate: rate(n(sv.fcr_yes), n(sv.fcr_n)),
      },
      complaints: {
        total,
        byCategory,
        trend: [...days.values()],
        shipments: shipmentCount,
        ratePer10k: shipmentCount > 0 ? round((total / shipmentCount) * 10_000) : null,
        byRegion: regionFigures(
          placeRows.filter((r) => r.level < 2 && !(r.level === 1 && r.city === null)),
          trackedPlaces,
        ),
        byStage,
        byOutlet: outletRows.byOutlet,
        byRootCause: outletRows.byRootCause,
        repeats,
        repeatRate: rate(repeats, total),
      },
      handling: {
        resolved: n(tk.resolved),
        within24hShare: rate(n(tk.within24), total - n(undecided?.u24)),
        within48hShare: rate(n(tk.within48), total - n(undecided?.u48)),
        avgFirstResponseMinutes: tk.first_response_s == null ? null : round(n(tk.first_response_s) / 60),
        avgResolutionHours: tk.resolution_s == null ? null : round(n(tk.resolution_s) / 3600),
        firstContactResolutionRate: rate(n(tk.first_time), n(tk.resolved)),
      },
      sla: slaFigures,
      appeals,
      agents,
      comments: comments.map((c) => ({
        ticketNumber: c.number,
        category: c.category,
        overall: c.overall,
        whatWentWrong: c.wrong,
        comment: c.comment,
        at: c.at.toISOString(),
      })),
      targets: this.config.targets,
      redLines: this.config.redLines,
      ...spikes,
      alerts: [],
    };
    summary.alerts = this.alerts(summary);
    return summary;
  }

  /** 12305 申诉 opened in the period (always live: few rows, indexed by source and creation). */
  private async appealFigures(f: ReportFilter): Promise<Summary["appeals"]> {
    const conds = [
      Prisma.sql`t.source = 'spb12305'`,
      Prisma.sql`t."createdAt" >= ${f.from}`,
      Prisma.sql`t."createdAt" < ${f.to}`,
    ];
    if (f.group) conds.push(Prisma.sql`t."groupCode" = ${f.group}`);
    if (f.agentId) conds.push(Prisma.sql`t."assigneeId" = ${f.agentId}::uuid`);
    const rows = await this.db.$queryRaw<{ category: string; total: number; open: number; breached: number }[]>`
      SELECT t.category, count(*)::int AS total,
        count(*) FILTER (WHERE t.status NOT IN ('resolved', 'closed'))::int AS open,
        count(*) FILTER (WHERE EXISTS (SELECT 1 FROM "SlaClock" c WHERE c."ticketId" = t.id
          AND c.kind IN ('appeal_report', 'appeal_mediation') AND c.state = 'breached'))::int AS breached
      FROM "Ticket" t WHERE ${Prisma.join(conds, " AND ")} GROUP BY t.category ORDER BY t.category`;
    const out: Summary["appeals"] = { total: 0, open: 0, breached: 0, byCategory: {} };
    for (const r of rows) {
      out.total += r.total;
      out.open += r.open;
      out.breached += r.breached;
      out.byCategory[r.category] = r.total;
    }
    return out;
  }

  /** Red line, target and spikes, most severe first. */
  alerts(s: Pick<Summary, "surveys" | "earlyWarning"> & Partial<Pick<Summary, "earlyWarningByPlace">>): Alert[] {
    const out: Alert[] = [];
    const sat = s.surveys.satisfactionRate;
    if (sat !== null && sat < this.config.redLines.satisfaction)
      out.push({
        level: "red",
        code: "SATISFACTION_RED_LINE",
        value: sat,
        message: `满意度 ${(sat * 100).toFixed(1)}% 低于红线 ${(this.config.redLines.satisfaction * 100).toFixed(0)}%，需启动专项整改（002 §4.4）`,
        messageEn: `Satisfaction ${(sat * 100).toFixed(1)}% is below the red line of ${(this.config.redLines.satisfaction * 100).toFixed(0)}%: start a remediation plan (002 §4.4)`,
      });
    else if (sat !== null && sat < this.config.targets.satisfaction)
      out.push({
        level: "warning",
        code: "SATISFACTION_BELOW_TARGET",
        value: sat,
        message: `满意度 ${(sat * 100).toFixed(1)}% 低于目标 ${(this.config.targets.satisfaction * 100).toFixed(0)}%`,
        messageEn: `Satisfaction ${(sat * 100).toFixed(1)}% is below the target of ${(this.config.targets.satisfaction * 100).toFixed(0)}%`,
      });
    for (const sp of s.earlyWarning)
      out.push({
        level: "warning",
        code: "COMPLAINT_SPIKE",
        category: sp.category,
        value: sp.recent,
        message: `投诉预警：${sp.category} 近 ${this.config.earlyWarning.windowHours} 小时 ${sp.recent} 件，基线预期 ${sp.expected} 件`,
        messageEn: `Complaint spike: ${CATEGORY_LABELS[sp.category as keyof typeof CATEGORY_LABELS]?.en ?? sp.category}, ${sp.recent} in the last ${this.config.earlyWarning.windowHours} hours, ${sp.expected} expected`,
      });
    const hours = this.config.earlyWarning.windowHours;
    for (const sp of s.earlyWarningByPlace?.cities ?? [])
      out.push({
        level: "warning",
        code: "COMPLAINT_SPIKE_REGION",
        cityCode: sp.cityCode,
        value: sp.recent,
        message: `投诉预警：${sp.province === sp.city ? sp.city : `${sp.province}${sp.city}`} 近 ${hours} 小时 ${sp.recent} 件，基线预期 ${sp.expected} 件`,
        messageEn: `Complaint spike in ${sp.province === sp.city ? sp.city : `${sp.province}${sp.city}`} (${sp.cityCode}): ${sp.recent} in the last ${hours} hours, ${sp.expected} expected`,
      });
    for (const sp of s.earlyWarningByPlace?.stages ?? [])
      out.push({
        level: "warning",
        code: "COMPLAINT_SPIKE_STAGE",
        stage: sp.stage,
        value: sp.recent,
        message: `投诉预警：${STAGE_LABELS[sp.stage].zh}环节 近 ${hours} 小时 ${sp.recent} 件，基线预期 ${sp.expected} 件`,
        messageEn: `Complaint spike at the ${STAGE_LABELS[sp.stage].en} stage: ${sp.recent} in the last ${hours} hours, ${sp.expected} expected`,
      });
    return out;
  }

  /**
   * 投诉预警 ending at `end`, by category (`earlyWarning`) and, issue 23, by city and by stage
   * (`earlyWarningByPlace`): the same detector over each series' last window against the baseline
   * days before it; tickets without a place or stage are no series. One pass over the baseline's
   * tickets for all three (grouping sets).
   */
  async allSpikes(end: Date, group?: string): Promise<Pick<Summary, "earlyWarning" | "earlyWarningByPlace">> {
    const rule = this.config.earlyWarning;
    const recentStart = new Date(end.getTime() - rule.windowHours * 3_600_000);
    const baseStart = new Date(recentStart.getTime() - rule.baselineDays * 86_400_000);
    const rows = await this.db.$queryRaw<
      {
        level: number;
        category: string | null;
        province: string | null;
        city: string | null;
        stage: string | null;
        recent: number;
        baseline: number;
      }[]
    >`
      SELECT GROUPING(t.category, t."cityCode", t.stage)::int AS level, t.category,
        t."provinceCode" AS province, t."cityCode" AS city, t.stage,
        count(*) FILTER (WHERE t."createdAt" >= ${recentStart})::int AS recent,
        count(*) FILTER (WHERE t."createdAt" < ${recentStart})::int AS baseline
      FROM "Ticket" t
      WHERE t.type = 'complaint' AND t."createdAt" >= ${baseStart} AND t."createdAt" < ${end}
        ${group ? Prisma.sql`AND t."groupCode" = ${group}` : Prisma.empty}
      GROUP BY GROUPING SETS ((t.category), (t."provinceCode", t."cityCode"), (t.stage))`;
    // GROUPING bits (category, city, stage): 0b011 per category, 0b101 per city, 0b110 per stage.
    const earlyWarning = detectSpikes(
      rows
        .filter((r) => r.level === 0b011)
        .map((r) => ({ category: r.category as string, recent: r.recent, baseline: r.baseline })),
      rule,
    );
    const cities: CitySpike[] = [];
    const byCity = rows.filter((r) => r.level === 0b101 && r.city !== null);
    for (const sp of detectSpikes(
      byCity.map((r) => ({ category: `${r.province}:${r.city}`, recent: r.recent, baseline: r.baseline })),
      rule,
    )) {
      const [provinceCode, cityCode] = sp.category.split(":");
      const place = placeOf(provinceCode ?? null, cityCode ?? null);
      if (!place?.cityCode || !place.city) continue;
      const { category: _key, ...figures } = sp;
      cities.push({ ...figures, ...place, cityCode: place.cityCode, city: place.city });
    }
    const stages: StageSpike[] = detectSpikes(
      rows
        .filter((r) => r.level === 0b110 && r.stage !== null && isStage(r.stage))
        .map((r) => ({ category: r.stage as string, recent: r.recent, baseline: r.baseline })),
      rule,
    ).map(({ category, ...figures }) => ({ ...figures, stage: category as Stage }));
    return { earlyWarning, earlyWarningByPlace: { cities, stages } };
  }

  /** Issue 23: 投诉预警 by city and by stage, ending at `end` (allSpikes). */
  async placeSpikes(end: Date, group?: string): Promise<Summary["earlyWarningByPlace"]> {
    return (await this.allSpikes(end, group)).earlyWarningByPlace;
  }

  /** 投诉预警 ending at `end`: each category's last window against the baseline days before it (allSpikes). */
  async spikes(end: Date, group?: string): Promise<Spike[]> {
    return (await this.allSpikes(end, group)).earlyWarning;
  }

  /** The tickets behind a figure (drill-down), newest first. */
  async tickets(
    f: ReportFilter & {
      category?: string | undefined;
      drill: Drill;
      clock?: string | undefined;
      /** Issue 23: the place, stage and outlet behind a figure ("unknown": none). */
      province?: string | undefined;
      city?: string | undefined;
      stage?: string | undefined;
      outlet?: string | undefined;
    },
    page: number,
    pageSize: number,
  ): Promise<{ total: number; items: DrillTicket[] }> {
    const conds = [this.ticketWhere(f)];
    if (f.category) conds.push(Prisma.sql`t.category = ${f.category}`);
    const eqOrNull = (col: Prisma.Sql, v: string | undefined) => {
      if (v === undefined) return;
      conds.push(v === "unknown" ? Prisma.sql`${col} IS NULL` : Prisma.sql`${col} = ${v}`);
    };
    eqOrNull(Prisma.sql`t."provinceCode"`, f.province);
    eqOrNull(Prisma.sql`t."cityCode"`, f.city);
    eqOrNull(Prisma.sql`t.stage`, f.stage);
    eqOrNull(Prisma.sql`t."outletCode"`, f.outlet);
    const drill: Record<Drill, Prisma.Sql> = {
      all: Prisma.sql`TRUE`,
      resolved: Prisma.sql`t."resolvedAt" IS NOT NULL`,
      unresolved: Prisma.sql`t."resolvedAt" IS NULL`,
      within24h: Prisma.sql`t."resolvedAt" - t."createdAt" <= interval '24 hours'`,
      // Late: resolved after 24 h, or still open 24 h after it was opened (a younger open ticket is not late yet).
      over24h: Prisma.sql`(t."resolvedAt" IS NULL AND t."createdAt" <= ${new Date(this.now().getTime() - DAY_MS)}
        OR t."resolvedAt" - t."createdAt" > interval '24 hours')`,
      breached: Prisma.sql`EXISTS (SELECT 1 FROM "SlaClock" c WHERE c."ticketId" = t.id AND c.state = 'breached'
        ${f.clock ? Prisma.sql`AND c.kind = ${f.clock}` : Prisma.empty})`,
      dissatisfied: Prisma.sql`EXISTS (SELECT 1 FROM "Survey" s WHERE s."ticketId" = t.id AND s.overall = 'dissatisfied')`,
      reopened: Prisma.sql`t."reopenedCount" > 0`,
      repeat: Prisma.sql`t."repeatOfId" IS NOT NULL`,
    };
    conds.push(drill[f.drill]);
    const where = Prisma.join(conds, " AND ");
    const [count, rows] = await Promise.all([
      this.db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "Ticket" t WHERE ${where}`,
      this.db.$queryRaw<DrillRow[]>`
        SELECT t.number, t.category, t.status, t.priority, t."groupCode", a."displayName" AS assignee,
          t."createdAt", t."resolvedAt", s.overall
        FROM "Ticket" t
        LEFT JOIN "Agent" a ON a.id = t."assigneeId"
        LEFT JOIN "Survey" s ON s."ticketId" = t.id
        WHERE ${where}
        ORDER BY t."createdAt" DESC, t.number DESC
        LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
    ]);
    return {
      total: n(count[0]?.n),
      items: rows.map((r) => ({
        number: r.number,
        category: r.category,
        status: r.status,
        priority: r.priority,
        groupCode: r.groupCode,
        assignee: r.assignee,
        createdAt: r.createdAt.toISOString(),
        resolvedAt: r.resolvedAt?.toISOString() ?? null,
        overall: r.overall,
      })),
    };
  }

  /** CSV rows of the period's tickets, in pages (keyset on createdAt, id), header first. */
  async *ticketsCsv(f: ReportFilter): AsyncGenerator<string> {
    yield csvLine([
      "number",
      "category",
      "status",
      "priority",
      "group",
      "assignee",
      "channel",
      "waybill",
      "contact_phone",
      timeColumn("created_at"),
      timeColumn("first_response_at"),
      timeColumn("resolved_at"),
      timeColumn("closed_at"),
      "reopened",
      "root_cause",
      "description",
      "resolution",
      "survey_overall",
      "survey_nps",
      // Issue 23: where and at which stage (GB/T 2260 codes, names from the division table).
      "province_code",
      "province",
      "city_code",
      "city",
      "stage",
      // Issue 23: the outlet (网点) the problem lies with.
      "outlet_code",
      "outlet",
    ]);
    let after: { at: Date; id: string } | undefined;
    for (;;) {
      const rows = await this.db.$queryRaw<TicketCsvRow[]>`
        SELECT t.id, t.number, t.category, t.status, t.priority, t."groupCode", a.username AS assignee, t.channel, t.waybill,
          t."contactPhone", t."createdAt", t."firstResponseAt", t."resolvedAt", t."closedAt", t."reopenedCount",
          t."rootCause", t.description, t.resolution, s.overall, s.nps, t."provinceCode", t."cityCode", t.stage,
          t."outletCode", o.name AS "outletName"
        FROM "Ticket" t
        LEFT JOIN "Agent" a ON a.id = t."assigneeId"
        LEFT JOIN "Outlet" o ON o.code = t."outletCode"
        LEFT JOIN "Survey" s ON s."ticketId" = t.id
        WHERE ${this.ticketWhere(f)}
          ${after ? Prisma.sql`AND (t."createdAt", t.id) > (${after.at}, ${after.id}::uuid)` : Prisma.empty}
        ORDER BY t."createdAt", t.id LIMIT 2000`;
      for (const r of rows)
        yield csvLine([
          r.number,
          r.category,
          r.status,
          r.priority,
          r.groupCode,
          r.assignee,
          r.channel,
          r.waybill,
          r.contactPhone ? maskPhone(r.contactPhone) : null,
          beijingTime(r.createdAt),
          beijingTime(r.firstResponseAt),
          beijingTime(r.resolvedAt),
          beijingTime(r.closedAt),
          r.reopenedCount,
          r.rootCause,
          freeText(r.description),
          freeText(r.resolution),
          r.overall,
          r.nps,
          ...placeColumns(r.provinceCode, r.cityCode),
          r.stage,
          r.outletCode,
          r.outletName,
        ]);
      const last = rows[rows.length - 1];
      if (!last || rows.length < 2000) return;
      after = { at: last.createdAt, id: last.id };
    }
  }

  /** CSV rows of the period's surveys (by send time) with every answer column. */
  async *surveysCsv(f: ReportFilter): AsyncGenerator<string> {
    yield csvLine([
      "ticket_number",
      "category",
      "group",
      "agent",
      "channel",
      "status",
      timeColumn("sent_at"),
      timeColumn("answered_at"),
      "overall",
      "stars",
      "fcr",
      "what_went_wrong",
      "speed",
      "effect",
      "attitude",
      "nps",
      "comment",
    ]);
    let after: { at: Date; id: string } | undefined;
    for (;;) {
      const rows = await this.db.$queryRaw<SurveyCsvRow[]>`
        SELECT s.id, t.number, s.category, s."groupCode", a.username AS agent, s.channel, s.status, s."sentAt", s."answeredAt",
          s.overall, s.stars, s.fcr, s."whatWentWrong", s.speed, s.effect, s.attitude, s.nps, s.comment
        FROM "Survey" s
        JOIN "Ticket" t ON t.id = s."ticketId"
        LEFT JOIN "Agent" a ON a.id = s."agentId"
        WHERE ${this.surveyWhere(f)}
          ${after ? Prisma.sql`AND (s."sentAt", s.id) > (${after.at}, ${after.id}::uuid)` : Prisma.empty}
        ORDER BY s."sentAt", s.id LIMIT 2000`;
      for (const r of rows)
        yield csvLine([
          r.number,
          r.category,
          r.groupCode,
          r.agent,
          r.channel,
          r.status,
          beijingTime(r.sentAt),
          beijingTime(r.answeredAt),
          r.overall,
          r.stars,
          r.fcr === null ? null : r.fcr ? "yes" : "no",
          freeText(r.whatWentWrong),
          r.speed,
          r.effect,
          r.attitude,
          r.nps,
          freeText(r.comment),
        ]);
      const last = rows[rows.length - 1];
      if (!last?.sentAt || rows.length < 2000) return;
      after = { at: last.sentAt, id: last.id };
    }
  }
}

/** Sums of the ticket counters (null over no rows). */
interface TicketAggRow {
  total: number;
  resolved: number;
  within24: number;
  within48: number;
  first_time: number;
  fr_n: number;
  fr_s: number;
  res_n: number;
  res_s: number;
}

interface TicketFigures {
  /** Over the whole period (undefined: never, an aggregate returns one row). */
  totals: TicketAggRow | undefined;
  /** [day YYYY-MM-DD, category, complaints], by day then category. */
  trend: [string, string, number][];
  /** Per assignee (id null: unassigned). */
  agents: (TicketAggRow & { id: string | null })[];
}

interface SurveyAggRow {
  /** GROUPING(agentId): 0 = per agent, 1 = total. */
  level: number;
  id: string | null;
  sent: number;
  answered: number;
  satisfied: number;
  basically: number;
  dissatisfied: number;
  rated: number;
  stars_n: number;
  stars_45: number;
  ratings_n: number;
  ratings_45: number;
  speed_sum: number;
  speed_n: number;
  effect_sum: number;
  effect_n: number;
  attitude_sum: number;
  attitude_n: number;
  nps_n: number;
  promoters: number;
  detractors: number;
  fcr_n: number;
  fcr_yes: number;
}

export interface DrillTicket {
  number: string;
  category: string;
  status: string;
  priority: string;
  groupCode: string;
  assignee: string | null;
  createdAt: string;
  resolvedAt: string | null;
  overall: string | null;
}

interface DrillRow {
  number: string;
  category: string;
  status: string;
  priority: string;
  groupCode: string;
  assignee: string | null;
  createdAt: Date;
  resolvedAt: Date | null;
  overall: string | null;
}

interface TicketCsvRow {
  id: string;
  number: string;
  category: string;
  status: string;
  priority: string;
  groupCode: string;
  assignee: string | null;
  channel: string;
  waybill: string | null;
  contactPhone: string | null;
  createdAt: Date;
  firstResponseAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  reopenedCount: number;
  rootCause: string | null;
  description: string;
  resolution: string | null;
  overall: string | null;
  nps: number | null;
  provinceCode: string | null;
  cityCode: string | null;
  stage: string | null;
  outletCode: string | null;
  outletName: string | null;
}

interface SurveyCsvRow {
  id: string;
  number: string;
  category: string | null;
  groupCode: string | null;
  agent: string | null;
  channel: string;
  status: string;
  sentAt: Date | null;
  answeredAt: Date | null;
  overall: string | null;
  stars: number | null;
  fcr: boolean | null;
  whatWentWrong: string | null;
  speed: number | null;
  effect: number | null;
  attitude: number | null;
  nps: number | null;
  comment: string | null;
}
