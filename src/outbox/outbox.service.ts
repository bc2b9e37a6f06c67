import type { Logger } from "pino";
import type {
  AttachmentDto,
  ChannelAdapter,
  ChannelAddress,
  MessageDto,
  OutboundMessage,
  QuickReply,
} from "../channel/channel.js";
import { PermanentSendError } from "../channel/channel.js";
import type { Db } from "../db/client.js";
import { AppError } from "../errors.js";
import type { EventBus } from "../realtime/event-bus.js";
import { ADMINS_TOPIC, conversationTopic } from "../realtime/topics.js";
import { runLimited } from "../scheduler/embedded.scheduler.js";
import { backoffMs, type Scheduler } from "../scheduler/scheduler.js";

export interface FreshReply {
  outboxId: string;
  channel: string;
  address: ChannelAddress;
  message: MessageDto & { conversationId: string };
}

interface ClaimedRow {
  id: string;
  channel: string;
  address: unknown;
  attempts: number;
  messageId: string;
  sentParts: string[];
}

export interface OutboxOptions {
  maxAttempts: number;
  /** The first retry's delay, ms, doubled for each further attempt (default 1 s). */
  retryBaseMs?: number;
  /** How long a claimed row is hidden from other senders while it is being sent. */
  leaseMs?: number;
  /** The clock (tests pin it to drive retries to their due time without waiting). */
  now?: () => Date;
}

/** A message dead-lettered, with the reference its sender stored (`sendToConversation`'s `ref`). */
export type DeadLetterListener = (dead: { messageId: string; conversationId: string; ref?: string }) => Promise<void>;

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
  private readonly deadListeners: DeadLetterListener[] = [];

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

  /** Told of every message the channel refused for good (a survey that never arrived is not "sent"). */
  onDeadLetter(listener: DeadLetterListener): void {
    this.deadListeners.push(listener);
  }

  /**
   * Fast path right after a turn commits: this instance wrote the rows with a lease, so it can
   * send without re-reading them. A turn's replies go one after another, in order; when an
   * earlier message of the conversation is still owed (being retried), or one of these fails,
   * the rest wait (their lease released) and follow it once it is sent or dead-lettered.
   */
  deliverFresh(fresh: FreshReply[]): Promise<void> {
    const p = this.deliverFreshInOrder(fresh).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
    return p;
  }

  private async deliverFreshInOrder(fresh: FreshReply[]): Promise<void> {
    if (!fresh.length) return;
    const conversationId = fresh[0]!.message.conversationId;
    let waiting = (await this.earlierPending(fresh[0]!.message.id)) ? fresh : [];
    for (let i = 0; i < fresh.length && !waiting.length; i++) {
      const { outboxId, channel, address, message } = fresh[i]!;
      const outbound: OutboundMessage = {
        messageId: message.id,
        conversationId,
        text: message.text,
        quickReplies: message.quickReplies,
        author: message.author === "customer" ? "bot" : message.author,
        createdAt: message.createdAt,
        seq: message.seq,
      };
      const last = i === fresh.length - 1;
      const sent = await this.sendAndRecord(outboxId, channel, address, outbound, 1, last);
      if (!sent) waiting = fresh.slice(i + 1);
    }
    if (!waiting.length) return;
    const ids = waiting.map((w) => w.outboxId);
    await this.db.outbox.updateMany({
      where: { id: { in: ids }, status: "pending" },
      data: { nextAttemptAt: new Date() },
    });
    // The message they wait for may have been sent meanwhile: the claim checks again.
    await this.deliverOnce(ids[0]!);
  }

  /** Sends one outbox row if it is pending, due and first in its conversation; safe to call twice or concurrently. */
  deliver(outboxId: string): Promise<void> {
    const p = this.deliverOnce(outboxId).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
    return p;
  }

  /** Whether a message committed earlier in the same conversation is still owed. */
  private async earlierPending(messageId: string): Promise<boolean> {
    const rows = await this.db.$queryRaw<{ one: number }[]>`
      SELECT 1 AS one FROM "Message" m
      JOIN "Message" e ON e."conversationId" = m."conversationId" AND e.seq < m.seq
      JOIN "Outbox" eo ON eo."messageId" = e.id AND eo.status = 'pending'
      WHERE m.id = ${messageId}::uuid LIMIT 1`;
    return rows.length > 0;
  }

  private async deliverOnce(outboxId: string): Promise<void> {
    const now = this.now();
    const leaseUntil = new Date(now.getTime() + (this.opts.leaseMs ?? 30_000));
    // Claim: only one sender gets the row (the lease expires if this process dies mid-send), and
    // only while no earlier message of its conversation is owed: per conversation, in order.
    const claimed = await this.db.$queryRaw<ClaimedRow[]>`
      UPDATE "Outbox" o SET "nextAttemptAt" = ${leaseUntil}, attempts = o.attempts + 1
      WHERE o.id = ${outboxId}::uuid AND o.status = 'pending' AND o."nextAttemptAt" <= ${now}
        AND NOT EXISTS (
          SELECT 1 FROM "Message" m
          JOIN "Message" e ON e."conversationId" = m."conversationId" AND e.seq < m.seq
          JOIN "Outbox" eo ON eo."messageId" = e.id AND eo.status = 'pending'
          WHERE m.id = o."messageId")
      RETURNING o.id, o.channel, o.address, o.attempts, o."messageId", o."sentParts"`;
    const row = claimed[0];
    if (!row) return;
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
      agentName: (message.payload as { agentName?: string } | null)?.agentName,
      attachments: (message.payload as { attachments?: AttachmentDto[] } | null)?.attachments,
      createdAt: message.createdAt.toISOString(),
      seq: message.seq.toString(),
      sentParts: row.sentParts,
    };
    await this.sendAndRecord(row.id, row.channel, row.address as ChannelAddress, outbound, row.attempts, true);
  }

  /** Sends; records sent or the failure. True when sent. `next`: then send what waited behind it. */
  private async sendAndRecord(
    outboxId: string,
    channel: string,
    address: ChannelAddress,
    outbound: OutboundMessage,
    attempts: number,
    next: boolean,
  ): Promise<boolean> {
    const adapter = this.channels.get(channel);
    let providerId: string | undefined;
    try {
      if (!adapter) throw new Error(`channel "${channel}" is not enabled`);
      providerId = (await adapter.send(address, outbound, (ids) => this.recordSentParts(outboxId, ids))).providerId;
    } catch (err) {
      const dead = await this.recordFailure(outboxId, channel, attempts, err);
      if (dead && next) this.deliverNext(outbound.conversationId);
      return false;
    }
    await this.db.$executeRaw`
      UPDATE "Outbox" SET status = 'sent', "sentAt" = now(), "providerId" = ${providerId ?? null}, "lastError" = NULL,
        attempts = GREATEST(attempts, 1)
      WHERE id = ${outboxId}::uuid AND status = 'pending'`;
    await this.announce(outbound);
    if (next) this.deliverNext(outbound.conversationId);
    return true;
  }

  private async recordSentParts(outboxId: string, providerIds: string[]): Promise<void> {
    await this.db.outbox.update({ where: { id: outboxId }, data: { sentParts: providerIds } });
  }

  /** The conversation's next owed message, which may have been waiting for the one just finished. */
  private deliverNext(conversationId: string): void {
    const p = (async () => {
      const rows = await this.db.$queryRaw<{ id: string }[]>`
        SELECT o.id FROM "Message" m JOIN "Outbox" o ON o."messageId" = m.id AND o.status = 'pending'
        WHERE m."conversationId" = ${conversationId}::uuid ORDER BY m.seq LIMIT 1`;
      if (rows[0]) await this.deliverOnce(rows[0].id);
    })()
      .catch((err) => this.log.warn({ err, conversationId }, "sending the next message of a conversation failed"))
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /**
   * Refuses, before anything is stored, a message the conversation's channel cannot deliver
   * whole (an agent's reply too long for SMS parts): the agent is told now, not after sending.
   */
  assertFits(channel: string, message: Pick<OutboundMessage, "text" | "quickReplies">): void {
    const reason = this.channels.get(channel)?.cannotFit?.(message);
    if (reason) throw new AppError("MESSAGE_TOO_LONG_FOR_CHANNEL", `Too long for ${channel}: ${reason}`, { channel });
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
          // The widget shows an agent's images live, not the "[图片]" that stands for them (issue 17).
          ...(outbound.attachments?.length ? { attachments: outbound.attachments } : {}),
          ...(outbound.author === "agent" && outbound.agentName ? { agentName: outbound.agentName } : {}),
          createdAt: outbound.createdAt,
        },
      })
      .catch((err) => this.log.warn({ err }, "realtime publish failed"));
  }

  /** True when the row is now dead-lettered. */
  private async recordFailure(outboxId: string, channel: string, attempts: number, err: unknown): Promise<boolean> {
    const permanent = err instanceof PermanentSendError;
    const dead = permanent || attempts >= this.opts.maxAttempts;
    const nextAttemptAt = new Date(this.now().getTime() + backoffMs(attempts, this.opts.retryBaseMs));
    const lastError = String((err as Error)?.message ?? err).slice(0, 500);
    const row = await this.db.outbox.update({
      where: { id: outboxId },
      data: { status: dead ? "dead" : "pending", nextAttemptAt, lastError, attempts: Math.max(attempts, 1) },
      select: { messageId: true },
    });
    if (dead) {
      this.log.error({ outboxId, channel, attempts, lastError }, "outbound message dead-lettered");
      await this.bus.publish(ADMINS_TOPIC, { type: "outbox.dead", outboxId, channel }).catch(() => {});
      const message = await this.db.message.findUniqueOrThrow({
        where: { id: row.messageId },
        select: { id: true, conversationId: true, payload: true },
      });
      const ref = (message.payload as { ref?: unknown } | null)?.ref;
      for (const listener of this.deadListeners)
        await listener({
          messageId: message.id,
          conversationId: message.conversationId,
          ...(typeof ref === "string" ? { ref } : {}),
        }).catch((e) => this.log.error({ err: e, outboxId }, "dead-letter listener failed"));
    } else {
      this.log.warn({ outboxId, channel, attempts, lastError }, "outbound send failed; will retry");
      await this.scheduler.arm(`outbox:${outboxId}`, nextAttemptAt);
    }
    return dead;
  }

  /** Dead letter → pending again (admin "retry" button); parts already accepted are not sent again. */
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
