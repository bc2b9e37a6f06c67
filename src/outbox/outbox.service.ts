import type { Logger } from "pino";
import type { ChannelAdapter, ChannelAddress, MessageDto, OutboundMessage, QuickReply } from "../channel/channel.js";
import { PermanentSendError } from "../channel/channel.js";
import type { Db } from "../db/client.js";
import type { EventBus } from "../realtime/event-bus.js";
import { ADMINS_TOPIC, conversationTopic } from "../realtime/topics.js";
import { runLimited } from "../scheduler/embedded.scheduler.js";
import { backoffMs, type Scheduler } from "../scheduler/scheduler.js";

export interface OutboxOptions {
  maxAttempts: number;
  /** How long a claimed row is hidden from other senders while it is being sent. */
  leaseMs?: number;
  /** The clock (tests pin it to drive retries to their due time without waiting). */
  now?: () => Date;
}

/**
 * Delivers outbound messages written to the Outbox table in the same transaction as the
 * Message. At-least-once: a row is claimed with a lease, sent, then marked sent; a failure
 * is retried with backoff through the scheduler, and after maxAttempts it is dead-lettered
 * (visible to admins, retryable) — never silently dropped.
 */
export class OutboxService {
  private readonly channels = new Map<string, ChannelAdapter>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly now: () => Date;

  constructor(
    private readonly db: Db,
    private readonly scheduler: Scheduler,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly opts: OutboxOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
    scheduler.handle("outbox", (id) => this.deliver(id));
  }

  register(adapter: ChannelAdapter): void {
    this.channels.set(adapter.name, adapter);
  }

  /**
   * Fast path right after a turn commits: this instance wrote the row with a lease, so it can
   * send without re-reading it. One UPDATE marks it sent; a failure joins the retry path.
   */
  deliverFresh(fresh: {
    outboxId: string;
    channel: string;
    address: ChannelAddress;
    message: MessageDto & { conversationId: string };
  }): Promise<void> {
    const { message } = fresh;
    const outbound: OutboundMessage = {
      messageId: message.id,
      conversationId: message.conversationId,
      text: message.text,
      quickReplies: message.quickReplies,
      author: message.author === "customer" ? "bot" : message.author,
      createdAt: message.createdAt,
      seq: message.seq,
    };
    const p = this.sendAndRecord(fresh.outboxId, fresh.channel, fresh.address, outbound, 1).finally(() =>
      this.inFlight.delete(p),
    );
    this.inFlight.add(p);
    return p;
  }

  /** Sends one outbox row if it is pending and due; safe to call twice or concurrently. */
  deliver(outboxId: string): Promise<void> {
    const p = this.deliverOnce(outboxId).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
    return p;
  }

  private async deliverOnce(outboxId: string): Promise<void> {
    const now = this.now();
    const leaseUntil = new Date(now.getTime() + (this.opts.leaseMs ?? 30_000));
    // Claim: only one sender gets the row; the lease expires if this process dies mid-send.
    const claimed = await this.db.outbox.updateMany({
      where: { id: outboxId, status: "pending", nextAttemptAt: { lte: now } },
      data: { nextAttemptAt: leaseUntil, attempts: { increment: 1 } },
    });
    if (claimed.count === 0) return;
    const row = await this.db.outbox.findUniqueOrThrow({
      where: { id: outboxId },
      select: {
        id: true,
        channel: true,
        address: true,
        attempts: true,
        messageId: true,
      },
    });
    const message = await this.db.message.findUniqueOrThrow({
      where: { id: row.messageId },
      select: { id: true, seq: true, conversationId: true, text: true, payload: true, author: true, createdAt: true },
    });
    const outbound: OutboundMessage = {
      messageId: message.id,
      conversationId: message.conversationId,
      text: message.text,
      quickReplies: (message.payload as { quickReplies?: QuickReply[] } | null)?.quickReplies,
      author: message.author as OutboundMessage["author"],
      createdAt: message.createdAt.toISOString(),
      seq: message.seq.toString(),
    };
    await this.sendAndRecord(row.id, row.channel, row.address as ChannelAddress, outbound, row.attempts);
  }

  private async sendAndRecord(
    outboxId: string,
    channel: string,
    address: ChannelAddress,
    outbound: OutboundMessage,
    attempts: number,
  ): Promise<void> {
    const adapter = this.channels.get(channel);
    let providerId: string | undefined;
    try {
      if (!adapter) throw new Error(`channel "${channel}" is not enabled`);
      providerId = (await adapter.send(address, outbound)).providerId;
    } catch (err) {
      await this.recordFailure(outboxId, channel, attempts, err);
      return;
    }
    await this.db.$executeRaw`
      UPDATE "Outbox" SET status = 'sent', "sentAt" = now(), "providerId" = ${providerId ?? null}, "lastError" = NULL,
        attempts = GREATEST(attempts, 1)
      WHERE id = ${outboxId}::uuid AND status = 'pending'`;
    await this.announce(outbound);
  }

  /**
   * True for a channel whose delivery is the stored message itself (web chat: the turn's HTTP
   * response and the live socket carry it, history has it): its fresh outbox rows are written
   * already sent, which saves a round trip per reply on the hot path.
   */
  deliveredOnCommit(channel: string): boolean {
    return this.channels.get(channel)?.deliveredOnCommit === true;
  }

  /** Live views (web chat sockets, agent consoles on any instance) learn of a sent message. */
  async announce(outbound: OutboundMessage): Promise<void> {
    await this.bus
      .publish(conversationTopic(outbound.conversationId), {
        type: "message",
        conversationId: outbound.conversationId,
        message: {
          id: outbound.messageId,
          seq: outbound.seq,
          direction: "out",
          author: outbound.author,
          text: outbound.text,
          ...(outbound.quickReplies?.length ? { quickReplies: outbound.quickReplies } : {}),
          createdAt: outbound.createdAt,
        },
      })
      .catch((err) => this.log.warn({ err }, "realtime publish failed"));
  }

  private async recordFailure(outboxId: string, channel: string, attempts: number, err: unknown): Promise<void> {
    const permanent = err instanceof PermanentSendError;
    const dead = permanent || attempts >= this.opts.maxAttempts;
    const nextAttemptAt = new Date(this.now().getTime() + backoffMs(attempts));
    const lastError = String((err as Error)?.message ?? err).slice(0, 500);
    await this.db.outbox.update({
      where: { id: outboxId },
      data: { status: dead ? "dead" : "pending", nextAttemptAt, lastError, attempts: Math.max(attempts, 1) },
    });
    if (dead) {
      this.log.error({ outboxId, channel, attempts, lastError }, "outbound message dead-lettered");
      await this.bus.publish(ADMINS_TOPIC, { type: "outbox.dead", outboxId, channel }).catch(() => {});
    } else {
      this.log.warn({ outboxId, channel, attempts, lastError }, "outbound send failed; will retry");
      await this.scheduler.arm(`outbox:${outboxId}`, nextAttemptAt);
    }
  }

  /** Dead letter → pending again (admin "retry" button). */
  async retry(outboxId: string): Promise<boolean> {
    const res = await this.db.outbox.updateMany({
      where: { id: outboxId, status: "dead" },
      data: { status: "pending", attempts: 0, nextAttemptAt: this.now(), lastError: null },
    });
    if (res.count > 0) await this.deliver(outboxId);
    return res.count > 0;
  }

  /** After a restart: every pending row is sent (or re-armed for its retry time). */
  async reconcile(): Promise<number> {
    const pending = await this.db.outbox.findMany({
      where: { status: "pending" },
      select: { id: true, nextAttemptAt: true },
      orderBy: { createdAt: "asc" },
      take: 50_000,
    });
    const now = this.now().getTime();
    const due = pending.filter((p) => p.nextAttemptAt.getTime() <= now);
    for (const p of pending)
      if (p.nextAttemptAt.getTime() > now) await this.scheduler.arm(`outbox:${p.id}`, p.nextAttemptAt);
    await runLimited(due, 8, (p) => this.deliver(p.id));
    return pending.length;
  }

  private sweeper: NodeJS.Timeout | undefined;

  /**
   * Periodically sends rows whose lease ran out (their instance died before sending, or a
   * retry's trigger was lost): the database, not a timer, is the list of what is owed.
   */
  startSweeper(everyMs = 15_000): void {
    this.sweeper = setInterval(() => {
      void this.sweepDue().catch((err) => this.log.warn({ err }, "outbox sweep failed"));
    }, everyMs);
    this.sweeper.unref();
  }

  async sweepDue(limit = 500): Promise<number> {
    const due = await this.db.outbox.findMany({
      where: { status: "pending", nextAttemptAt: { lte: this.now() } },
      select: { id: true },
      orderBy: { nextAttemptAt: "asc" },
      take: limit,
    });
    await runLimited(due, 8, (p) => this.deliver(p.id));
    return due.length;
  }

  /** Waits for sends in progress (graceful shutdown). */
  async flush(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }
}
