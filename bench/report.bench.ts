// `npx tsx bench/report.bench.ts [--quick] [--live] [--dirty=N]`: dashboard summary time over generated data in
// PostgreSQL (target ≤ 500 ms over 1,000,000 tickets and 500,000 answered surveys).
// Data: tickets spread over the last 365 days with 3 SLA clocks each, 600,000 surveys sent
// (500,000 answered), 50 agents in 4 groups; 2,000,000 parcels picked up over the same year in
// all 395 cities, tracked through 2,000 outlets (2 events each, bench/tracking-data.ts) and counted
// per place-day as the scheduled job does (TrackedShipmentsDay/Month), so the per-10,000-parcel
// rates by province, city and outlet are computed over a full year; 90% of the tickets have a
// city (big cities more often), 90% a stage and 70% an outlet. Prints one line per query shape
// (median and worst of 7 runs after a warm-up), then the JSON of the figures.
import pg from "pg";
import type { Db } from "../src/db/client.js";
import { openDatabase } from "../src/db/client.js";
import { migrate } from "../src/db/migrate.js";
import { allCities, shortName } from "../src/places/divisions.js";
import { DEFAULT_REPORT_CONFIG } from "../src/reports/report.config.js";
import { refreshRollup } from "../src/reports/report.rollup.js";
import { ReportService } from "../src/reports/report.service.js";
import { refreshTrackedShipments } from "../src/reports/tracked-shipments.js";
import { freshPostgres, TEST_DATABASE_URL } from "../test/support/databases.js";
import { generateTracking } from "./tracking-data.js";

const quick = process.argv.includes("--quick");
const TICKETS = quick ? 100_000 : 1_000_000;
const SURVEYS = quick ? 60_000 : 600_000;
const ANSWERED = quick ? 50_000 : 500_000;
const SHIPMENTS = quick ? 200_000 : 2_000_000;
const OUTLETS = quick ? 200 : 2_000;
const RUNS = 7;
/** --live: no rollup (the base-table queries alone); --dirty=N: N rolled-up days marked changed. */
const live = process.argv.includes("--live");
const dirtyDays = Number(process.argv.find((a) => a.startsWith("--dirty="))?.slice(8) ?? 0);

async function generate(url: string, prisma: Db): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  c.on("error", (err) => console.error("generator connection:", err.message));
  await c.connect();
  const t0 = Date.now();
  const cities = allCities();
  // Pickups on the 365 China-time days up to today (00:00 China time is 16:00 UTC the day before).
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const firstPickup = `${new Date(Date.parse(today) - 366 * 86_400_000).toISOString().slice(0, 10)} 16:00`;
  // A kept database (REPORT_BENCH_URL) whose tracking was generated and counted already keeps it.
  const tracked = await c.query(`SELECT EXISTS (SELECT 1 FROM "TrackedShipmentsMonth") AS any`);
  if (tracked.rows[0].any) console.log("reusing the generated tracking");
  else
    await generateTracking(c, {
      cities: cities.map((p) => shortName(p.city ?? "")),
      outlets: OUTLETS,
      parcels: SHIPMENTS,
      firstPickup,
      days: 365,
      events: 2,
    });
  for (const table of ["Outlet", "Shipment", "TrackingEvent"]) await c.query(`VACUUM ANALYZE "${table}"`);
  const t1 = Date.now();
  const months = await refreshTrackedShipments(prisma, 0);
  const counted = await c.query(
    `SELECT kind, count(*)::int AS n FROM "TrackedShipmentsDay" GROUP BY kind ORDER BY kind`,
  );
  console.log(
    `tracking: ${SHIPMENTS} parcels, ${OUTLETS} outlets in ${((t1 - t0) / 1000).toFixed(0)} s; counted ${months.length} months in ${((Date.now() - t1) / 1000).toFixed(0)} s: ${counted.rows.map((r) => `${r.n} ${r.kind}-days`).join(", ")}`,
  );
  await c.query(`
    INSERT INTO "Customer" (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'bench') ON CONFLICT DO NOTHING;
    INSERT INTO "Agent" (id, username, "displayName", "passwordHash", role)
      SELECT ('00000000-0000-0000-0001-' || lpad(i::text, 12, '0'))::uuid, 'agent' || i, '客服' || i, 'x', 'agent'
      FROM generate_series(1, 50) i ON CONFLICT DO NOTHING;`);
  // Tickets over the last year; 90% resolved within 0–72 h, 10% of those reopened once. Stored in
  // the order they were opened, as a real table fills: the early-warning queries read the last week
  // by createdAt, which scattered over the whole table cost ~1 s of random reads (65 ms in order).
  await c.query(
    `
    INSERT INTO "Ticket" (id, number, category, status, "groupCode", "assigneeId", "customerId", channel, description,
                          "createdAt", "updatedAt", "firstResponseAt", "resolvedAt", "reopenedCount",
                          "provinceCode", "cityCode", stage, "outletCode")
    SELECT gen_random_uuid(), 'B' || lpad(i::text, 9, '0'),
      (ARRAY['DELAY','DELAY','DELAY','LOSS','DAMAGE','STAFF_ATTITUDE','IMPROPER_CHARGE','DELIVERY_SERVICE','PICKUP_SERVICE','TRACKING_INFO','COD','AFTER_SALES','OTHER'])[1 + (i % 13)],
      CASE WHEN r < 0.9 THEN 'closed' ELSE 'open' END,
      (ARRAY['logistics','after_sales','product_quality','legal'])[1 + (i % 4)],
      ('00000000-0000-0000-0001-' || lpad((1 + i % 50)::text, 12, '0'))::uuid,
      '00000000-0000-0000-0000-000000000001', 'webchat', '快递延误',
      created, created, created + (random() * interval '60 minutes'),
      CASE WHEN r < 0.9 THEN created + (random() * interval '72 hours') END,
      CASE WHEN r < 0.09 THEN 1 ELSE 0 END,
      CASE WHEN i % 10 <> 0 THEN ($1::text[])[place] END, CASE WHEN i % 10 <> 0 THEN ($2::text[])[place] END,
      CASE WHEN i % 10 <> 5 THEN (ARRAY['pickup','transit','transit','delivery','delivery','delivery','after_delivery'])[1 + (i / 10) % 7] END,
      CASE WHEN i % 10 < 7 THEN 'O' || lpad((1 + (i::bigint * 7919) % ${OUTLETS})::text, ${Math.max(4, String(OUTLETS).length)}, '0') END
    FROM (SELECT i, random() AS r, now() - (random() * interval '365 days') AS created,
            1 + floor(cardinality($2::text[]) * random() ^ 3)::int AS place
          FROM generate_series(1, ${TICKETS}) i) g
    ORDER BY created`,
    [cities.map((p) => p.provinceCode), cities.map((p) => p.cityCode)],
  );
  await c.query(`
    INSERT INTO "SlaClock" (id, "ticketId", kind, "policyName", "calendarId", "targetMinutes", "startedAt", "dueAt", "warnAt", state)
    SELECT gen_random_uuid(), t.id, k.kind, 'default.' || k.kind, '24x7', k.minutes, t."createdAt",
      t."createdAt" + make_interval(mins => k.minutes), t."createdAt" + make_interval(mins => (k.minutes * 0.8)::int),
      CASE WHEN t."resolvedAt" IS NULL THEN 'running'
           WHEN t."resolvedAt" <= t."createdAt" + make_interval(mins => k.minutes) THEN 'met' ELSE 'breached' END
    FROM "Ticket" t CROSS JOIN (VALUES ('first_response', 30), ('resolution', 1440), ('regulatory', 10080)) k(kind, minutes)`);
  // Surveys for resolved tickets: sent 5 minutes after resolution, most answered.
  await c.query(`
    INSERT INTO "Survey" (id, "ticketId", "conversationId", channel, status, "sendAt", "sentAt", "closesAt", "answeredAt",
                          overall, stars, fcr, speed, effect, attitude, nps, comment, "groupCode", "agentId", category)
    SELECT gen_random_uuid(), t.id, gen_random_uuid(), 'webchat', CASE WHEN n <= ${ANSWERED} THEN 'completed' ELSE 'expired' END,
      t."resolvedAt" + interval '5 minutes', t."resolvedAt" + interval '5 minutes', t."resolvedAt" + interval '72 hours',
      CASE WHEN n <= ${ANSWERED} THEN t."resolvedAt" + interval '20 minutes' END,
      CASE WHEN n > ${ANSWERED} THEN NULL WHEN r < 0.7 THEN 'satisfied' WHEN r < 0.88 THEN 'basically_satisfied' ELSE 'dissatisfied' END,
      CASE WHEN n <= ${ANSWERED} AND n % 3 = 0 THEN 1 + (n % 5) END,
      CASE WHEN n <= ${ANSWERED} AND r >= 0.88 THEN r > 0.95 END,
      CASE WHEN n <= ${ANSWERED} THEN 1 + (n % 5) END, CASE WHEN n <= ${ANSWERED} THEN 1 + ((n / 5) % 5) END,
      CASE WHEN n <= ${ANSWERED} THEN 1 + ((n / 25) % 5) END, CASE WHEN n <= ${ANSWERED} THEN n % 11 END,
      CASE WHEN n <= ${ANSWERED} AND n % 50 = 0 THEN '希望再快一点' END,
      t."groupCode", t."assigneeId", t.category
    FROM (SELECT t.*, row_number() OVER () AS n, random() AS r FROM "Ticket" t WHERE t."resolvedAt" IS NOT NULL LIMIT ${SURVEYS}) t`);
  for (const table of ["Ticket", "SlaClock", "Survey"]) await c.query(`VACUUM ANALYZE "${table}"`);
  const counts = await c.query(`SELECT (SELECT count(*) FROM "Ticket") t, (SELECT count(*) FROM "SlaClock") c,
    (SELECT count(*) FROM "Survey") s, (SELECT count(*) FROM "Survey" WHERE "answeredAt" IS NOT NULL) a, (SELECT count(*) FROM "Shipment") sh`);
  const r = counts.rows[0];
  console.log(
    `generated ${r.t} tickets, ${r.c} SLA clocks, ${r.s} surveys (${r.a} answered), ${r.sh} shipments in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
  );
  await c.end();
}

/**
 * REPORT_BENCH_URL=postgresql://…/kd_report_bench reuses that database (generating the data
 * only when it has no tickets, and keeping it afterwards); otherwise a fresh one is made and dropped.
 */
async function database(): Promise<{ url: string; drop: () => Promise<void> }> {
  const url = process.env.REPORT_BENCH_URL;
  if (!url) return freshPostgres();
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  const name = new URL(url).pathname.slice(1);
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name.replace(/"/g, "")}"`);
  await admin.end();
  return { url, drop: async () => {} };
}

async function hasTickets(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query(`SELECT EXISTS (SELECT 1 FROM "Ticket") AS any`);
    return r.rows[0].any === true;
  } finally {
    await c.end();
  }
}

/**
 * What autovacuum does on a default server, done at once (this machine's PostgreSQL runs with
 * autovacuum off): the rollup tables just written get their statistics (never analysed, the
 * planner guesses a few rows each), and ReportDirtyDay loses the mark rows the refresh deleted —
 * one per row the generator wrote (~6.6 million at 1M tickets); left dead, every summary's probe
 * of the covered days walked them (~0.9 s at 100k tickets, index-only scans with heap fetches).
 */
async function vacuumReports(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const t0 = performance.now();
    const tables = await c.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()
         AND (tablename LIKE 'Report%' OR tablename LIKE 'TrackedShipments%') ORDER BY 1`,
    );
    for (const { name } of tables.rows) await c.query(`VACUUM ANALYZE "${name}"`);
    console.log(`vacuum analyze of ${tables.rowCount} report tables in ${(performance.now() - t0).toFixed(0)} ms`);
  } finally {
    await c.end();
  }
}

async function main(): Promise<void> {
  const p = await database();
  const db = await openDatabase({ databaseUrl: p.url, pgliteDir: "" });
  try {
    await migrate(db);
    if (await hasTickets(p.url)) console.log("reusing the generated data in", new URL(p.url).pathname.slice(1));
    else await generate(p.url, db.prisma);
    if (live) {
      // Everything computed from the base tables (the rollup forgotten).
      await db.prisma.$executeRaw`DELETE FROM "ReportRollupDay"`;
      console.log("live only: no rollup");
    } else {
      const t0 = performance.now();
      const r = await refreshRollup(db.prisma, { budgetMs: Number.POSITIVE_INFINITY });
      console.log(`rollup refresh: ${r.days} days in ${(performance.now() - t0).toFixed(0)} ms`);
      await vacuumReports(p.url);
      if (dirtyDays > 0) {
        // Days changed since the last refresh (marked by the triggers) are computed live.
        await db.prisma.$executeRaw`INSERT INTO "ReportDirtyDay" (day)
          SELECT (now() AT TIME ZONE 'UTC')::date - (3 + 30 * g) FROM generate_series(0, ${dirtyDays - 1}) g`;
        console.log(`${dirtyDays} dirty days (one a month)`);
      }
    }
    const reports = new ReportService(db.prisma, DEFAULT_REPORT_CONFIG);
    const now = new Date();
    const ago = (days: number) => new Date(now.getTime() - days * 86_400_000);
    const shapes = [
      { name: "last 30 days", f: { from: ago(30), to: now } },
      { name: "last 90 days", f: { from: ago(90), to: now } },
      { name: "whole year (all data)", f: { from: ago(366), to: now } },
      { name: "whole year, one group", f: { from: ago(366), to: now, group: "logistics" } },
      {
        name: "whole year, one agent",
        f: { from: ago(366), to: now, agentId: "00000000-0000-0000-0001-000000000007" },
      },
    ];
    const results: Record<string, { medianMs: number; maxMs: number }> = {};
    for (const shape of shapes) {
      await reports.summary(shape.f); // warm-up
      const times: number[] = [];
      let complaints = 0;
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        const s = await reports.summary(shape.f);
        times.push(performance.now() - t0);
        complaints = s.complaints.total;
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(RUNS / 2)] ?? 0;
      const max = times[RUNS - 1] ?? 0;
      results[shape.name] = { medianMs: Math.round(median), maxMs: Math.round(max) };
      console.log(
        `summary ${shape.name.padEnd(24)} ${String(complaints).padStart(8)} tickets  median ${median.toFixed(0).padStart(5)} ms  max ${max.toFixed(0).padStart(5)} ms`,
      );
    }
    console.log(JSON.stringify({ tickets: TICKETS, surveysAnswered: ANSWERED, results }));
  } finally {
    await db.close();
    await p.drop();
  }
}

await main();
