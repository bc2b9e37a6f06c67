import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll } from "vitest";
import { type Database, openDatabase } from "../../src/db/client.js";
import { migrate } from "../../src/db/migrate.js";
import { BullmqScheduler } from "../../src/scheduler/bullmq.scheduler.js";
import { EmbeddedScheduler } from "../../src/scheduler/embedded.scheduler.js";
import { freshDataDir, freshPostgres, TEST_REDIS_URL } from "../support/databases.js";
import { type SchedulerHarness, schedulerContract } from "./scheduler.contract.js";

const log = pino({ level: "silent" });

async function database(kind: "pglite" | "postgres"): Promise<{ db: Database; cleanup: () => Promise<void> }> {
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

async function embedded(kind: "pglite" | "postgres"): Promise<SchedulerHarness> {
  const { db, cleanup } = await database(kind);
  return {
    open: async (now) => new EmbeddedScheduler(db.prisma, log, { pollMs: 20, ...(now ? { now } : {}) }),
    // Nothing to lose: the database is the only trigger.
    loseFastPath: async () => {},
    cleanup,
  };
}

// One database for every BullMQ test (each has its own queue; its Timer rows are cleared after it).
let shared: Promise<{ db: Database; cleanup: () => Promise<void> }> | undefined;
afterAll(async () => {
  if (shared) await (await shared).cleanup();
});

async function bullmq(): Promise<SchedulerHarness> {
  shared ??= database("postgres");
  const { db } = await shared;
  const queueName = `kd-test-${randomBytes(4).toString("hex")}`;
  // Only this test's keys: other tests share the Redis, so never FLUSHALL.
  const dropQueueKeys = async () => {
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`*${queueName}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  };
  return {
    open: async (now) =>
      new BullmqScheduler(db.prisma, { url: TEST_REDIS_URL, queueName, ...(now ? { now } : {}) }, log),
    loseFastPath: dropQueueKeys,
    cleanup: async () => {
      await dropQueueKeys();
      await db.prisma.$executeRaw`DELETE FROM "Timer"`;
    },
  };
}

schedulerContract("embedded on PGlite", () => embedded("pglite"));
schedulerContract("embedded on PostgreSQL", () => embedded("postgres"));
schedulerContract("BullMQ on Redis", bullmq);
