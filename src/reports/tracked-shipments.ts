/**
 * Parcels per place from the stored tracking (issue 23: outlets and regions carry "their own
 * shipments count when tracking data gives it", for complaints per 10,000 parcels per place).
 *
 * Counted per China-time day into TrackedShipmentsDay and recomputed a month at a time:
 * - outlet: the parcels whose tracking names the outlet (an event's location or a 【…】 in its text,
 *   matched as for a ticket's outlet, src/outlets/outlet.match.ts), each counted once per outlet and
 *   month, on the first day it was seen there;
 * - city / province: the parcels picked up in or bound for it (the shipment's origin and destination,
 *   located as tracking locations are), on the day of pickup, else of the shipment's first record;
 *   a parcel within one city or province counts once there.
 * A scheduled job recomputes the months that shipments updated since its last run touch (their
 * pickup and their events); an outlet import or change recomputes everything (names decide matches).
 * Reports combine them with imported counts in outlet.report.ts (an imported month wins).
 */
import type { Logger } from "pino";
import type { Db } from "../db/client.js";
import { Prisma } from "../generated/prisma/client.js";
import { outletMatcher } from "../outlets/outlet.match.js";
import { locate } from "../places/divisions.js";
import type { Scheduler } from "../scheduler/scheduler.js";

const CST_MS = 8 * 3_600_000;
const CST = Prisma.sql`interval '8 hours'`;
/** Shipments updated this long before a run are looked at again (an ingest committing late). */
const OVERLAP_MS = 5 * 60_000;

export const TRACKED_KIND = "tracked-shipments";
export const TRACKED_KEY = `${TRACKED_KIND}:refresh`;

/** [start, end) in UTC of the China-time month beginning on `month` ("YYYY-MM-01"). */
function monthRange(month: string): { start: Date; end: Date; next: string } {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  const start = new Date(Date.UTC(y, m - 1, 1) - CST_MS);
  const end = new Date(Date.UTC(y, m, 1) - CST_MS);
  const next = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
  return { start, end, next };
}

/** Recomputes one month's counts of every kind (in one transaction: readers see before or after). */
export async function recomputeMonth(db: Db, month: string): Promise<number> {
  const { start, end, next } = monthRange(month);
  const [names, places, outlets] = await Promise.all([
    db.$queryRaw<{ n: string }[]>`
      SELECT DISTINCT btrim(x.n) AS n FROM (
        SELECT e.location AS n FROM "TrackingEvent" e
        WHERE e.time >= ${start} AND e.time < ${end} AND e.location IS NOT NULL
        UNION ALL
        SELECT (regexp_matches(e.description, '【([^】]{1,100})】', 'g'))[1] FROM "TrackingEvent" e
        WHERE e.time >= ${start} AND e.time < ${end} AND e.description LIKE '%【%'
      ) x WHERE btrim(x.n) <> ''`,
    db.$queryRaw<{ n: string }[]>`
      SELECT DISTINCT x.n FROM "Shipment" s, LATERAL (VALUES (s.origin), (s.destination)) x(n)
      WHERE COALESCE(s."pickedUpAt", s."createdAt") >= ${start} AND COALESCE(s."pickedUpAt", s."createdAt") < ${end}
        AND x.n IS NOT NULL`,
    db.outlet.findMany({ select: { code: true, name: true, regionCodes: true } }),
  ]);
  const match = outletMatcher(outlets);
  const outletOf: { n: string; code: string }[] = [];
  for (const { n } of names) {
    const m = match(n);
    if (m.kind === "match") outletOf.push({ n, code: m.outlet.code });
  }
  const placeOfText: { n: string; p: string; c: string | null }[] = [];
  for (const { n } of places) {
    const p = locate(n);
    if (p) placeOfText.push({ n, p: p.provinceCode, c: p.cityCode });
  }
  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`DELETE FROM "TrackedShipmentsDay" WHERE day >= ${month}::date AND day < ${next}::date`;
      await tx.$executeRaw`DELETE FROM "TrackedShipmentsMonth" WHERE month = ${month}::date`;
      let rows = 0;
      if (outletOf.length)
        rows += await tx.$executeRaw`
        INSERT INTO "TrackedShipmentsDay" (kind, code, day, shipments)
        WITH m AS (SELECT * FROM jsonb_to_recordset(${JSON.stringify(outletOf)}::jsonb) AS m(n text, code text)),
        named AS (
          SELECT e."shipmentId", e.time, btrim(e.location) AS n FROM "TrackingEvent" e
          WHERE e.time >= ${start} AND e.time < ${end} AND e.location IS NOT NULL
          UNION ALL
          SELECT e."shipmentId", e.time, btrim((regexp_matches(e.description, '【([^】]{1,100})】', 'g'))[1])
          FROM "TrackingEvent" e
          WHERE e.time >= ${start} AND e.time < ${end} AND e.description LIKE '%【%'
        ),
        firsts AS (
          SELECT m.code, named."shipmentId", min(named.time) AS t
          FROM named JOIN m ON m.n = named.n GROUP BY m.code, named."shipmentId"
        )
        SELECT 'outlet', code, (t + ${CST})::date, count(*)::int FROM firsts GROUP BY code, (t + ${CST})::date
        ON CONFLICT (kind, code, day) DO UPDATE SET shipments = EXCLUDED.shipments`;
      if (placeOfText.length)
        rows += await tx.$executeRaw`
        INSERT INTO "TrackedShipmentsDay" (kind, code, day, shipments)
        WITH m AS (SELECT * FROM jsonb_to_recordset(${JSON.stringify(placeOfText)}::jsonb) AS m(n text, p text, c text)),
        s AS (
          SELECT s.id, (COALESCE(s."pickedUpAt", s."createdAt") + ${CST})::date AS day, s.origin, s.destination
          FROM "Shipment" s
          WHERE COALESCE(s."pickedUpAt", s."createdAt") >= ${start} AND COALESCE(s."pickedUpAt", s."createdAt") < ${end}
        ),
        placed AS (
          SELECT s.id, s.day, m.p, m.c FROM s JOIN m ON m.n = s.origin
          UNION SELECT s.id, s.day, m.p, m.c FROM s JOIN m ON m.n = s.destination
        )
        SELECT 'city', c, day, count(DISTINCT id)::int FROM placed WHERE c IS NOT NULL GROUP BY c, day
        UNION ALL
        SELECT 'province', p, day, count(DISTINCT id)::int FROM placed GROUP BY p, day
        ON CONFLICT (kind, code, day) DO UPDATE SET shipments = EXCLUDED.shipments`;
      await tx.$executeRaw`
        INSERT INTO "TrackedShipmentsMonth" (kind, code, month, shipments)
        SELECT kind, code, ${month}::date, sum(shipments)::int FROM "TrackedShipmentsDay"
        WHERE day >= ${month}::date AND day < ${next}::date GROUP BY kind, code`;
      return rows;
    },
    { maxWait: 10_000, timeout: 120_000 },
  ); // a busy month takes longer than Prisma's 5 s default
}

/**
 * Recomputes the months touched by shipments updated since the last run, less `overlapMs` (all
 * of them the first time, or after an outlet import or change). Returns the months recomputed.
 */
export async function refreshTrackedShipments(db: Db, overlapMs = OVERLAP_MS): Promise<string[]> {
  const state = await db.trackedShipmentsRefresh.findUnique({ where: { id: 1 } });
  const since = state?.since ?? new Date(0);
  // The database's clock, as the shipments' updatedAt is.
  const [clock] = await db.$queryRaw<{ now: Date }[]>`SELECT (now() AT TIME ZONE 'UTC') AS now`;
  const upTo = new Date((clock?.now ?? new Date()).getTime() - overlapMs);
  const rows = await db.$queryRaw<{ month: string }[]>`
    WITH s AS (SELECT id, COALESCE("pickedUpAt", "createdAt") AS t FROM "Shipment" WHERE "updatedAt" >= ${since})
    SELECT DISTINCT to_char(date_trunc('month', x.t + ${CST}), 'YYYY-MM-DD') AS month FROM (
      SELECT s.t FROM s
      UNION ALL SELECT e.time FROM "TrackingEvent" e JOIN s ON e."shipmentId" = s.id
    ) x ORDER BY 1`;
  for (const { month } of rows) await recomputeMonth(db, month);
  if (upTo > since)
    await db.trackedShipmentsRefresh.upsert({
      where: { id: 1 },
      create: { id: 1, since: upTo },
      update: { since: upTo },
    });
  return rows.map((r) => r.month);
}

/** The next run recomputes every month (outlets were imported or changed: matches may differ). */
export async function invalidateTrackedShipments(db: Db): Promise<void> {
  await db.trackedShipmentsRefresh.deleteMany({});
}

/** Refreshes every `everyMs` (default 10 minutes) through the scheduler, so one instance runs it. */
export async function scheduleTrackedShipments(
  db: Db,
  scheduler: Scheduler,
  log: Logger,
  everyMs = 10 * 60_000,
): Promise<void> {
  scheduler.handle(TRACKED_KIND, async () => {
    try {
      const t0 = Date.now();
      const months = await refreshTrackedShipments(db);
      if (months.length) log.info({ months, ms: Date.now() - t0 }, "tracked shipment counts refreshed");
    } finally {
      await scheduler.arm(TRACKED_KEY, new Date(Date.now() + everyMs));
    }
  });
  await scheduler.arm(TRACKED_KEY, new Date(Date.now() + 60_000));
}

/** Tracked parcels of the period: per place, per outlet, and per outlet and month where that is needed. */
export interface TrackedFigures {
  /** `kind:code` (city, province) → parcels. */
  places: Map<string, number>;
  /** Outlet code → its parcels over the period's months and in how many of them it was seen at all. */
  outlets: Map<string, { shipments: number; months: number }>;
  /**
   * Outlet code → month ("YYYY-MM-01") → parcels of the period's days in it, only for the outlets with
   * an imported count (OutletShipments) in one of the period's months: an imported month wins over
   * the tracked one, so only those need the months apart (outlet.report.ts, periodShipments).
   */
  outletMonths: Map<string, Map<string, number>>;
}

/**
 * Tracked parcels per place over the China-time days [from, to) touches (months with no row are
 * absent). Months the period covers whole are read from TrackedShipmentsMonth, the others from the days.
 */
export async function trackedShipments(db: Db, from: Date, to: Date): Promise<TrackedFigures> {
  const fromDay = new Date(from.getTime() + CST_MS).toISOString().slice(0, 10);
  const lastDay = new Date(to.getTime() - 1 + CST_MS).toISOString().slice(0, 10);
  const whole: string[] = [];
  const part: { month: string; next: string }[] = [];
  for (let m = `${fromDay.slice(0, 7)}-01`; m <= lastDay; ) {
    const { next } = monthRange(m);
    const lastOfMonth = new Date(Date.parse(`${next}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    if (m >= fromDay && lastOfMonth <= lastDay) whole.push(m);
    else part.push({ month: m, next });
    m = next;
    if (whole.length + part.length > 240) break;
  }
  const places = new Map<string, number>();
  const outlets = new Map<string, { shipments: number; months: number }>();
  const outletMonths = new Map<string, Map<string, number>>();
  if (!whole.length && !part.length) return { places, outlets, outletMonths };
  /** (kind, code, month, n) of the kinds `kinds`: the rows of each month, per place. */
  const rows = (kinds: Prisma.Sql): Prisma.Sql => {
    const queries: Prisma.Sql[] = [];
    if (whole.length)
      queries.push(Prisma.sql`
        SELECT kind, code, month, shipments AS n FROM "TrackedShipmentsMonth"
        WHERE kind IN (${kinds}) AND month IN (${Prisma.join(whole.map((m) => Prisma.sql`${m}::date`))})`);
    const dayMs = (d: string) => Date.parse(`${d}T00:00:00Z`);
    for (const p of part) {
      const loMs = Math.max(dayMs(fromDay), dayMs(p.month));
      const hiMs = Math.min(dayMs(lastDay), dayMs(p.next) - 86_400_000);
      const lo = new Date(loMs).toISOString().slice(0, 10);
      const hi = new Date(hiMs).toISOString().slice(0, 10);
      const covered = (hiMs - loMs) / 86_400_000 + 1;
      const days = (dayMs(p.next) - dayMs(p.month)) / 86_400_000;
      // Most of the month: its sum less the days outside the period (a month row is the sum of its
      // day rows, written together by recomputeMonth) — a day or two of rows, not the month's. The
      // kinds let the days come from the (kind, day) index, not a scan of the table.
      if (covered * 2 > days)
        queries.push(Prisma.sql`
          SELECT m.kind, m.code, ${p.month}::date AS month, (m.shipments - COALESCE(o.n, 0))::int AS n
          FROM "TrackedShipmentsMonth" m
          LEFT JOIN (
            SELECT kind, code, sum(shipments) AS n FROM "TrackedShipmentsDay"
            WHERE kind IN (${kinds})
              AND ((day >= ${p.month}::date AND day < ${lo}::date) OR (day > ${hi}::date AND day < ${p.next}::date))
            GROUP BY kind, code
          ) o ON o.kind = m.kind AND o.code = m.code
          WHERE m.kind IN (${kinds}) AND m.month = ${p.month}::date`);
      else
        queries.push(Prisma.sql`
          SELECT kind, code, ${p.month}::date AS month,
            COALESCE(sum(shipments) FILTER (WHERE day >= ${fromDay}::date AND day <= ${lastDay}::date), 0)::int AS n
          FROM "TrackedShipmentsDay"
          WHERE kind IN (${kinds}) AND day >= ${p.month}::date AND day < ${p.next}::date
          GROUP BY kind, code`);
    }
    return Prisma.join(queries, " UNION ALL ");
  };
  const months = [...whole, ...part.map((p) => p.month)];
  // Summed and shaped in SQL, each kind read apart (its rows estimated from the tables' statistics,
  // so grouped by hashing): a year is ~12 × (outlets + cities + provinces) month rows (~29,000 at
  // 2,000 outlets), which as rows cost the summary more to decode than to compute. Places come
  // back summed over the months; outlets summed with the number of months they were seen in, and
  // month by month only where an imported count may take a month's place.
  const [row] = await db.$queryRaw<
    {
      places: Record<string, number> | null;
      outlets: Record<string, [number, number]> | null;
      outlet_months: Record<string, Record<string, number>> | null;
    }[]
  >`
    WITH p AS (${rows(Prisma.sql`'city', 'province'`)}),
    o AS MATERIALIZED (${rows(Prisma.sql`'outlet'`)})
    SELECT
      (SELECT json_object_agg(p.key, p.n) FROM (
        SELECT kind || ':' || code AS key, sum(n) AS n FROM p GROUP BY kind, code
      ) p) AS places,
      (SELECT json_object_agg(s.code, json_build_array(s.n, s.months)) FROM (
        SELECT code, sum(n) AS n, count(*) AS months FROM o GROUP BY code
      ) s) AS outlets,
      (SELECT json_object_agg(m.code, m.months) FROM (
        SELECT code, json_object_agg(to_char(month, 'YYYY-MM-DD'), n) AS months FROM o
        WHERE code IN (SELECT "outletCode" FROM "OutletShipments"
                       WHERE month IN (${Prisma.join(months.map((m) => Prisma.sql`${m}::date`))}))
        GROUP BY code
      ) m) AS outlet_months`;
  for (const [key, n] of Object.entries(row?.places ?? {})) places.set(key, Number(n));
  for (const [code, [n, count]] of Object.entries(row?.outlets ?? {}))
    outlets.set(code, { shipments: Number(n), months: Number(count) });
  for (const [code, byMonth] of Object.entries(row?.outlet_months ?? {}))
    outletMonths.set(code, new Map(Object.entries(byMonth).map(([m, n]) => [m, Number(n)])));
  return { places, outlets, outletMonths };
}
