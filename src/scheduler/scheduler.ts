import type { ComponentHealth } from "../realtime/event-bus.js";

/**
 * Triggers work at a time. The database stays the source of truth for every clock:
 * a scheduler only *wakes* a handler, which re-reads the row and acts once, so a late,
 * duplicate or stale trigger is harmless. Keys are `<kind>:<id>` (e.g. `sla:<clockId>`);
 * the kind selects the handler.
 */
export interface Scheduler {
  /** Implementation name for /readyz and logs. */
  readonly name: string;
  /** Registers the handler for keys `<kind>:…`. Must be called before start(). */
  handle(kind: string, handler: TriggerHandler): void;
  /**
   * Registers a handler that takes many due keys of a kind at once, so it can act on them in one
   * statement (the embedded poller passes everything of the kind it claimed in a poll; BullMQ,
   * which runs one job at a time, passes one id). A throw retries the whole batch.
   */
  handleBatch(kind: string, handler: BatchTriggerHandler): void;
  /** Arms (or re-arms, replacing an earlier due time) a trigger for key at dueAt. */
  arm(key: string, dueAt: Date): Promise<void>;
  /** Arms many triggers at once (reconcile after a restart); same semantics as arm(). */
  armMany(entries: readonly { key: string; dueAt: Date }[]): Promise<void>;
  /** Cancels a pending trigger; a trigger already running is unaffected. */
  cancel(key: string): Promise<void>;
  /** Starts firing due triggers, including those that fell due while the service was down. */
  start(): Promise<void>;
  /** Stops firing; waits for running handlers to finish. */
  stop(): Promise<void>;
  /**
   * The database sweep: fires every trigger of any kind that is due by the database's `Timer`
   * table and was not delivered (in scale mode: Redis restarted empty, was flushed or is down).
   * Returns how many fired. Handlers are idempotent, so one fired twice acts once.
   */
  sweep(): Promise<number>;
  /** For /readyz: "degraded" while the trigger transport (Redis) is unreachable. */
  health(): ComponentHealth;
}

export type TriggerHandler = (id: string, key: string) => Promise<void>;
export type BatchTriggerHandler = (ids: string[]) => Promise<void>;

export function kindOf(key: string): { kind: string; id: string } {
  const i = key.indexOf(":");
  if (i <= 0) throw new Error(`Scheduler key must be "<kind>:<id>", got ${JSON.stringify(key)}`);
  return { kind: key.slice(0, i), id: key.slice(i + 1) };
}

/** Exponential backoff with jitter for failed handlers and outbound retries. */
export function backoffMs(attempt: number, baseMs = 1000, maxMs = 10 * 60_000): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (0.8 + Math.random() * 0.4));
}
