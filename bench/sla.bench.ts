// `npx tsx bench/sla.bench.ts [--quick] [--embedded|--scale] [--no-kill]`
// N running SLA clocks of which D fall due (warning, then breach) within the same minute.
// Measures trigger lateness (event time − due time, p50/p99/max), the worker's memory, and,
// unless --no-kill, SIGKILLs the worker in the middle of the minute and starts a new one:
// afterwards every due clock must show exactly one breach and at most one warning.
import { type ChildProcess, spawn } from "node:child_process";
import { Redis } from "ioredis";
import pino from "pino";
import { openDatabase } from "../src/db/client.js";
import { migrate } from "../src/db/migrate.js";
import { InProcessBus } from "../src/realtime/in-process.bus.js";
import { queueNameFor } from "../src/scheduler/bullmq.scheduler.js";
import { EmbeddedScheduler } from "../src/scheduler/embedded.scheduler.js";
import { SlaService } from "../src/sla/sla.service.js";
import { freshDataDir, freshPostgres, TEST_REDIS_URL } from "../test/support/databases.js";

const quick = process.argv.includes("--quick");
const kill = !process.argv.includes("--no-kill");
const only = process.argv.find((a) => a === "--embedded" || a === "--scale");
const N = quick ? 10_000 : 100_000;
const D = quick ? 1_000 : 10_000;
const LEAD_S = quick ? 30 : 150; // time for the worker to start and re-arm every clock before the minute starts
const WARN_GAP_S = 15; // warning 15 s before the breach

interface Progress {
  breached: number;
  warned: number;
  armed: number;
  reconcileMs: number;
  heapMB: number;
  peakHeapMB: number;
  peakRssMB: number;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function run(mode: "embedded" | "scale") {
  const log = pino({ level: "silent" });
  const env: Record<string, string> = {};
  let cleanup: () => Promise<void> | void;
  let dbOpts: { databaseUrl?: string; pgliteDir: string };
  if (mode === "embedded") {
    const d = freshDataDir();
    dbOpts = { pgliteDir: `${d.dir}/pglite` };
    env.BENCH_PGLITE_DIR = dbOpts.pgliteDir;
    cleanup = d.remove;
  } else {
    const p = await freshPostgres();
    dbOpts = { databaseUrl: p.url, pgliteDir: "" };
    env.BENCH_DATABASE_URL = p.url;
    env.BENCH_REDIS_URL = TEST_REDIS_URL;
    cleanup = async () => {
      const r = new Redis(TEST_REDIS_URL);
      const keys = await r.keys(`*${queueNameFor(p.url)}*`);
      for (let i = 0; i < keys.length; i += 1000) await r.del(...keys.slice(i, i + 1000));
      await r.quit();
      await p.drop();
    };
  }

  // Setup: N tickets with running first-response clocks; D of them warn and breach within one minute.
  let db = await openDatabase(dbOpts);
  await migrate(db);
  const sla = new SlaService(
    db.prisma,
    new EmbeddedScheduler(db.prisma, log, { pollMs: 1000, sql: db }),
    new InProcessBus(),
    log,
    {
      warnRatio: 0.8,
      sql: db,
    },
  );
  await sla.seed();
  await db.prisma.group.create({ data: { code: "logistics", nameZh: "物流配送", nameEn: "Logistics" } });
  const customer = await db.prisma.customer.create({ data: {}, select: { id: true } });
  const windowStart = Date.now() + LEAD_S * 1000;
  const t0 = Date.now();
  await db.query(
    `INSERT INTO "Ticket" (id, number, category, "groupCode", "customerId", channel, description, "updatedAt")
     SELECT gen_random_uuid(), 'B' || lpad(i::text, 7, '0'), 'DELAY', 'logistics', $1::uuid, 'phone', 'bench', now()
     FROM generate_series(1, $2::int) AS i`,
    [customer.id, N],
  );
  // Due clocks: breach spread evenly over one minute; the rest are due in a week.
  await db.query(
    `INSERT INTO "SlaClock" (id, "ticketId", kind, "policyName", "calendarId", "targetMinutes", "startedAt", "dueAt", "warnAt", "nextFireAt")
     SELECT gen_random_uuid(), t.id, 'first_response', 'first_response', '24x7', 30, now(), d.due, d.due - interval '${WARN_GAP_S} seconds', d.due - interval '${WARN_GAP_S} seconds'
     FROM (SELECT id, row_number() OVER (ORDER BY number) AS n FROM "Ticket") t
     CROSS JOIN LATERAL (SELECT CASE WHEN t.n <= $1 THEN to_timestamp(($2::bigint + (t.n * 60000 / $1)) / 1000.0) AT TIME ZONE 'UTC'
                                     ELSE now() + interval '7 days' END AS due) d`,
    [D, windowStart],
  );
  const setupMs = Date.now() - t0;
  if (mode === "embedded") await db.close();

  const workerEnv = { ...process.env, ...env };
  const spawnWorker = () => {
    const child = spawn(process.execPath, ["--import", "tsx", "bench/sla.worker.ts"], {
      env: workerEnv,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let last: Progress | undefined;
    let buf = "";
    child.stdout?.on("data", (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split("\n");
      buf = lines.pop() ?? "";
      for (const l of lines) if (l.startsWith("{")) last = JSON.parse(l) as Progress;
    });
    return { child, progress: () => last };
  };
  const exited = (c: ChildProcess) =>
    new Promise((r) => (c.exitCode !== null || c.signalCode ? r(null) : c.once("exit", r)));

  let w = spawnWorker();
  let killedAt: number | undefined;
  const firstProgress: Progress[] = [];
  const deadline = windowStart + 60_000 + 120_000;
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const p = w.progress();
    if (p && !killedAt) firstProgress[0] = p;
    if (kill && !killedAt && Date.now() > windowStart + 25_000) {
      w.child.kill("SIGKILL");
      await exited(w.child);
      killedAt = Date.now();
      w = spawnWorker();
    }
    if (p && p.breached >= D && (!kill || killedAt)) break;
    if (Date.now() > deadline) throw new Error(`not all clocks breached in time: ${JSON.stringify(p)}`);
  }
  const final = w.progress()!;
  w.child.kill("SIGTERM");
  await exited(w.child);

  db = await openDatabase(dbOpts);
  const lateness = await db.query<{ type: string; ms: number }>(
    `SELECT e.type, EXTRACT(EPOCH FROM (e.at - CASE WHEN e.type = 'sla.warning' THEN c."warnAt" ELSE c."dueAt" END)) * 1000 AS ms
     FROM "TicketEvent" e JOIN "SlaClock" c ON c.id = (e.data->>'clockId')::uuid
     WHERE e.type IN ('sla.warning', 'sla.breached')`,
  );
  const dup = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT e.data->>'clockId', e.type FROM "TicketEvent" e
       WHERE e.type IN ('sla.warning','sla.breached') GROUP BY 1, 2 HAVING count(*) > 1) x`,
  );
  const perClock = await db.query<{ breaches: number; warnings: number; early: number }>(
    `SELECT count(*) FILTER (WHERE c.state = 'breached')::int AS breaches,
            count(*) FILTER (WHERE c."warnedAt" IS NOT NULL)::int AS warnings,
            count(*) FILTER (WHERE c.state <> 'running' AND c."dueAt" > now() + interval '1 day')::int AS early
     FROM "SlaClock" c`,
  );
  await db.close();
  await cleanup();

  const figures = (type: string) => {
    const ms = lateness
      .filter((l) => l.type === type)
      .map((l) => Number(l.ms))
      .sort((a, b) => a - b);
    return {
      count: ms.length,
      p50: Math.round(pct(ms, 50)),
      p99: Math.round(pct(ms, 99)),
      max: Math.round(ms[ms.length - 1] ?? 0),
    };
  };
  const onTime = (type: string) => {
    // Lateness of triggers that were not due during the kill gap.
    const ms = lateness
      .filter((l) => l.type === type)
      .map((l) => Number(l.ms))
      .sort((a, b) => a - b);
    return ms.filter((x) => x < 2000).length;
  };
  return {
    mode,
    clocks: N,
    dueInOneMinute: D,
    setupMs,
    reconcileMs: firstProgress[0]?.reconcileMs,
    armedAtStart: firstProgress[0]?.armed,
    warning: figures("sla.warning"),
    breach: figures("sla.breached"),
    warningsUnder2s: onTime("sla.warning"),
    breachesUnder2s: onTime("sla.breached"),
    killed: kill ? `SIGKILL at window+25 s, restart took ${killedAt ? "<1 s spawn" : "-"}` : "no",
    breachedClocks: perClock[0]?.breaches,
    warnedClocks: perClock[0]?.warnings,
    wronglyStoppedClocks: perClock[0]?.early,
    duplicateEvents: dup[0]?.n,
    workerPeakHeapMB: Math.max(firstProgress[0]?.peakHeapMB ?? 0, final.peakHeapMB),
    workerPeakRssMB: Math.max(firstProgress[0]?.peakRssMB ?? 0, final.peakRssMB),
  };
}

const results = [];
for (const mode of ["embedded", "scale"] as const) {
  if (only && only !== `--${mode}`) continue;
  const r = await run(mode);
  console.log(JSON.stringify(r, null, 2));
  results.push(r);
}
console.log(JSON.stringify(results));
process.exit(0);
