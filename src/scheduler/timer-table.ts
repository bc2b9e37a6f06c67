import type { Logger } from "pino";
import type { Db } from "../db/client.js";
import { Prisma } from "../generated/prisma/client.js";
import { backoffMs, kindOf, type TriggerHandler } from "./scheduler.js";

export interface TimerTableOptions {
  /** How long a claimed trigger is hidden from other pollers while its handler runs. */
  leaseMs?: number;
  batchSize?: number;
  now?: () => Date;
}

/**
 * The `Timer` table: every armed trigger of every kind as a row (key, dueAt). The embedded
 * scheduler polls it; the BullMQ scheduler writes it too and sweeps it, so a trigger Redis
 * lost (restarted empty, flushed, down) still fires from the database. A claimed row is
 * leased and deleted only after its handler succeeds (a crash mid-handler re-fires it after
 * the lease); a failing handler is retried with backoff.
 */
export class TimerTable {
  readonly now: () => Date;
  private readonly leaseMs: number;
  private readonly batchSize: number;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly handlers: ReadonlyMap<string, TriggerHandler>,
    opts: TimerTableOptions = {},
  ) {
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.batchSize = opts.batchSize ?? 500;
    this.now = opts.now ?? (() => new Date());
  }

  get batch(): number {
    return this.batchSize;
  }

  async arm(key: string, dueAt: Date): Promise<void> {
    kindOf(key);
    await this.db.$executeRaw`
      INSERT INTO "Timer" (key, "dueAt", "lockedUntil", attempts) VALUES (${key}, ${dueAt}, NULL, 0)
      ON CONFLICT (key) DO UPDATE SET "dueAt" = EXCLUDED."dueAt", "lockedUntil" = NULL, attempts = 0`;
  }

  async armMany(entries: readonly { key: string; dueAt: Date }[]): Promise<void> {
    // Chunks of one statement each: re-arming 100,000 clocks after a restart takes seconds, not minutes.
    for (let i = 0; i < entries.length; i += 1000) {
      const chunk = entries.slice(i, i + 1000);
      for (const e of chunk) kindOf(e.key);
      const values = Prisma.join(chunk.map((e) => Prisma.sql`(${e.key}, ${e.dueAt}::timestamp, NULL::timestamp, 0)`));
      await this.db.$executeRaw`
        INSERT INTO "Timer" (key, "dueAt", "lockedUntil", attempts) VALUES ${values}
        ON CONFLICT (key) DO UPDATE SET "dueAt" = EXCLUDED."dueAt", "lockedUntil" = NULL, attempts = 0`;
    }
  }

  async cancel(key: string): Promise<void> {
    await this.db.$executeRaw`DELETE FROM "Timer" WHERE key = ${key}`;
  }

  /** The trigger (key, dueAt) has run: only that one, so a handler that re-armed the key keeps its new due time. */
  async done(key: string, dueAt: Date): Promise<void> {
    await this.db.$executeRaw`DELETE FROM "Timer" WHERE key = ${key} AND "dueAt" = ${dueAt}`;
  }

  /** Claims the triggers due at or before `cutoff` (not leased by another poller) and runs them. */
  async fireDue(cutoff: Date): Promise<number> {
    const now = this.now();
    const leaseUntil = new Date(now.getTime() + this.leaseMs);
    const due = await this.db.$queryRaw<{ key: string; dueAt: Date; attempts: number }[]>`
      UPDATE "Timer" SET "lockedUntil" = ${leaseUntil}, attempts = attempts + 1
      WHERE key IN (
        SELECT key FROM "Timer"
        WHERE "dueAt" <= ${cutoff} AND ("lockedUntil" IS NULL OR "lockedUntil" < ${now})
        ORDER BY "dueAt" LIMIT ${this.batchSize}
        FOR UPDATE SKIP LOCKED)
      RETURNING key, "dueAt", attempts`;
    await runLimited(due, 16, (t) => this.fire(t.key, t.dueAt, t.attempts));
    return due.length;
  }

  private async fire(key: string, dueAt: Date, attempts: number): Promise<void> {
    const { kind, id } = kindOf(key);
    const handler = this.handlers.get(kind);
    try {
      if (!handler) throw new Error(`no handler registered for scheduler kind "${kind}"`);
      await handler(id, key);
      await this.done(key, dueAt);
    } catch (err) {
      const retryAt = new Date(this.now().getTime() + backoffMs(attempts));
      this.log.error({ err, key, attempts }, "scheduled handler failed; will retry");
      await this.db.$executeRaw`
        UPDATE "Timer" SET "lockedUntil" = ${retryAt} WHERE key = ${key} AND "dueAt" = ${dueAt}`.catch(() => {});
    }
  }
}

/** Runs fn over items with at most `limit` in flight. */
export async function runLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  });
  await Promise.all(workers);
}
