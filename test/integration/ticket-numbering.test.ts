import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../../src/db/client.js";
import { migrate } from "../../src/db/migrate.js";
import { InProcessBus } from "../../src/realtime/in-process.bus.js";
import { EmbeddedScheduler, runLimited } from "../../src/scheduler/embedded.scheduler.js";
import { SlaService } from "../../src/sla/sla.service.js";
import { TicketService } from "../../src/tickets/ticket.service.js";
import { freshPostgres } from "../support/databases.js";

const log = pino({ level: "silent" });
/** Tickets each of the two instances creates. */
const PER_INSTANCE = 200;

/** One "instance": its own PrismaClient (connection pool), scheduler and services on the shared database. */
function instance(db: Database, now?: () => Date): TicketService {
  const scheduler = new EmbeddedScheduler(db.prisma, log, { pollMs: 1000 });
  const bus = new InProcessBus();
  const sla = new SlaService(db.prisma, scheduler, bus, log, { warnRatio: 0.8, sql: db });
  return new TicketService(
    db.prisma,
    sla,
    { sendToConversation: async () => Promise.reject(new Error("unused")) },
    bus,
    log,
    { sql: db, ...(now ? { now } : {}) },
  );
}

describe("ticket numbers under concurrency (PostgreSQL, two instances)", () => {
  let a: Database;
  let b: Database;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const pg = await freshPostgres();
    drop = pg.drop;
    // 40 requests in flight per pool of 10 queue for connections: on a loaded test machine a queued
    // one waited past the 5 s default and failed the run. This test is about numbers, not queueing.
    const pool = { pgliteDir: "", poolSize: 10, connectionTimeoutMs: 120_000 };
    a = await openDatabase({ databaseUrl: pg.url, ...pool });
    b = await openDatabase({ databaseUrl: pg.url, ...pool });
    await migrate(a);
    const ta = instance(a);
    await ta.seedGroups();
    // The SLA policies the tickets' clocks need (a service of its own, not reached through TicketService).
    await new SlaService(a.prisma, new EmbeddedScheduler(a.prisma, log, { pollMs: 1000 }), new InProcessBus(), log, {
      warnRatio: 0.8,
      sql: a,
    }).seed();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await drop?.();
  });

  // 400 tickets: each instance keeps 40 creations in flight against its pool of 10 throughout, the
  // contention that breaks a read-then-write counter in the first few dozen (1,000 took ~1 min
  // of the suite's budget for the same concurrency).
  it("400 tickets created concurrently by two instances get 400 distinct numbers", async () => {
    const [ta, tb] = [instance(a), instance(b)];
    // Each instance works like a loaded server: 40 requests in flight against its pool of 10.
    const create = (svc: TicketService, i: number) =>
      svc.create(
        { category: "DELAY", description: `并发 ${i}`, customerPhone: `139${String(i).padStart(8, "0")}` },
        { type: "system" },
      );
    const created: { number: string }[] = [];
    await Promise.all(
      [ta, tb].map((svc, k) =>
        runLimited(
          Array.from({ length: PER_INSTANCE }, (_, i) => k * PER_INSTANCE + i),
          40,
          async (i) => {
            created.push(await create(svc, i));
          },
        ),
      ),
    );
    const numbers = created.map((t) => t.number);
    expect(new Set(numbers).size).toBe(2 * PER_INSTANCE);
    for (const n of numbers) expect(n).toMatch(/^\d{6}-\d{5}$/);
    const serials = numbers.map((n) => Number(n.slice(7))).sort((x, y) => x - y);
    expect(serials.at(-1)! - serials[0]!).toBe(2 * PER_INSTANCE - 1); // no failed creation, so not even a gap
    expect(await a.prisma.ticket.count()).toBe(2 * PER_INSTANCE);
    expect(await a.prisma.slaClock.count()).toBe(3 * 2 * PER_INSTANCE);
    // ~8 s on a quiet machine, more when the machine is shared: a bound, not a timing check.
  }, 300_000);

  it("the serial restarts at 00001 when the month turns in Shanghai (001 第八条), not in UTC", async () => {
    let clock = new Date("2026-01-31T15:58:00Z"); // 31 Jan 23:58 in Shanghai
    const svc = instance(a, () => clock);
    const create = async (i: number) =>
      (
        await svc.create(
          { category: "DELAY", description: `跨月 ${i}`, customerPhone: `137${String(i).padStart(8, "0")}` },
          { type: "system" },
        )
      ).number;
    expect([await create(1), await create(2)]).toEqual(["202601-00001", "202601-00002"]);
    clock = new Date("2026-01-31T16:00:00Z"); // 1 Feb 00:00 in Shanghai (still January in UTC)
    expect([await create(3), await create(4)]).toEqual(["202602-00001", "202602-00002"]);
    clock = new Date("2026-02-28T16:00:00Z"); // 1 Mar 00:00 in Shanghai
    expect(await create(5)).toBe("202603-00001");
  });
});
