// Issue 19: embedded mode fires every clock a poll claimed in one statement. No warning is lost
// when its breach is due too, nothing fires twice (however many pollers and duplicate triggers),
// and two clocks of one ticket breaching in one batch raise its priority once per breach.
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../../src/db/client.js";
import { migrate } from "../../src/db/migrate.js";
import { InProcessBus } from "../../src/realtime/in-process.bus.js";
import { EmbeddedScheduler } from "../../src/scheduler/embedded.scheduler.js";
import { SlaService } from "../../src/sla/sla.service.js";
import { DB_KINDS } from "../support/app.js";
import { freshDataDir, freshPostgres } from "../support/databases.js";

const MINUTE = 60_000;
const T0 = new Date("2026-11-30T02:00:00.000Z");

describe.each(DB_KINDS)("SLA triggers in batches (%s)", (kind) => {
  const log = pino({ level: process.env.DEBUG_LOG ? "error" : "silent" });
  let db: Database;
  let cleanup: () => Promise<void> | void;
  let now = T0;
  let sla: SlaService;
  const schedulers: EmbeddedScheduler[] = [];
  let customerId: string;
  let serial = 0;

  beforeAll(async () => {
    if (kind === "pglite") {
      const d = freshDataDir();
      db = await openDatabase({ pgliteDir: `${d.dir}/pglite` });
      cleanup = d.remove;
    } else {
      const p = await freshPostgres();
      db = await openDatabase({ databaseUrl: p.url, pgliteDir: "" });
      cleanup = p.drop;
    }
    await migrate(db);
    // Pollers that are never started: each poll is called by the test, at the pinned time.
    for (let i = 0; i < 2; i++)
      schedulers.push(new EmbeddedScheduler(db.prisma, log, { pollMs: 1000, sql: db, now: () => now }));
    sla = new SlaService(db.prisma, schedulers[0] as EmbeddedScheduler, new InProcessBus(), log, {
      warnRatio: 0.8,
      sql: db,
      now: () => now,
    });
    // The second poller is another instance's: it fires the same clocks the same way.
    (schedulers[1] as EmbeddedScheduler).handleBatch("sla", (ids) => sla.fireMany(ids));
    await sla.seed();
    await db.prisma.group.create({ data: { code: "logistics", nameZh: "物流配送", nameEn: "Logistics" } });
    customerId = (await db.prisma.customer.create({ data: {}, select: { id: true } })).id;
  });
  afterAll(async () => {
    await db?.close();
    await cleanup?.();
  });

  /** Tickets with their three clocks started at `now` and armed, as TicketService does. */
  async function tickets(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const t = await db.prisma.ticket.create({
        data: {
          number: `202611-${String(++serial).padStart(5, "0")}`,
          category: "DELAY",
          groupCode: "logistics",
          customerId,
          channel: "phone",
          description: "延误",
        },
        select: { id: true },
      });
      const arms = await db.prisma.$transaction((tx) =>
        sla.startClocks(tx, t.id, { category: "DELAY", priority: "normal", groupCode: "logistics", complex: false }),
      );
      await sla.applyArms(arms);
      ids.push(t.id);
    }
    return ids;
  }

  const events = (ticketIds: string[]) =>
    db.prisma.ticketEvent.findMany({
      where: { ticketId: { in: ticketIds }, type: { in: ["sla.warning", "sla.breached"] } },
      orderBy: { id: "asc" },
    });

  it("a warning whose breach is also due is recorded, before the breach; both once", async () => {
    now = T0;
    const ids = await tickets(5);
    // Nobody polled for 31 minutes: every first-response clock is past its warning and its breach.
    now = new Date(T0.getTime() + 31 * MINUTE);
    expect(await (schedulers[0] as EmbeddedScheduler).pollOnce()).toBeGreaterThanOrEqual(5);
    const got = await events(ids);
    for (const id of ids) {
      const mine = got.filter((e) => e.ticketId === id);
      expect(mine.map((e) => [e.type, (e.data as { kind: string }).kind])).toEqual([
        ["sla.warning", "first_response"],
        ["sla.breached", "first_response"],
      ]);
    }
    const clocks = await db.prisma.slaClock.findMany({ where: { ticketId: { in: ids }, kind: "first_response" } });
    expect(clocks.map((c) => [c.state, c.warnedAt?.toISOString(), c.breachedAt?.toISOString()])).toEqual(
      ids.map(() => ["breached", now.toISOString(), now.toISOString()]),
    );
    // Polling again, and firing the same clocks again by hand, changes nothing.
    await (schedulers[0] as EmbeddedScheduler).pollOnce();
    await sla.fireMany(clocks.map((c) => c.id));
    expect(await events(ids)).toHaveLength(10);
  });

  it("concurrent pollers and duplicate triggers fire each clock's warning and breach exactly once", async () => {
    now = new Date(T0.getTime() + 60 * MINUTE);
    const ids = await tickets(20);
    const clockIds = (
      await db.prisma.slaClock.findMany({ where: { ticketId: { in: ids } }, select: { id: true } })
    ).map((c) => c.id);
    // Warning due for all first-response clocks: both pollers and a stray trigger at once.
    now = new Date(now.getTime() + 25 * MINUTE);
    await Promise.all([
      (schedulers[0] as EmbeddedScheduler).pollOnce(),
      (schedulers[1] as EmbeddedScheduler).pollOnce(),
      sla.fireMany(clockIds),
      sla.fireMany(clockIds),
    ]);
    // Then the breach, the same way (the warned clocks were re-armed for their due time).
    now = new Date(now.getTime() + 6 * MINUTE);
    await Promise.all([
      (schedulers[0] as EmbeddedScheduler).pollOnce(),
      (schedulers[1] as EmbeddedScheduler).pollOnce(),
      sla.fireMany(clockIds),
    ]);
    const got = await events(ids);
    expect(got.filter((e) => e.type === "sla.warning")).toHaveLength(20);
    expect(got.filter((e) => e.type === "sla.breached")).toHaveLength(20);
    const perClock = new Map<string, number>();
    for (const e of got) {
      const k = `${(e.data as { clockId: string }).clockId}:${e.type}`;
      perClock.set(k, (perClock.get(k) ?? 0) + 1);
    }
    expect([...perClock.values()].every((n) => n === 1)).toBe(true);
    // Nothing left to fire for these clocks until their resolution warning.
    const timers = await db.prisma.timer.findMany({ where: { dueAt: { lte: now } } });
    expect(timers.map((x) => [x.key, x.dueAt.toISOString(), x.lockedUntil?.toISOString(), x.attempts])).toEqual([]);
  });

  it("two clocks of one ticket breaching in one batch raise its priority once per breach", async () => {
    now = new Date(T0.getTime() + 3 * 60 * MINUTE);
    const [id] = (await tickets(1)) as [string];
    // A day and an hour later: first response and resolution both overdue, fired in one poll.
    now = new Date(now.getTime() + 25 * 60 * MINUTE);
    await (schedulers[0] as EmbeddedScheduler).pollOnce();
    const breaches = (await events([id])).filter((e) => e.type === "sla.breached");
    expect(breaches.map((e) => (e.data as { priorityFrom: string; priorityTo: string }).priorityTo)).toEqual([
      "high",
      "urgent",
    ]);
    expect(breaches.map((e) => (e.data as { priorityFrom: string }).priorityFrom)).toEqual(["normal", "high"]);
    expect((await db.prisma.ticket.findUniqueOrThrow({ where: { id } })).priority).toBe("urgent");
  });
});
