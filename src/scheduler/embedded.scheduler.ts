import type { Logger } from "pino";
import type { Db } from "../db/client.js";
import type { ComponentHealth } from "../realtime/event-bus.js";
import type { BatchTriggerHandler, Scheduler, TriggerHandler } from "./scheduler.js";
import { TimerTable, type TimerTableOptions } from "./timer-table.js";

export { runLimited } from "./timer-table.js";

export interface EmbeddedSchedulerOptions extends TimerTableOptions {
  pollMs: number;
}

/**
 * Polls the `Timer` table by its dueAt index: no in-memory timer list, so memory does not
 * grow with the number of armed clocks and nothing is lost on a crash (see TimerTable).
 */
export class EmbeddedScheduler implements Scheduler {
  readonly name = "embedded";
  private readonly handlers = new Map<string, TriggerHandler>();
  private readonly batchHandlers = new Map<string, BatchTriggerHandler>();
  private readonly table: TimerTable;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private polling: Promise<void> | undefined;

  constructor(
    db: Db,
    private readonly log: Logger,
    private readonly opts: EmbeddedSchedulerOptions,
  ) {
    this.table = new TimerTable(db, log, this.handlers, opts, this.batchHandlers);
  }

  handle(kind: string, handler: TriggerHandler): void {
    this.handlers.set(kind, handler);
  }

  /** Everything of the kind one poll claimed, in one call (issue 19). */
  handleBatch(kind: string, handler: BatchTriggerHandler): void {
    this.batchHandlers.set(kind, handler);
  }

  arm(key: string, dueAt: Date): Promise<void> {
    return this.table.arm(key, dueAt);
  }

  armMany(entries: readonly { key: string; dueAt: Date }[]): Promise<void> {
    return this.table.armMany(entries);
  }

  cancel(key: string): Promise<void> {
    return this.table.cancel(key);
  }

  async start(): Promise<void> {
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
  }

  /** One poll: claim due triggers and run them. Exposed for tests and benchmarks. */
  pollOnce(): Promise<number> {
    return this.table.fireDue(this.table.now());
  }

  /** The poll is the database sweep: everything due fires. */
  sweep(): Promise<number> {
    return this.pollOnce();
  }

  health(): ComponentHealth {
    return { state: "ready", detail: this.name };
  }

  private schedule(delay: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.polling = (async () => {
        let got = 0;
        try {
          got = await this.pollOnce();
        } catch (err) {
          this.log.warn({ err }, "scheduler poll failed");
        }
        // A full batch means more are due: poll again at once.
        this.schedule(got >= this.table.batch ? 0 : this.opts.pollMs);
      })();
    }, delay);
    this.timer.unref?.();
  }
}
