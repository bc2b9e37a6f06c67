import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ChannelAdapter, ChannelAddress, OutboundMessage, SendResult } from "../../src/channel/channel.js";
import { loadConfig } from "../../src/config.js";
import { type Database, openDatabase } from "../../src/db/client.js";
import { migrate } from "../../src/db/migrate.js";
import { OutboxService } from "../../src/outbox/outbox.service.js";
import { InProcessBus } from "../../src/realtime/in-process.bus.js";
import { EmbeddedScheduler } from "../../src/scheduler/embedded.scheduler.js";
import { freshPostgres } from "../support/databases.js";

const log = pino({ level: "silent" });

/**
 * The provider's side of a channel: answers 503 to the first `failures` sends (all of them when
 * Infinity), then accepts. It records every call, so "nothing more was sent" is a count.
 */
class FlakyProvider implements ChannelAdapter {
  readonly name = "flaky";
  calls = 0;
  readonly delivered: string[] = [];
  constructor(private failures: number) {}
  async start(): Promise<void> {}
  async send(_address: ChannelAddress, message: OutboundMessage): Promise<SendResult> {
    this.calls += 1;
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error("provider answered 503");
    }
    this.delivered.push(message.text);
    return { providerId: `p-${this.calls}` };
  }
  status() {
    return { state: "ready" as const };
  }
  async stop(): Promise<void> {}
}

/**
 * The outbox's retry path driven on a pinned clock: the scheduler is never started and the
 * 15 s sweeper never runs, so a retry can only come from the trigger the outbox armed, and
 * only when the test moves the clock to its due time and runs the scheduler's poll.
 */
describe("outbox retries (PostgreSQL, pinned clock)", () => {
  let db: Database;
  let drop: () => Promise<void>;
  let clock: Date;

  beforeAll(async () => {
    const pg = await freshPostgres();
    drop = pg.drop;
    db = await openDatabase({ databaseUrl: pg.url, pgliteDir: "", poolSize: 4 });
    await migrate(db);
  });
  afterAll(async () => {
    await db?.close();
    await drop?.();
  });
  beforeEach(async () => {
    clock = new Date("2026-03-02T02:00:00.000Z");
    // Each test owns the queue: a row left pending by another test would be swept here.
    await db.prisma.timer.deleteMany({});
    await db.prisma.outbox.deleteMany({});
  });

  function rig(provider: FlakyProvider, maxAttempts: number, retryBaseMs?: number) {
    const scheduler = new EmbeddedScheduler(db.prisma, log, { pollMs: 60_000, now: () => clock });
    const outbox = new OutboxService(db.prisma, scheduler, new InProcessBus(), log, {
      maxAttempts,
      now: () => clock,
      ...(retryBaseMs === undefined ? {} : { retryBaseMs }),
    });
    outbox.register(provider);
    return { scheduler, outbox };
  }

  /** A bot reply waiting in the outbox, as a committed turn leaves it. */
  async function queuedReply(text: string): Promise<string> {
    const p = db.prisma;
    const customer = await p.customer.create({ data: {} });
    const identity = await p.channelIdentity.create({
      data: { channel: "flaky", externalId: customer.id, customerId: customer.id, address: { to: customer.id } },
    });
    const conv = await p.conversation.create({
      data: { customerId: customer.id, channel: "flaky", identityId: identity.id },
    });
    const msg = await p.message.create({
      data: { conversationId: conv.id, direction: "out", author: "bot", channel: "flaky", text, status: "processed" },
    });
    const row = await p.outbox.create({
      data: { messageId: msg.id, channel: "flaky", address: { to: customer.id }, nextAttemptAt: clock },
    });
    return row.id;
  }

  const rowOf = (id: string) => db.prisma.outbox.findUniqueOrThrow({ where: { id } });
  const timerOf = (id: string) => db.prisma.timer.findUnique({ where: { key: `outbox:${id}` } });

  it("retries each failed send when its backoff falls due, gaps growing, then dead-letters after OUTBOX_MAX_ATTEMPTS", async () => {
    const provider = new FlakyProvider(Number.POSITIVE_INFINITY);
    const { scheduler, outbox } = rig(provider, 4);
    const id = await queuedReply("您的快递已到网点");
    await outbox.deliver(id);
    expect(provider.calls).toBe(1);

    for (let attempt = 1; attempt < 4; attempt++) {
      const row = await rowOf(id);
      expect(row).toMatchObject({ status: "pending", attempts: attempt, lastError: "provider answered 503" });
      // Backoff: 1 s, 2 s, 4 s (±20% jitter) after the failure, not "at once".
      const gap = row.nextAttemptAt.getTime() - clock.getTime();
      const base = 1000 * 2 ** (attempt - 1);
      expect(gap).toBeGreaterThanOrEqual(base * 0.8);
      expect(gap).toBeLessThanOrEqual(base * 1.2);
      // Armed: the scheduler holds a trigger for exactly that time (the sweeper is not the plan).
      expect((await timerOf(id))?.dueAt.getTime()).toBe(row.nextAttemptAt.getTime());

      // A millisecond early, the scheduler's poll fires nothing and nothing is sent.
      clock = new Date(row.nextAttemptAt.getTime() - 1);
      expect(await scheduler.pollOnce()).toBe(0);
      expect(provider.calls).toBe(attempt);
      // At the due time the trigger fires and the outbox tries again.
      clock = row.nextAttemptAt;
      expect(await scheduler.pollOnce()).toBe(1);
      expect(provider.calls).toBe(attempt + 1);
    }

    const dead = await rowOf(id);
    expect(dead).toMatchObject({ status: "dead", attempts: 4, lastError: "provider answered 503" });
    expect(await timerOf(id)).toBeNull();
    // A day later neither the scheduler nor the sweeper sends a dead letter again.
    clock = new Date(clock.getTime() + 86_400_000);
    expect(await scheduler.pollOnce()).toBe(0);
    expect(await outbox.sweepDue()).toBe(0);
    expect(provider.calls).toBe(4);
    expect(provider.delivered).toEqual([]);
  });

  it("OUTBOX_RETRY_BASE_MS sets the first retry's delay; the later ones double it", async () => {
    expect(loadConfig({}).OUTBOX_RETRY_BASE_MS).toBe(1000);
    expect(loadConfig({ OUTBOX_RETRY_BASE_MS: "100" }).OUTBOX_RETRY_BASE_MS).toBe(100);
    const provider = new FlakyProvider(2);
    const { scheduler, outbox } = rig(provider, 8, 100);
    const id = await queuedReply("已为您登记");
    await outbox.deliver(id);
    for (const base of [100, 200]) {
      const row = await rowOf(id);
      const gap = row.nextAttemptAt.getTime() - clock.getTime();
      expect(gap).toBeGreaterThanOrEqual(base * 0.8);
      expect(gap).toBeLessThanOrEqual(base * 1.2);
      clock = row.nextAttemptAt;
      expect(await scheduler.pollOnce()).toBe(1);
    }
    expect(await rowOf(id)).toMatchObject({ status: "sent", attempts: 3 });
    expect(provider.delivered).toEqual(["已为您登记"]);
  });

  it("a retry that succeeds delivers once; a duplicate trigger, a sweep and a redelivery send nothing more", async () => {
    const provider = new FlakyProvider(2);
    const { scheduler, outbox } = rig(provider, 8);
    const id = await queuedReply("工单已受理");
    await outbox.deliver(id);
    for (let i = 0; i < 2; i++) {
      clock = (await rowOf(id)).nextAttemptAt;
      expect(await scheduler.pollOnce()).toBe(1);
    }
    expect(provider.delivered).toEqual(["工单已受理"]);
    expect(await rowOf(id)).toMatchObject({ status: "sent", attempts: 3, lastError: null, providerId: "p-3" });
    expect(await timerOf(id)).toBeNull();

    // Everything that could send it again, run at a time it would be due.
    await scheduler.arm(`outbox:${id}`, clock);
    clock = new Date(clock.getTime() + 60 * 60_000);
    expect(await scheduler.pollOnce()).toBe(1);
    expect(await outbox.sweepDue()).toBe(0);
    await outbox.deliver(id);
    expect(provider.calls).toBe(3);
    expect(provider.delivered).toEqual(["工单已受理"]);
  });
});
