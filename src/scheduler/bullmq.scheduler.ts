import { createHash } from "node:crypto";
import { type Job, Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Db } from "../db/client.js";
import type { ComponentHealth } from "../realtime/event-bus.js";
import { type BatchTriggerHandler, backoffMs, kindOf, type Scheduler, type TriggerHandler } from "./scheduler.js";
import { TimerTable } from "./timer-table.js";

export interface BullmqSchedulerOptions {
  url: string;
  /** One queue per deployment: instances sharing a database must share it, others must not. */
  queueName: string;
  concurrency?: number;
  /** Retries of a failing handler before the job is left failed (the database sweep retries it later). */
  attempts?: number;
  /** How late a trigger must be before the database sweep fires it instead of BullMQ (default 5 s). */
  sweepGraceMs?: number;
  /** The clock due times are counted from (delays and the sweep); the wall clock by default. */
  now?: () => Date;
}

/** Atomically set key → due and return the previous due (or nil). */
const SWAP_DUE = `local old = redis.call('HGET', KEYS[1], ARGV[1]); redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]); return old`;
/** Delete key → due only if it still holds this due (a handler that re-armed keeps its new time). */
const CLEAR_IF = `if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end return 0`;

const jobIdOf = (key: string, due: number) => `${encodeURIComponent(key)}@${due}`;
const ARM_TIMEOUT_MS = 2_000;
const STOP_TIMEOUT_MS = 5_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Scale mode: BullMQ delayed jobs on Redis. A job carries only the key; its id includes the
 * due time, and a Redis hash holds each key's current due time, so re-arming replaces the
 * trigger and a superseded job that still fires is recognised as stale and skipped. The
 * database stays the truth: every arm is first written to the `Timer` table (as in embedded
 * mode) and removed when its handler succeeds, and sweep() fires the rows overdue by more
 * than the grace, so a trigger of any kind that Redis lost (restarted empty, down) still fires.
 */
export class BullmqScheduler implements Scheduler {
  readonly name = "bullmq";
  private readonly handlers = new Map<string, TriggerHandler>();
  private readonly redis: Redis;
  private readonly queue: Queue;
  private worker: Worker | undefined;
  private workerConnection: Redis | undefined;
  private readonly dueKey: string;
  private readonly table: TimerTable;

  constructor(
    db: Db,
    private readonly opts: BullmqSchedulerOptions,
    private readonly log: Logger,
  ) {
    this.table = new TimerTable(db, log, this.handlers, opts.now ? { now: opts.now } : {});
    this.redis = new Redis(opts.url, { maxRetriesPerRequest: null });
    this.redis.on("error", (err) => this.log.warn({ err }, "scheduler redis error"));
    this.queue = new Queue(opts.queueName, { connection: this.redis });
    this.queue.on("error", (err) => this.log.warn({ err }, "scheduler queue error"));
    this.dueKey = `kd:sched:${opts.queueName}:due`;
  }

  handle(kind: string, handler: TriggerHandler): void {
    this.handlers.set(kind, handler);
  }

  /** One job is one trigger here: the batch is that one id. */
  handleBatch(kind: string, handler: BatchTriggerHandler): void {
    this.handlers.set(kind, (id) => handler([id]));
  }

  /**
   * Arming never blocks or fails the caller for long when Redis is unreachable: after
   * ARM_TIMEOUT_MS the call returns (the command stays queued and lands when Redis is back),
   * and meanwhile the database sweep fires overdue clocks (scale mode's poll fallback).
   */
  private async guarded(op: string, fn: () => Promise<unknown>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), ARM_TIMEOUT_MS);
    });
    try {
      const result = await Promise.race([fn().then(() => "done" as const), timeout]);
      if (result === "timeout")
        this.log.warn({ op }, "Redis slow or down: trigger arming deferred; the database sweep covers it");
    } catch (err) {
      this.log.warn({ err, op }, "Redis error while arming; the database sweep covers it");
    } finally {
      clearTimeout(timer);
    }
  }

  async arm(key: string, dueAt: Date): Promise<void> {
    await this.table.arm(key, dueAt);
    await this.guarded("arm", () => this.armNow(key, dueAt));
  }

  private async armNow(key: string, dueAt: Date): Promise<void> {
    const due = dueAt.getTime();
    const prev = (await this.redis.eval(SWAP_DUE, 1, this.dueKey, key, String(due))) as string | null;
    if (prev === String(due)) {
      if (await this.pending(jobIdOf(key, due))) return;
      // A finished or failed job keeps its id for a while; BullMQ would ignore a new one.
      await this.removeJob(jobIdOf(key, due));
    }
    await this.queue.add("trigger", { key }, this.jobOpts(key, due));
    if (prev !== null && prev !== String(due)) await this.removeJob(jobIdOf(key, Number(prev)));
  }

  /** Arms many keys in a few round trips (start-up reconcile of every running clock). */
  async armMany(entries: readonly { key: string; dueAt: Date }[]): Promise<void> {
    if (!entries.length) return;
    await this.table.armMany(entries);
    await this.guarded("armMany", () => this.armManyNow(entries));
  }

  private async armManyNow(entries: readonly { key: string; dueAt: Date }[]): Promise<void> {
    const pipe = this.redis.pipeline();
    for (const e of entries) pipe.eval(SWAP_DUE, 1, this.dueKey, e.key, String(e.dueAt.getTime()));
    const prevs = ((await pipe.exec()) ?? []).map(([, v]) => v as string | null);
    const stale: string[] = [];
    const jobs = entries.map((e, i) => {
      const prev = prevs[i];
      const due = e.dueAt.getTime();
      if (prev !== null && prev !== undefined && prev !== String(due)) stale.push(jobIdOf(e.key, Number(prev)));
      // Same id as an existing job is a no-op in BullMQ: re-arming an unchanged key is free.
      return { name: "trigger", data: { key: e.key }, opts: this.jobOpts(e.key, due) };
    });
    await this.queue.addBulk(jobs);
    for (const id of stale) await this.removeJob(id);
  }

  async cancel(key: string): Promise<void> {
    await this.table.cancel(key);
    await this.guarded("cancel", () => this.cancelNow(key));
  }

  private async cancelNow(key: string): Promise<void> {
    const prev = await this.redis.hget(this.dueKey, key);
    if (prev === null) return;
    await this.redis.eval(CLEAR_IF, 1, this.dueKey, key, prev);
    await this.removeJob(jobIdOf(key, Number(prev)));
  }

  async start(): Promise<void> {
    if (this.worker) return;
    const connection = new Redis(this.opts.url, { maxRetriesPerRequest: null });
    connection.on("error", (err) => this.log.warn({ err }, "scheduler worker redis error"));
    this.workerConnection = connection;
    this.worker = new Worker(this.opts.queueName, (job) => this.process(job), {
      connection,
      concurrency: this.opts.concurrency ?? 50,
      settings: { backoffStrategy: (attemptsMade: number) => backoffMs(attemptsMade) },
    });
    this.worker.on("failed", (job, err) =>
      this.log.error(
        { err, key: (job?.data as { key?: string } | undefined)?.key, attempts: job?.attemptsMade },
        "scheduled handler failed",
      ),
    );
    this.worker.on("error", (err) => this.log.warn({ err }, "scheduler worker error"));
    await this.worker.waitUntilReady();
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    // A clean close waits for running jobs; after a Redis outage it may wait forever on a
    // dead connection, so shutdown is bounded and then forced (jobs are idempotent; the
    // database re-arms everything on the next start).
    const graceful = (async () => {
      if (worker) await worker.close();
      await this.queue.close();
    })();
    const finished = await Promise.race([graceful.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]);
    if (!finished) {
      this.log.warn("scheduler did not stop cleanly in time; closing its Redis connections");
      void worker?.close(true).catch(() => {});
    }
    this.workerConnection?.disconnect();
    this.redis.disconnect();
  }

  private async process(job: Job): Promise<void> {
    const { key } = job.data as { key: string };
    const due = Number(String(job.id).split("@").pop());
    // Superseded by a re-arm or cancelled: the current job (if any) will fire instead.
    const current = await this.redis.hget(this.dueKey, key);
    if (current !== String(due)) return;
    const { kind, id } = kindOf(key);
    const handler = this.handlers.get(kind);
    if (!handler) throw new Error(`no handler registered for scheduler kind "${kind}"`);
    await handler(id, key);
    await this.table.done(key, new Date(due));
    await this.redis.eval(CLEAR_IF, 1, this.dueKey, key, String(due));
  }

  health(): ComponentHealth {
    const down = [this.redis, this.workerConnection].some((c) => c !== undefined && c.status !== "ready");
    if (!down) return { state: "ready", detail: this.name };
    return {
      state: "degraded",
      detail: "bullmq: Redis unreachable; due timers fire from the database sweep (up to ~20 s late)",
    };
  }

  /** Fires, from the database alone, the triggers overdue by more than the grace (Redis is not asked). */
  sweep(): Promise<number> {
    return this.table.fireDue(new Date(this.table.now().getTime() - (this.opts.sweepGraceMs ?? 5_000)));
  }

  private jobOpts(key: string, due: number) {
    return {
      jobId: jobIdOf(key, due),
      // Counted from the scheduler's clock (pinned in tests), like the database sweep's.
      delay: Math.max(0, due - this.table.now().getTime()),
      attempts: this.opts.attempts ?? 25,
      backoff: { type: "custom" },
      removeOnComplete: true,
      removeOnFail: { count: 1000 },
    };
  }

  private async pending(jobId: string): Promise<boolean> {
    const state = await this.queue.getJobState(jobId);
    return state === "delayed" || state === "waiting" || state === "prioritized" || state === "waiting-children";
  }

  private async removeJob(jobId: string): Promise<void> {
    // An active (running) job cannot be removed; it will see it is stale and skip.
    await this.queue.remove(jobId).catch(() => 0);
  }
}

/** The queue of a deployment: derived from its database, so deployments sharing a Redis never share triggers. */
export function queueNameFor(databaseUrl: string): string {
  return `kd-sched-${createHash("sha256").update(databaseUrl).digest("hex").slice(0, 12)}`;
}
