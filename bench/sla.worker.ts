// Child process of bench/sla.bench.ts: the SLA side of one instance (scheduler + SlaService),
// started the way the app starts it (reconcile, then fire). Prints JSON progress lines; the
// parent may SIGKILL it mid-run and start another on the same database.
import pino from "pino";
import { openDatabase } from "../src/db/client.js";
import { InProcessBus } from "../src/realtime/in-process.bus.js";
import { BullmqScheduler, queueNameFor } from "../src/scheduler/bullmq.scheduler.js";
import { EmbeddedScheduler } from "../src/scheduler/embedded.scheduler.js";
import type { Scheduler } from "../src/scheduler/scheduler.js";
import { SlaService } from "../src/sla/sla.service.js";

const log = pino({ level: "warn" });
const url = process.env.BENCH_DATABASE_URL;
const db = await openDatabase({ databaseUrl: url, pgliteDir: process.env.BENCH_PGLITE_DIR ?? "", poolSize: 20 });
const scheduler: Scheduler =
  url && process.env.BENCH_REDIS_URL
    ? new BullmqScheduler(
        db.prisma,
        { url: process.env.BENCH_REDIS_URL, queueName: queueNameFor(url), concurrency: 50 },
        log,
      )
    : new EmbeddedScheduler(db.prisma, log, { pollMs: 100, batchSize: 500, sql: db });
const sla = new SlaService(db.prisma, scheduler, new InProcessBus(), log, { warnRatio: 0.8, sql: db });
const t0 = Date.now();
await scheduler.start();
const armed = await sla.reconcile();
const reconcileMs = Date.now() - t0;
let peakHeap = 0;
let peakRss = 0;
const timer = setInterval(async () => {
  const m = process.memoryUsage();
  peakHeap = Math.max(peakHeap, m.heapUsed);
  peakRss = Math.max(peakRss, m.rss);
  const [breached, warned] = await Promise.all([
    db.prisma.slaClock.count({ where: { state: "breached" } }),
    db.prisma.slaClock.count({ where: { warnedAt: { not: null } } }),
  ]);
  process.stdout.write(
    `${JSON.stringify({ breached, warned, armed, reconcileMs, heapMB: +(m.heapUsed / 2 ** 20).toFixed(1), peakHeapMB: +(peakHeap / 2 ** 20).toFixed(1), peakRssMB: +(peakRss / 2 ** 20).toFixed(1) })}\n`,
  );
}, 1000);
process.on("SIGTERM", async () => {
  clearInterval(timer);
  await scheduler.stop();
  await db.close();
  process.exit(0);
});
