import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pino from "pino";
import { type Database, openDatabase } from "../../src/db/client.js";
import { migrate } from "../../src/db/migrate.js";
import { BullmqScheduler } from "../../src/scheduler/bullmq.scheduler.js";
import { EmbeddedScheduler } from "../../src/scheduler/embedded.scheduler.js";
import { freshDataDir, freshPostgres, TEST_REDIS_URL } from "../support/databases.js";
import { type SchedulerHarness, schedulerContract } from "./scheduler.contract.js";

const log = pino({ level: "silent" });

async function embedded(kind: "pglite" | "postgres"): Promise<SchedulerHarness> {
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
    open: async () => new EmbeddedScheduler(db.prisma, log, { pollMs: 20 }),
    cleanup: async () => {
      await db.close();
      await cleanup();
    },
  };
}

async function bullmq(): Promise<SchedulerHarness> {
  const queueName = `kd-test-${randomBytes(4).toString("hex")}`;
  return {
    open: async () => new BullmqScheduler({ url: TEST_REDIS_URL, queueName }, log),
    cleanup: async () => {
      const redis = new Redis(TEST_REDIS_URL);
      const keys = await redis.keys(`*${queueName}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    },
  };
}

schedulerContract("embedded on PGlite", () => embedded("pglite"));
schedulerContract("embedded on PostgreSQL", () => embedded("postgres"));
schedulerContract("BullMQ on Redis", bullmq);
