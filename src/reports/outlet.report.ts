/**
 * Complaints by outlet (网点) and per 10,000 parcels (issue 23): how a carrier's headquarters ranks
 * its outlets. Parcels come from the monthly counts an admin imports (OutletShipments); a period
 * that covers part of a month counts that month's parcels in proportion to the share of its time
 * the period covers. A month with no imported count takes the parcels the stored tracking saw at
 * the outlet on the period's days (tracked-shipments.ts). The rate is given only when every month
 * the period touches has one or the other.
 */
import type { Db } from "../db/client.js";
import { Prisma } from "../generated/prisma/client.js";
import { OUTLET_COLUMNS, OUTLET_MINUS_ROWS, OUTLET_MONTH_ROWS, outletGrain } from "./report.rollup.js";
import { trackedShipments } from "./tracked-shipments.js";

export interface OutletRow {
  code: string;
  name: string;
  /** Complaints whose problem lies with the outlet in the period. */
  total: number;
  /** Of them, resolved with the root cause 质量异常 / 非质量异常（人为） (001 第五条). */
  quality: number;
  nonQuality: number;
  /**
   * Parcels in the period: per month the imported count (pro rata), else the parcels the stored
   * tracking saw at the outlet on the period's days of that month; null when a month has neither.
   */
  shipments: number | null;
  /** Where `shipments` comes from: import, tracking or both (months of each); null without. */
  shipmentsFrom: "import" | "tracking" | "both" | null;
  /** total / shipments × 10,000; null without shipments. */
  ratePer10k: number | null;
}

export interface OutletFigures {
  outlets: OutletRow[];
  /** Complaints with no outlet. */
  unknown: number;
}

/** Complaints by the root cause the agent set at resolution (001 第五条); `unset` without one. */
export interface RootCauseFigures {
  quality: number;
  nonQuality: number;
  unset: number;
}

const CST_MS = 8 * 3_600_000;
/** The China-time months [from, to) touches, as "YYYY-MM-01" with their UTC start and end. */
export function monthsOf(from: Date, to: Date): { month: string; start: Date; end: Date }[] {
  const out: { month: string; start: Date; end: Date }[] = [];
  const local = new Date(from.getTime() + CST_MS);
  let y = local.getUTCFullYear();
  let m = local.getUTCMonth();
  for (;;) {
    const start = new Date(Date.UTC(y, m, 1) - CST_MS);
    if (start >= to) break;
    const end = new Date(Date.UTC(y, m + 1, 1) - CST_MS);
    out.push({ month: `${y}-${String(m + 1).padStart(2, "0")}-01`, start, end });
    m++;
    if (m === 12) {
      m = 0;
      y++;
    }
    if (out.length > 240) break;
  }
  return out;
}

/** Parcels of [from, to) from monthly counts: each month's count × the share of it the period covers. */
export function proRataShipments(from: Date, to: Date, counts: ReadonlyMap<string, number>): number | null {
  let total = 0;
  for (const { month, start, end } of monthsOf(from, to)) {
    const count = counts.get(month);
    if (count === undefined) return null;
    const overlap = Math.min(end.getTime(), to.getTime()) - Math.max(start.getTime(), from.getTime());
    total += (count * overlap) / (end.getTime() - start.getTime());
  }
  return Math.round(total);
}

/**
 * Parcels of [from, to): per month the imported count pro rata when there is one, else the tracked
 * parcels of the period's days in that month; null when a month has neither.
 */
export function periodShipments(
  from: Date,
  to: Date,
  imported: ReadonlyMap<string, number>,
  tracked: ReadonlyMap<string, number> | undefined,
): { shipments: number; from: "import" | "tracking" | "both" } | null {
  let total = 0;
  let fromImport = false;
  let fromTracking = false;
  for (const { month, start, end } of monthsOf(from, to)) {
    const count = imported.get(month);
    if (count !== undefined) {
      const overlap = Math.min(end.getTime(), to.getTime()) - Math.max(start.getTime(), from.getTime());
      total += (count * overlap) / (end.getTime() - start.getTime());
      fromImport = true;
      continue;
    }
    const seen = tracked?.get(month);
    if (seen === undefined) return null;
    total += seen;
    fromTracking = true;
  }
  if (!fromImport && !fromTracking) return null;
  return {
    shipments: Math.round(total),
    from: fromImport && fromTracking ? "both" : fromImport ? "import" : "tracking",
  };
}

const MAX_OUTLETS = 500;

/**
 * Over the rolled-up days (`rt` on ReportOutletDay r), the rolled-up months (`rm` on
 * ReportOutletMonth r) less the days of theirs outside the period (`rx` on ReportOutletDay r,
 * monthsLess) and the live tickets (`lt` on Ticket t), as the other summary figures (report.rollup.ts).
 */
export async function outletFigures(
  db: Db,
  from: Date,
  to: Date,
  lt: Prisma.Sql,
  rt: Prisma.Sql,
  trackedP: ReturnType<typeof trackedShipments> = trackedShipments(db, from, to),
  rm: Prisma.Sql = Prisma.sql`FALSE`,
  rx: Prisma.Sql = Prisma.sql`FALSE`,
): Promise<{ byOutlet: OutletFigures; byRootCause: RootCauseFigures }> {
  const months = monthsOf(from, to);
  const [complaints, counts, tracked] = await Promise.all([
    db.$queryRaw<{ code: string | null; name: string | null; total: number; quality: number; non_quality: number }[]>`
      WITH g AS (
        SELECT ${OUTLET_COLUMNS} FROM "ReportOutletDay" r WHERE ${rt}
        UNION ALL ${OUTLET_MONTH_ROWS} WHERE ${rm}
        UNION ALL ${OUTLET_MINUS_ROWS} WHERE ${rx}
        UNION ALL ${outletGrain(lt)}
      )
      SELECT g."outletCode" AS code, o.name, sum(g.total)::int AS total,
        sum(g.quality)::int AS quality, sum(g."nonQuality")::int AS non_quality
      FROM g LEFT JOIN "Outlet" o ON o.code = g."outletCode"
      GROUP BY g."outletCode", o.name
      -- Netting to zero: every complaint of the outlet was on days taken out of their month.
      HAVING sum(g.total) <> 0`,
    months.length
      ? db.$queryRaw<{ code: string; name: string; month: string; shipments: number }[]>`
          SELECT s."outletCode" AS code, o.name, to_char(s.month, 'YYYY-MM-DD') AS month, s.shipments
          FROM "OutletShipments" s JOIN "Outlet" o ON o.code = s."outletCode"
          WHERE s.month IN (${Prisma.join(months.map((m) => Prisma.sql`${m.month}::date`))})`
      : Promise.resolve([]),
    trackedP,
  ]);
  type Acc = { name: string; total: number; quality: number; nonQuality: number; counts: Map<string, number> };
  const byCode = new Map<string, Acc>();
  let unknown = 0;
  const byRootCause: RootCauseFigures = { quality: 0, nonQuality: 0, unset: 0 };
  for (const r of complaints) {
    byRootCause.quality += r.quality;
    byRootCause.nonQuality += r.non_quality;
    byRootCause.unset += r.total - r.quality - r.non_quality;
    if (r.code === null || r.name === null) unknown += r.total;
    else
      byCode.set(r.code, {
        name: r.name,
        total: r.total,
        quality: r.quality,
        nonQuality: r.non_quality,
        counts: new Map(),
      });
  }
  for (const r of counts) {
    const o: Acc = byCode.get(r.code) ?? { name: r.name, total: 0, quality: 0, nonQuality: 0, counts: new Map() };
    o.counts.set(r.month, r.shipments);
    byCode.set(r.code, o);
  }
  const trackedOnly = [...tracked.outlets.keys()].filter((c) => !byCode.has(c));
  if (trackedOnly.length)
    for (const o of await db.outlet.findMany({
      where: { code: { in: trackedOnly } },
      select: { code: true, name: true },
    }))
      byCode.set(o.code, { name: o.name, total: 0, quality: 0, nonQuality: 0, counts: new Map() });
  const outlets: OutletRow[] = [...byCode].map(([code, o]) => {
    // Without an imported month, every month is the tracked one: known when it was seen in each.
    const seen = tracked.outlets.get(code);
    const parcels = o.counts.size
      ? periodShipments(from, to, o.counts, tracked.outletMonths.get(code))
      : months.length && seen?.months === months.length
        ? { shipments: seen.shipments, from: "tracking" as const }
        : null;
    const shipments = parcels?.shipments ?? null;
    return {
      code,
      name: o.name,
      total: o.total,
      quality: o.quality,
      nonQuality: o.nonQuality,
      shipments,
      shipmentsFrom: parcels?.from ?? null,
      ratePer10k: shipments ? Math.round((o.total / shipments) * 10_000 * 100) / 100 : null,
    };
  });
  outlets.sort(
    (a, b) => b.total - a.total || (b.ratePer10k ?? -1) - (a.ratePer10k ?? -1) || a.code.localeCompare(b.code),
  );
  return { byOutlet: { outlets: outlets.slice(0, MAX_OUTLETS), unknown }, byRootCause };
}
