// `npx tsx bench/tracked-shipments.bench.ts [--quick]`: the tracked-parcel counter (issue 23) over generated
// tracking in PostgreSQL — 1,000 outlets in 10 cities, 200,000 parcels (--quick: 20,000) in one month with
// 4 events each naming their outlets in the ways carriers write them; times the full count, an incremental
// run after new tracking, and the summary's extra query over the counted month.
import pg from "pg";
import { openDatabase } from "../src/db/client.js";
import { migrate } from "../src/db/migrate.js";
import { refreshTrackedShipments, trackedShipments } from "../src/reports/tracked-shipments.js";
import { freshPostgres } from "../test/support/databases.js";
import { generateTracking } from "./tracking-data.js";

const quick = process.argv.includes("--quick");
const PARCELS = quick ? 20_000 : 200_000;

async function main(): Promise<void> {
  const p = await freshPostgres();
  const db = await openDatabase({ databaseUrl: p.url, pgliteDir: "" });
  const c = new pg.Client({ connectionString: p.url });
  await c.connect();
  try {
    await migrate(db);
    const cities = ["杭州", "宁波", "温州", "金华", "苏州", "南京", "无锡", "广州", "深圳", "东莞"];
    const t0 = performance.now();
    await generateTracking(c, {
      cities,
      outlets: 1000,
      parcels: PARCELS,
      firstPickup: "2026-10-31 16:00",
      days: 30,
    });
    await c.query("ANALYZE");
    console.log(`generated ${PARCELS} parcels, ${PARCELS * 4} events in ${Math.round(performance.now() - t0)} ms`);

    let t = performance.now();
    const months = await refreshTrackedShipments(db.prisma, 0);
    console.log(`full count: ${months.join(", ")} in ${Math.round(performance.now() - t)} ms`);
    const rows = await c.query(
      `SELECT kind, count(*)::int AS n, sum(shipments)::int AS parcels FROM "TrackedShipmentsDay" GROUP BY kind ORDER BY kind`,
    );
    console.log(JSON.stringify(rows.rows));

    await c.query(`UPDATE "Shipment" SET "updatedAt" = now() WHERE waybill = 'W1'`);
    t = performance.now();
    const again = await refreshTrackedShipments(db.prisma, 0);
    console.log(`incremental (one parcel changed): ${again.join(", ")} in ${Math.round(performance.now() - t)} ms`);
    t = performance.now();
    await refreshTrackedShipments(db.prisma, 0);
    console.log(`nothing changed: ${Math.round(performance.now() - t)} ms`);

    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      t = performance.now();
      await trackedShipments(db.prisma, new Date("2026-10-31T16:00:00Z"), new Date("2026-11-30T16:00:00Z"));
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    console.log(`summary's tracked-parcel query, one month: median ${Math.round(times[3]!)} ms`);
  } finally {
    await c.end();
    await db.close();
    await p.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
