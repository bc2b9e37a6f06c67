import type { Logger } from "pino";
import type { Database, Db } from "../db/client.js";
import { type BatchTriggerHandler, backoffMs, kindOf, type TriggerHandler } from "./scheduler.js";

export interface TimerTableOptions {
  /** How long a claimed trigger is hidden from other pollers while its handler runs. */
  leaseMs?: number;
  batchSize?: number;
  now?: () => Date;
  /** The driver (one statement per call, arrays as parameters); Prisma's raw queries otherwise. */
  sql?: Pick<Database, "query"> | undefined;
}

/** A claimed trigger; `due` is the row's dueAt as text, so deleting it after the handler matches it exactly. */
interface Claimed {
  key: string;
  due: string;
  attempts: number;
}

/**
 * The claimed rows, only while they still hold the claimed due time (a handler that re-armed
 * keeps its new one). Every statement on many Timer rows locks them in key order, so concurrent
 * pollers and handlers re-arming overlapping keys cannot deadlock.
 */
const CLAIMED_ROWS = `
  WHERE key IN (SELECT t.key FROM "Timer" t JOIN unnest($1::text[], $2::text[]) AS c(key, due)
                  ON t.key = c.key AND t."dueAt" = c.due::timestamp ORDER BY t.key FOR UPDATE)`;
const UPSERT = `
  INSERT INTO "Timer" (key, "dueAt", "lockedUntil", attempts)
  SELECT key, (due::timestamptz AT TIME ZONE 'UTC'), NULL, 0 FROM unnest($1::text[], $2::text[]) AS a(key, due)
  ORDER BY key
  ON CONFLICT (key) DO UPDATE SET "dueAt" = EXCLUDED."dueAt", "lockedUntil" = NULL, attempts = 0`;
/**
 * Bulk arming (reconcile) leaves a row whose due time is unchanged alone: a trigger being fired
 * meanwhile keeps its lease instead of being claimed and run a second time.
 */
const UPSERT_CHANGED = `${UPSERT} WHERE "Timer"."dueAt" IS DISTINCT FROM EXCLUDED."dueAt"`;

/**
 * The `Timer` table: every armed trigger of every kind as a row (key, dueAt). The embedded
 * scheduler polls it; the BullMQ scheduler writes it too and sweeps it, so a trigger Redis
 * lost (restarted empty, flushed, down) still fires from the database. A claimed row is
 * leased and deleted only after its handler succeeds (a crash mid-handler re-fires it after
 * the lease); a failing handler is retried with backoff. A kind with a batch handler gets
 * everything of it one poll claimed in one call (issue 19: 10,000 SLA clocks due in a minute
 * are a few statements a poll, not several each).
 */
export class TimerTable {
  readonly now: () => Date;
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly sql: Pick<Database, "query">;

  constructor(
    db: Db,
    private readonly log: Logger,
    private readonly handlers: ReadonlyMap<string, TriggerHandler>,
    opts: TimerTableOptions = {},
    private readonly batchHandlers: ReadonlyMap<string, BatchTriggerHandler> = new Map(),
  ) {
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.batchSize = opts.batchSize ?? 500;
    this.now = opts.now ?? (() => new Date());
    this.sql = opts.sql ?? { query: (text, params = []) => db.$queryRawUnsafe(text, ...params) };
  }

  get batch(): number {
    return this.batchSize;
  }

  async arm(key: string, dueAt: Date): Promise<void> {
    kindOf(key);
    await this.sql.query(UPSERT, [[key], [dueAt.toISOString()]], "kd_timer_arm");
  }

  async armMany(entries: readonly { key: string; dueAt: Date }[]): Promise<void> {
    // Chunks of one statement each: re-arming 100,000 clocks after a restart takes seconds, not minutes.
    for (let i = 0; i < entries.length; i += 2000) {
      const chunk = entries.slice(i, i + 2000);
      for (const e of chunk) kindOf(e.key);
      const params = [chunk.map((e) => e.key), chunk.map((e) => e.dueAt.toISOString())];
      await this.sql.query(UPSERT_CHANGED, params, "kd_timer_arm_many");
    }
  }

  async cancel(key: string): Promise<void> {
    await this.sql.query(`DELETE FROM "Timer" WHERE key = $1`, [key], "kd_timer_cancel");
  }

  /** The trigger (key, dueAt) has run: only that one, so a handler that re-armed the key keeps its new due time. */
  async done(key: string, dueAt: Date): Promise<void> {
    await this.sql.query(
      `DELETE FROM "Timer" WHERE key = $1 AND "dueAt" = ($2::timestamptz AT TIME ZONE 'UTC')`,
      [key, dueAt.toISOString()],
      "kd_timer_done_one",
    );
  }

  /** Claims the triggers due at or before `cutoff` (not leased by another poller) and runs them. */
  async fireDue(cutoff: Date): Promise<number> {
    const now = this.now();
    const due = await this.sql.query<Claimed>(
      `UPDATE "Timer" SET "lockedUntil" = ($3::timestamptz AT TIME ZONE 'UTC'), attempts = attempts + 1
       WHERE key IN (
         SELECT key FROM "Timer"
         WHERE "dueAt" <= ($1::timestamptz AT TIME ZONE 'UTC')
           AND ("lockedUntil" IS NULL OR "lockedUntil" < ($2::timestamptz AT TIME ZONE 'UTC'))
         ORDER BY "dueAt" LIMIT $4::int
         FOR UPDATE SKIP LOCKED)
       RETURNING key, "dueAt"::text AS due, attempts`,
      [cutoff.toISOString(), now.toISOString(), new Date(now.getTime() + this.leaseMs).toISOString(), this.batchSize],
      "kd_timer_claim",
    );
    const batches = new Map<string, Claimed[]>();
    const singles: Claimed[] = [];
    for (const t of due) {
      const { kind } = kindOf(t.key);
      if (this.batchHandlers.has(kind)) batches.set(kind, [...(batches.get(kind) ?? []), t]);
      else singles.push(t);
    }
    await Promise.all([
      ...[...batches].map(([kind, claimed]) =>
        this.run(claimed, () =>
          (this.batchHandlers.get(kind) as BatchTriggerHandler)(claimed.map((t) => kindOf(t.key).id)),
        ),
      ),
      runLimited(singles, 16, (t) =>
        this.run([t], async () => {
          const { kind, id } = kindOf(t.key);
          const handler = this.handlers.get(kind);
          if (!handler) throw new Error(`no handler registered for scheduler kind "${kind}"`);
          await handler(id, t.key);
        }),
      ),
    ]);
    return due.length;
  }

  /** Runs a handler over claimed triggers: deleted when it succeeds, retried with backoff when it throws. */
  private async run(claimed: Claimed[], fn: () => Promise<void>): Promise<void> {
    const keys = claimed.map((t) => t.key);
    const dues = claimed.map((t) => t.due);
    try {
      await fn();
      await this.sql.query(`DELETE FROM "Timer" ${CLAIMED_ROWS}`, [keys, dues], "kd_timer_done");
    } catch (err) {
      const attempts = Math.max(...claimed.map((t) => t.attempts));
      const retryAt = new Date(this.now().getTime() + backoffMs(attempts));
      this.log.error(
        { err, keys: keys.slice(0, 10), count: keys.length, attempts },
        "scheduled handler failed; will retry",
      );
      await this.sql
        .query(`UPDATE "Timer" SET "lockedUntil" = ($3::timestamptz AT TIME ZONE 'UTC') ${CLAIMED_ROWS}`, [
          keys,
          dues,
          retryAt.toISOString(),
        ])
        .catch(() => {});
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
