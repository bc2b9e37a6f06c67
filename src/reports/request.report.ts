/**
 * Service request figures (issue 15): requests per type and day, the share done within their
 * promise, claim amounts proposed and paid, and the average time of each step. Complaint
 * figures stay in report.service.ts (which counts complaints only).
 */
import type { Db } from "../db/client.js";
import { Prisma } from "../generated/prisma/client.js";
import { maskPhone } from "../logger.js";
import { beijingTime, csvLine, freeText, timeColumn } from "./csv.format.js";
import type { ReportFilter } from "./report.service.js";

export interface RequestTypeFigures {
  type: string;
  total: number;
  open: number;
  done: number;
  rejected: number;
  cancelled: number;
  /** Done with no clock breached, of the requests done. */
  withinPromiseShare: number | null;
  avgHoursToFirstResponse: number | null;
  avgHoursToResolution: number | null;
}

export interface RequestSummary {
  byType: RequestTypeFigures[];
  trend: { day: string; type: string; total: number }[];
  claims: {
    total: number;
    claimedTotal: number;
    proposedCount: number;
    proposedTotal: number;
    paidCount: number;
    paidTotal: number;
    /** Average hours of each claim step (domain.md: ack 24 h, proposal 30 days, payment 7 days). */
    avgHoursToProposal: number | null;
    avgHoursToAgreement: number | null;
    avgHoursToPayment: number | null;
  };
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const nullable = (v: unknown): number | null =>
  v === null || v === undefined ? null : Math.round(Number(v) * 100) / 100;

export class RequestReport {
  constructor(private readonly db: Db) {}

  private where(f: ReportFilter): Prisma.Sql {
    const conds = [
      Prisma.sql`t.type <> 'complaint'`,
      Prisma.sql`t."createdAt" >= ${f.from}`,
      Prisma.sql`t."createdAt" < ${f.to}`,
    ];
    if (f.group) conds.push(Prisma.sql`t."groupCode" = ${f.group}`);
    if (f.agentId) conds.push(Prisma.sql`t."assigneeId" = ${f.agentId}::uuid`);
    return Prisma.join(conds, " AND ");
  }

  async summary(f: ReportFilter): Promise<RequestSummary> {
    const where = this.where(f);
    const [types, trend, claims] = await Promise.all([
      this.db.$queryRaw<Record<string, unknown>[]>`
        SELECT t.type, count(*)::int AS total,
          count(*) FILTER (WHERE t.status IN ('new', 'open', 'pending_customer'))::int AS open,
          count(*) FILTER (WHERE t.outcome = 'done')::int AS done,
          count(*) FILTER (WHERE t.outcome = 'rejected')::int AS rejected,
          count(*) FILTER (WHERE t.outcome = 'cancelled')::int AS cancelled,
          count(*) FILTER (WHERE t.outcome = 'done' AND NOT EXISTS (
            SELECT 1 FROM "SlaClock" c WHERE c."ticketId" = t.id AND c.state = 'breached'))::int AS "doneInTime",
          avg(extract(epoch FROM t."firstResponseAt" - t."createdAt")) / 3600 AS "frHours",
          avg(extract(epoch FROM t."resolvedAt" - t."createdAt")) FILTER (WHERE t.outcome = 'done') / 3600 AS "resHours"
        FROM "Ticket" t WHERE ${where} GROUP BY t.type ORDER BY t.type`,
      this.db.$queryRaw<{ day: string; type: string; total: number }[]>`
        SELECT to_char((t."createdAt" + interval '8 hours')::date, 'YYYY-MM-DD') AS day, t.type, count(*)::int AS total
        FROM "Ticket" t WHERE ${where} GROUP BY 1, 2 ORDER BY 1, 2`,
      this.db.$queryRaw<Record<string, unknown>[]>`
        SELECT count(*)::int AS total, COALESCE(sum(t."claimedAmount"), 0)::float8 AS claimed,
          count(t."proposedAmount")::int AS "proposedCount", COALESCE(sum(t."proposedAmount"), 0)::float8 AS proposed,
          count(t."paidAmount")::int AS "paidCount", COALESCE(sum(t."paidAmount"), 0)::float8 AS paid,
          avg(extract(epoch FROM p."metAt" - t."createdAt")) / 3600 AS "toProposal",
          avg(extract(epoch FROM pay."startedAt" - p."metAt")) / 3600 AS "toAgreement",
          avg(extract(epoch FROM pay."metAt" - pay."startedAt")) / 3600 AS "toPayment"
        FROM "Ticket" t
        LEFT JOIN "SlaClock" p ON p."ticketId" = t.id AND p.kind = 'claim_proposal' AND p.state = 'met'
        LEFT JOIN "SlaClock" pay ON pay."ticketId" = t.id AND pay.kind = 'claim_payment'
        WHERE ${where} AND t.type = 'claim'`,
    ]);
    const c = claims[0] ?? {};
    return {
      byType: types.map((r) => ({
        type: String(r.type),
        total: num(r.total),
        open: num(r.open),
        done: num(r.done),
        rejected: num(r.rejected),
        cancelled: num(r.cancelled),
        withinPromiseShare: num(r.done) ? num(r.doneInTime) / num(r.done) : null,
        avgHoursToFirstResponse: nullable(r.frHours),
        avgHoursToResolution: nullable(r.resHours),
      })),
      trend: trend.map((r) => ({ day: r.day, type: r.type, total: num(r.total) })),
      claims: {
        total: num(c.total),
        claimedTotal: num(c.claimed),
        proposedCount: num(c.proposedCount),
        proposedTotal: num(c.proposed),
        paidCount: num(c.paidCount),
        paidTotal: num(c.paid),
        avgHoursToProposal: nullable(c.toProposal),
        avgHoursToAgreement: nullable(c.toAgreement),
        avgHoursToPayment: nullable(c.toPayment),
      },
    };
  }

  /** One line per request; the description (masked address) and a masked phone, never the address in full. */
  async *csv(f: ReportFilter): AsyncGenerator<string> {
    yield csvLine([
      "number",
      "type",
      "status",
      "outcome",
      "group",
      "waybill",
      "contact_phone",
      timeColumn("created_at"),
      timeColumn("resolved_at"),
      "within_promise",
      "claimed_amount",
      "proposed_amount",
      "paid_amount",
      "description",
    ]);
    const rows = await this.db.$queryRaw<Record<string, unknown>[]>`
      SELECT t.number, t.type, t.status, t.outcome, t."groupCode", t.waybill, t."contactPhone", t."createdAt",
        t."resolvedAt", t."claimedAmount"::float8 AS claimed, t."proposedAmount"::float8 AS proposed,
        t."paidAmount"::float8 AS paid, t.description,
        NOT EXISTS (SELECT 1 FROM "SlaClock" c WHERE c."ticketId" = t.id AND c.state = 'breached') AS "inTime"
      FROM "Ticket" t WHERE ${this.where(f)} ORDER BY t."createdAt", t.number LIMIT 100000`;
    for (const r of rows)
      yield csvLine([
        r.number as string,
        r.type as string,
        r.status as string,
        r.outcome as string | null,
        r.groupCode as string,
        r.waybill as string | null,
        r.contactPhone ? maskPhone(String(r.contactPhone)) : null,
        beijingTime(r.createdAt as Date),
        beijingTime(r.resolvedAt as Date | null),
        r.outcome === "done" ? (r.inTime ? "yes" : "no") : null,
        r.claimed as number | null,
        r.proposed as number | null,
        r.paid as number | null,
        freeText(r.description as string),
      ]);
  }
}
