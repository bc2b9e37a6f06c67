import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll } from "vitest";
import { type Database, openDatabase } from "../../src/db/client.js";
import { migrate } from "../../src/db/migrate.js";
import { BullmqScheduler } from "../../src/scheduler/bullmq.scheduler.js";
import { EmbeddedScheduler } from "../../src/scheduler/embedded.scheduler.js";
import type { Scheduler } from "../../src/scheduler/scheduler.js";
import { freshDataDir, freshPostgres, TEST_REDIS_URL } from "../support/databases.js";
import { type SchedulerHarness, schedulerContract, until } from "./scheduler.contract.js";

const log = pino({ level: "silent" });

type Kind = "pglite" | "postgres";

async function database(kind: Kind): Promise<{ db: Database; cleanup: () => Promise<void> }> {
  let db: Database;
  let cleanup: () => Promise<void> | void;
  if (kind === "pglite") {
    const d = freshDataDir();
    db = await openDatabase({ pgliteDir: d.dir });
    cleanup = d.remove;
  } else {
    const p = await freshPostgres();
    db = await openDatabase({ databaseUrl: p.url, pgliteDir: "" });
    cleanup = p.drop;
  }
  await migrate(db);
  return {
    db,
    cleanup: async () => {
      await db.close();
      await cleanup();
    },
  };
}

// One database per kind for the whole file (each test's Timer rows are cleared after it).
const shared = new Map<Kind, Promise<{ db: Database; cleanup: () => Promise<void> }>>();
const sharedDatabase = (kind: Kind) => {
  if (!shared.has(kind)) shared.set(kind, database(kind));
  return shared.get(kind) as Promise<{ db: Database; cleanup: () => Promise<void> }>;
};
afterAll(async () => {
  for (const d of shared.values()) await (await d).cleanup();
});

/** The embedded scheduler, counting its own loop's polls so a test can wait for one that saw the clock's move. */
class ObservedEmbeddedScheduler extends EmbeddedScheduler {
  polls = 0;
  override async pollOnce(): Promise<number> {
    try {
      return await super.pollOnce();
    } finally {
      this.polls++;
    }
  }
}

async function embedded(kind: Kind): Promise<SchedulerHarness> {
  const { db } = await sharedDatabase(kind);
  return {
    open: async (now) => new ObservedEmbeddedScheduler(db.prisma, log, { pollMs: 20, now }),
    // Two polls end: the second began after the call, so it claimed everything due by then and ran it.
    settle: async (s: Scheduler) => {
      if (!(s instanceof ObservedEmbeddedScheduler)) throw new Error("not opened by this harness");
      const target = s.polls + 2;
      await until(() => s.polls >= target, "two polls of the scheduler's loop");
    },
    // Nothing to lose: the database is the only trigger.
    loseFastPath: async () => {},
    cleanup: async () => {
      await db.prisma.$executeRaw`DELETE FROM "Timer"`;
    },
  };
}

async function bullmq(): Promise<SchedulerHarness> {
  const { db } = await sharedDatabase("postgres");
  const queueName = `kd-test-${randomBytes(4).toString("hex")}`;
  let clock: () => Date = () => new Date();
  // BullMQ counts a delayed job's delay on Redis's real clock: the harness stands in for time
  // passing by promoting the jobs due by the pinned clock (the job id carries the due time).
  const queue = new Queue(queueName, { connection: { url: TEST_REDIS_URL } });
  const promoteDue = async () => {
    let promoted = 0;
    for (const job of await queue.getDelayed()) {
      const due = Number(String(job.id).split("@").pop());
      if (due > clock().getTime()) continue;
      // It may have moved on meanwhile (removed by a re-arm, run by itself): nothing to promote.
      if (
        await job.promote().then(
          () => true,
          () => false,
        )
      )
        promoted++;
    }
    return promoted;
  };
  const drained = async () => {
    const c = await queue.getJobCounts("waiting", "active", "prioritized");
    return Object.values(c).every((n) => n === 0);
  };
  // Only this test's keys: other tests share the Redis, so never FLUSHALL.
  const dropQueueKeys = async () => {
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`*${queueName}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  };
  return {
    open: async (now) => {
      clock = now;
      return new BullmqScheduler(db.prisma, { url: TEST_REDIS_URL, queueName, now }, log);
    },
    settle: async () => {
      // A job promoted may arm or fail into another due one: a few rounds, never unbounded.
      for (let round = 0; round < 10; round++) {
        await until(drained, "the queue to drain");
        if ((await promoteDue()) === 0) return;
      }
      throw new Error("triggers kept falling due");
    },
    loseFastPath: dropQueueKeys,
    cleanup: async () => {
      await queue.close();
      await dropQueueKeys();
      await db.prisma.$executeRaw`DELETE FROM "Timer"`;
    },
  };
}

schedulerContract("embedded on PGlite", () => embedded("pglite"));
schedulerContract("embedded on PostgreSQL", () => embedded("postgres"));
schedulerContract("BullMQ on Redis", bullmq);
