import type { Activity } from "botbuilder";
import type { Logger } from "pino";
import type {
  ChannelAddress,
  ChannelConversations,
  IdentityRef,
  InboundMessage,
  MentionDto,
  MessageDto,
  QuickReply,
  ReceiveResult,
} from "../channel/channel.js";
import { attachmentDtos, toMessageDto } from "../channel/message.dto.js";
import { type Database, type Db, isTransientError, isUniqueViolation } from "../db/client.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { OutboxService } from "../outbox/outbox.service.js";
import type { EventBus } from "../realtime/event-bus.js";
import { publishScopeChanged } from "../realtime/scope.js";
import { AGENTS_TOPIC, conversationTopic } from "../realtime/topics.js";
import { KeyedMutex } from "../util/keyed-mutex.js";
import { fromActivity, type KuaidiBot, mainMenu } from "./bot.js";
import { ConversationRepository, type TurnInput } from "./conversation.repository.js";
import { messageLocale } from "./language.js";
import { type Locale, t, toLocale } from "./texts.js";
import type { TurnAdapter } from "./turn.adapter.js";
import { type DialogState, emptyDialogState, QUEUE_RECEIPT_MS, TURN_INFO, type TurnInfo } from "./turn-state.js";

export interface ConversationDeps {
  db: Db;
  /** The driver itself, for the turn's hot path (ConversationRepository). */
  sql: Pick<Database, "query" | "kind">;
  bot: KuaidiBot;
  adapter: TurnAdapter;
  outbox: OutboxService;
  bus: EventBus;
  log: Logger;
  defaultLocale: Locale;
  /** A customer wrote while a ticket waited on them: the ticket resumes (and its clocks). */
  onCustomerReply?: (conversationId: string) => Promise<void>;
  /**
   * A customer's images while a person holds the chat (the bot is silent): evidence for the
   * complaint or claim opened here in the last day (issue 17; ImageTurn.attachToRecentTicket).
   */
  evidence?: {
    attachToRecentTicket(conversationId: string, attachmentIds: string[], messageId: string): Promise<unknown>;
  };
  /** Test-only fault injection point (see FAULT_INJECT in config). */
  afterInboundStored?: () => void;
}

/** "算了", "不用了", "取消转人工", "never mind": leave the queue for an agent (not once one holds the chat). */
const LEAVE_QUEUE_RE =
  /^(算了|不用了|不用|取消|取消转人工|不转人工了?|不要人工了?|never ?mind|cancel|no thanks)[。.!！~～]*$/i;
/** Hard cap on a customer message (longer text is refused by the channel with a clear error). */
export const MAX_TEXT_LENGTH = 2000;

/**
 * The conversation runtime: every channel's message takes the same path.
 * stored inbound → botbuilder turn → replies + dialog state in one transaction → outbox → channel.
 * A crash before the second transaction leaves the inbound message `received`; replayPending()
 * answers it after restart.
 */
export class ConversationService implements ChannelConversations {
  private readonly turns = new KeyedMutex();
  private readonly repo: ConversationRepository;
  /** channel + external id → identity and open conversation; a closed conversation evicts it. */
  private readonly identities = new Map<string, IdentityRef>();
  private stopped = false;

  constructor(private readonly deps: ConversationDeps) {
    this.repo = new ConversationRepository(deps.sql);
  }

  /**
   * Finds or creates the customer, channel identity and open conversation for an address, and
   * remembers it: the customer's first message (right after a web chat session starts) then
   * needs no lookups.
   */
  async ensureIdentity(
    channel: string,
    externalId: string,
    address: ChannelAddress,
    opts: { displayName?: string | undefined; phone?: string | undefined; locale?: Locale | undefined } = {},
  ): Promise<IdentityRef> {
    const ref = await this.findOrCreateIdentity(channel, externalId, address, opts);
    if (this.identities.size > 100_000) this.identities.clear();
    this.identities.set(identityKey(channel, externalId), ref);
    return ref;
  }

  private async findOrCreateIdentity(
    channel: string,
    externalId: string,
    address: ChannelAddress,
    opts: { displayName?: string | undefined; phone?: string | undefined; locale?: Locale | undefined },
  ): Promise<IdentityRef> {
    const { db } = this.deps;
    const found = await db.channelIdentity.findUnique({
      where: { channel_externalId: { channel, externalId } },
      select: { id: true, customerId: true, customer: { select: { locale: true } } },
    });
    if (found) {
      const conv = await this.openConversation(found.id, found.customerId, channel, toLocale(found.customer.locale));
      return {
        identityId: found.id,
        customerId: found.customerId,
        conversationId: conv,
        locale: toLocale(found.customer.locale),
      };
    }
    const locale = opts.locale ?? this.deps.defaultLocale;
    try {
      return await db.$transaction(async (tx) => {
        // A phone number links channels: an SMS sender is the customer who gave that number on WeChat.
        const existing = opts.phone
          ? await tx.customer.findUnique({ where: { phone: opts.phone }, select: { id: true } })
          : null;
        const customer =
          existing ??
          (await tx.customer.create({
            data: { locale, name: opts.displayName ?? null, phone: opts.phone ?? null },
            select: { id: true },
          }));
        const identity = await tx.channelIdentity.create({
          data: {
            channel,
            externalId,
            customerId: customer.id,
            address: address as Prisma.InputJsonValue,
            displayName: opts.displayName ?? null,
          },
          select: { id: true },
        });
        const conv = await tx.conversation.create({
          data: { customerId: customer.id, channel, identityId: identity.id, locale },
          select: { id: true },
        });
        return { identityId: identity.id, customerId: customer.id, conversationId: conv.id, locale };
      });
    } catch (err) {
      // Two first messages from one address at once: the other one created it.
      if (isUniqueViolation(err)) return this.findOrCreateIdentity(channel, externalId, address, opts);
      throw err;
    }
  }

  private async openConversation(
    identityId: string,
    customerId: string,
    channel: string,
    locale: Locale,
  ): Promise<string> {
    const { db } = this.deps;
    const conv = await db.conversation.findFirst({
      where: { identityId, mode: { not: "closed" } },
      orderBy: { lastMessageAt: "desc" },
      select: { id: true },
    });
    if (conv) return conv.id;
    const created = await db.conversation.create({
      data: { customerId, channel, identityId, locale },
      select: { id: true },
    });
    return created.id;
  }

  /** Stores an inbound message (deduped by channel message id), runs the turn, returns the replies. */
  async receive(inbound: InboundMessage): Promise<ReceiveResult> {
    if (this.stopped) throw new Error("conversation runtime is shutting down");
    const key = identityKey(inbound.channel, inbound.externalId);
    for (let attempt = 0; ; attempt++) {
      let ref = this.identities.get(key);
      if (!ref) {
        ref = await this.ensureIdentity(inbound.channel, inbound.externalId, inbound.address, {
          displayName: inbound.displayName,
          phone: inbound.phone,
          locale: inbound.locale,
        });
      }
      const conversationId = ref.conversationId;
      const result = await this.turns.run(conversationId, async (): Promise<ReceiveResult | "closed"> => {
        const channelMessageId = inbound.channelMessageId ?? null;
        const stored = await this.repo.insertInbound({
          conversationId,
          channel: inbound.channel,
          channelMessageId,
          text: inbound.text,
          payload: {
            kind: inbound.kind ?? "text",
            ...(inbound.attachments?.length ? { attachments: inbound.attachments } : {}),
          },
        });
        if (stored === "closed") return "closed";
        if (stored === "duplicate") {
          // A retried delivery: answer with what we answered the first time, store nothing.
          const first = await this.deps.db.message.findUniqueOrThrow({
            where: { channel_channelMessageId: { channel: inbound.channel, channelMessageId: channelMessageId ?? "" } },
            select: { id: true, conversationId: true, status: true },
          });
          if (first.status === "received") {
            const input = await this.repo.loadTurn(first.id);
            if (input) await this.runTurn(input);
          }
          return {
            inboundId: first.id,
            conversationId: first.conversationId,
            duplicate: true,
            replies: await this.repliesTo(first.id),
          };
        }
        this.deps.afterInboundStored?.();
        const replies = await this.runTurn(stored);
        return { inboundId: stored.inboundId, conversationId, duplicate: false, replies };
      });
      if (result !== "closed") return result;
      // Closed meanwhile (possibly by another instance): open a new conversation and retry once.
      this.identities.delete(key);
      if (attempt > 0) throw new Error("conversation closed while receiving a message");
    }
  }

  /** Messages of a conversation, oldest first; `afterSeq` for catching up after a reconnect. */
  async history(conversationId: string, afterSeq?: bigint, limit = 500): Promise<MessageDto[]> {
    const rows = await this.deps.db.message.findMany({
      where: { conversationId, internal: false, ...(afterSeq !== undefined ? { seq: { gt: afterSeq } } : {}) },
      orderBy: { seq: "asc" },
      take: limit,
      select: { id: true, seq: true, direction: true, author: true, text: true, payload: true, createdAt: true },
    });
    return rows.map(toMessageDto);
  }

  async readUpTo(conversationId: string): Promise<string | null> {
    const row = await this.deps.db.conversation.findUnique({
      where: { id: conversationId },
      select: { agentReadSeq: true },
    });
    return row?.agentReadSeq?.toString() ?? null;
  }

  private async repliesTo(inboundId: string): Promise<MessageDto[]> {
    const rows = await this.deps.db.message.findMany({
      where: { replyToId: inboundId },
      orderBy: { seq: "asc" },
      select: { id: true, seq: true, direction: true, author: true, text: true, payload: true, createdAt: true },
    });
    return rows.map(toMessageDto);
  }

  /** Runs the bot on a stored inbound message and commits its replies, state and status together. */
  private async runTurn(input: TurnInput): Promise<MessageDto[]> {
    const { log } = this.deps;
    if (input.status !== "received") return this.repliesTo(input.inboundId);
    if (input.hasPendingTicket && this.deps.onCustomerReply) {
      await this.deps
        .onCustomerReply(input.conversationId)
        .catch((err) => log.error({ err, conversationId: input.conversationId }, "resuming the pending ticket failed"));
    }
    const kind = (input.payload as { kind?: string } | null)?.kind;
    // The customer's language, message by message: a Chinese chat written to in English is
    // answered in English from this message on (later notices and the survey follow it too).
    const conversationLocale = toLocale(input.locale);
    const locale =
      input.mode === "bot" && (kind === undefined || kind === "text")
        ? messageLocale(input.text, conversationLocale)
        : conversationLocale;
    if (locale !== conversationLocale) {
      // Both or neither: the conversation's language and the customer's (new conversations).
      await this.deps.db.$transaction(async (tx) => {
        await tx.conversation.update({ where: { id: input.conversationId }, data: { locale } });
        await tx.customer.update({ where: { id: input.customerId }, data: { locale } });
      });
    }
    const info: TurnInfo = {
      conversationId: input.conversationId,
      customerId: input.customerId,
      customerPhone: input.customerPhone,
      inboundMessageId: input.inboundId,
      channel: input.channel,
      locale,
      state: input.state ?? emptyDialogState(),
    };

    let outgoing: { text: string; quickReplies?: QuickReply[] }[] = [];
    // "算了" while still waiting for an agent (none has taken it): the customer leaves the queue and
    // the bot answers again. Before, every later message was silent until an agent came on duty.
    if (input.mode === "queued" && (kind === undefined || kind === "text") && LEAVE_QUEUE_RE.test(input.text.trim())) {
      const left = await this.deps.db.conversation.updateMany({
        where: { id: input.conversationId, mode: "queued" },
        data: { mode: "bot", agentId: null, queuedAt: null },
      });
      if (left.count > 0) {
        await publishScopeChanged(this.deps.bus, input.conversationId).catch((err) =>
          log.warn({ err }, "realtime publish failed"),
        );
        await this.deps.bus
          .publish(AGENTS_TOPIC, { type: "conversation.released", conversationId: input.conversationId })
          .catch((err) => log.warn({ err }, "realtime publish failed"));
        outgoing = [{ text: t(locale, "handoff.left"), quickReplies: mainMenu(locale) }];
      }
    } else if (input.mode === "queued" && kind !== "event") {
      // Still waiting (often off-hours): silence read as "nobody got it". One receipt per half
      // hour says the message is kept for the agent and how to leave the queue.
      const last = info.state.queueReceiptAt ? Date.parse(info.state.queueReceiptAt) : Number.NaN;
      const since = input.createdAt.getTime() - last;
      if (!(since >= 0 && since < QUEUE_RECEIPT_MS)) {
        info.state.queueReceiptAt = input.createdAt.toISOString();
        outgoing = [{ text: t(locale, "handoff.received") }];
      }
    }
    // While a human owns the conversation the bot stays silent; the message goes to the agent.
    if (input.mode === "bot") {
      const activity: Partial<Activity> = {
        // Channel events (WeChat subscribe, Bot Framework join) reach the bot's event handler.
        type: kind === "event" ? "event" : "message",
        id: input.inboundId,
        text: input.text,
        channelId: input.channel,
        locale,
        timestamp: input.createdAt,
        from: { id: input.customerId, name: "customer" },
        recipient: { id: "bot", name: "bot" },
        conversation: { id: input.conversationId, isGroup: false, conversationType: "personal", name: "" },
        channelData: input.payload ?? {},
      };
      try {
        const activities = await this.deps.adapter.processTurn(activity, async (context) => {
          context.turnState.set(TURN_INFO, info);
          await this.deps.bot.run(context);
        });
        outgoing = activities.map(fromActivity).filter((o) => o.text.length > 0);
      } catch (err) {
        // The database failed mid-turn (issue 20): committing the apology would make it the
        // permanent answer to this message. Leave it `received`: the caller gets 503, a re-send
        // (same clientMessageId, a webhook's retry) or the replay sweep runs the turn again.
        if (isTransientError(err)) throw err;
        log.error({ err, conversationId: input.conversationId, messageId: input.inboundId }, "bot turn failed");
        outgoing = [{ text: t(locale, "error.internal") }];
      }
    }

    const stored = await this.repo.commitTurn({
      inboundId: input.inboundId,
      conversationId: input.conversationId,
      channel: input.channel,
      address: input.address,
      replies: outgoing,
      state: info.state,
      intent: info.intent,
      category: info.category,
      handoffReason: info.handoff?.reason ?? null,
      sentOnCommit: this.deps.outbox.deliveredOnCommit(input.channel),
    });
    // Committed by a concurrent replay elsewhere: answer with what that one stored.
    if (!stored) return this.repliesTo(input.inboundId);
    if (input.mode !== "bot" && this.deps.evidence) {
      const ids = (inboundAttachments(input.payload) ?? []).map((a) => a.id);
      if (ids.length)
        await this.deps.evidence
          .attachToRecentTicket(input.conversationId, ids, input.inboundId)
          .catch((err) => log.error({ err, conversationId: input.conversationId }, "linking evidence failed"));
    }

    const inboundDto: MessageDto = {
      id: input.inboundId,
      seq: input.seq.toString(),
      direction: "in",
      author: "customer",
      text: input.text,
      ...(inboundAttachments(input.payload) ? { attachments: inboundAttachments(input.payload) } : {}),
      createdAt: input.createdAt.toISOString(),
    };
    void this.deps.bus
      .publish(conversationTopic(input.conversationId), {
        type: "message",
        conversationId: input.conversationId,
        message: inboundDto,
      })
      .catch(() => {});
    if (info.handoff) {
      void this.deps.bus
        .publish(AGENTS_TOPIC, { type: "handoff", conversationId: input.conversationId, reason: info.handoff.reason })
        .catch(() => {});
    }
    const replies: MessageDto[] = stored.map((r) => ({
      id: r.id,
      seq: r.seq.toString(),
      direction: "out",
      author: "bot",
      text: r.text,
      ...(r.quickReplies ? { quickReplies: r.quickReplies } : {}),
      createdAt: r.createdAt.toISOString(),
    }));
    if (this.deps.outbox.deliveredOnCommit(input.channel)) {
      // Stored = delivered: announce to live views (the HTTP response carries them too).
      for (const r of replies) {
        void this.deps.outbox
          .announce({ ...r, messageId: r.id, conversationId: input.conversationId, author: "bot" })
          .catch(() => {});
      }
      return replies;
    }
    // Deliver now (this instance holds the fresh rows' lease); failures retry with backoff.
    await this.deps.outbox.deliverFresh(
      stored.map((r, i) => ({
        outboxId: r.outboxId,
        channel: input.channel,
        address: input.address,
        message: { ...(replies[i] as MessageDto), conversationId: input.conversationId },
      })),
    );
    return replies;
  }

  /**
   * Sends a message into a conversation from outside a turn (an agent's reply, a survey,
   * a proactive notice): stored, then delivered through the outbox on the conversation's
   * own channel. `internal` notes are stored and shown to staff but never sent.
   */
  async sendToConversation(
    conversationId: string,
    message: {
      text: string;
      author: "agent" | "system" | "bot";
      agentId?: string;
      quickReplies?: QuickReply[];
      internal?: boolean;
      /** Opaque reference kept with the message and handed to dead-letter listeners (`survey:<id>`). */
      ref?: string;
      /** Images an agent sends (issue 17; web chat only, ConsoleService checks the channel). */
      attachments?: NonNullable<MessageDto["attachments"]>;
      /** Issue 18: colleagues an internal note @mentions (validated by ConsoleService). */
      mentions?: MentionDto[];
    },
  ): Promise<MessageDto & { mentions?: MentionDto[] }> {
    const { db } = this.deps;
    const conv = await db.conversation.findUniqueOrThrow({
      where: { id: conversationId },
      select: { id: true, channel: true, identityId: true },
    });
    const identity = await db.channelIdentity.findUniqueOrThrow({
      where: { id: conv.identityId },
      select: { address: true },
    });
    const address = identity.address as ChannelAddress;
    if (!message.internal) this.deps.outbox.assertFits(conv.channel, message);
    // Issue 18: the customer sees who answered; kept with the message (a later rename or a
    // deleted account does not rewrite what was shown).
    const agentName =
      message.author === "agent" && message.agentId
        ? (await db.agent.findUnique({ where: { id: message.agentId }, select: { displayName: true } }))?.displayName
        : undefined;
    const { row, outboxId } = await db.$transaction(async (tx) => {
      const row = await tx.message.create({
        data: {
          conversationId,
          direction: "out",
          author: message.author,
          agentId: message.agentId ?? null,
          channel: conv.channel,
          text: message.text,
          payload:
            message.quickReplies?.length ||
            message.ref ||
            message.attachments?.length ||
            agentName ||
            message.mentions?.length
              ? ({
                  ...(message.mentions?.length ? { mentions: message.mentions } : {}),
                  ...(message.quickReplies?.length ? { quickReplies: message.quickReplies } : {}),
                  ...(message.ref ? { ref: message.ref } : {}),
                  ...(message.attachments?.length ? { attachments: message.attachments } : {}),
                  ...(agentName ? { agentName } : {}),
                } as unknown as Prisma.InputJsonValue)
              : undefined,
          status: message.internal ? "internal" : "queued",
          internal: message.internal ?? false,
        },
        select: { id: true, seq: true, direction: true, author: true, text: true, payload: true, createdAt: true },
      });
      await tx.conversation.update({ where: { id: conversationId }, data: { lastMessageAt: new Date() } });
      if (message.internal) return { row, outboxId: undefined };
      const box = await tx.outbox.create({
        data: { messageId: row.id, channel: conv.channel, address: address as Prisma.InputJsonValue },
        select: { id: true },
      });
      return { row, outboxId: box.id };
    });
    const dto = { ...toMessageDto(row), ...(message.mentions?.length ? { mentions: message.mentions } : {}) };
    if (outboxId) await this.deps.outbox.deliver(outboxId);
    else
      void this.deps.bus
        .publish(conversationTopic(conversationId), { type: "note", conversationId, message: dto })
        .catch(() => {});
    return dto;
  }

  /**
   * Sets the conversation's active flow from outside a turn (a survey sent by the scheduler),
   * in one statement serialised with the conversation's turns. `flow: undefined` clears it,
   * only while the active flow is still `onlyIfName` when that is given.
   */
  async setFlow(conversationId: string, flow: DialogState["flow"], onlyIfName?: string): Promise<void> {
    const { db } = this.deps;
    await this.turns.run(conversationId, async () => {
      if (flow) {
        const fresh = JSON.stringify({ ...emptyDialogState(), flow });
        await db.$executeRaw`
          INSERT INTO "BotState" (key, data, etag, "updatedAt") VALUES (${conversationId}, ${fresh}::jsonb, 1, now())
          ON CONFLICT (key) DO UPDATE SET data = jsonb_set("BotState".data, '{flow}', ${JSON.stringify(flow)}::jsonb),
            etag = "BotState".etag + 1, "updatedAt" = now()`;
      } else {
        await db.$executeRaw`
          UPDATE "BotState" SET data = data - 'flow', etag = etag + 1, "updatedAt" = now()
          WHERE key = ${conversationId} AND (${onlyIfName ?? null}::text IS NULL OR data->'flow'->>'name' = ${onlyIfName ?? null})`;
      }
    });
  }

  /**
   * Starts a flow from outside a turn (the survey) unless the customer is in the middle of
   * another one: false when a different flow is active and the conversation's last turn came
   * after `quietBefore` (the caller waits and asks again). One conditional statement, so a
   * turn committing meanwhile is never overwritten half-way.
   */
  async startFlowUnlessBusy(
    conversationId: string,
    flow: NonNullable<DialogState["flow"]>,
    quietBefore: Date,
  ): Promise<boolean> {
    const { db } = this.deps;
    return this.turns.run(conversationId, async () => {
      const fresh = JSON.stringify({ ...emptyDialogState(), flow });
      const rows = await db.$queryRaw<{ key: string }[]>`
        INSERT INTO "BotState" (key, data, etag, "updatedAt") VALUES (${conversationId}, ${fresh}::jsonb, 1, now())
        ON CONFLICT (key) DO UPDATE SET data = jsonb_set("BotState".data, '{flow}', ${JSON.stringify(flow)}::jsonb),
          etag = "BotState".etag + 1, "updatedAt" = now()
        WHERE "BotState".data->'flow' IS NULL OR jsonb_typeof("BotState".data->'flow') = 'null'
          OR "BotState".data->'flow'->>'name' = ${flow.name} OR "BotState"."updatedAt" < ${quietBefore}
        RETURNING key`;
      return rows.length > 0;
    });
  }

  /**
   * Hands a conversation a human holds (or is queued for) back to the bot and tells the
   * customer. False when it was with the bot already.
   */
  async handBackToBot(conversationId: string): Promise<boolean> {
    const { db, bus, log } = this.deps;
    const res = await db.conversation.updateMany({
      where: { id: conversationId, mode: { in: ["agent", "queued"] } },
      data: { mode: "bot", agentId: null, queuedAt: null },
    });
    if (res.count === 0) return false;
    await publishScopeChanged(bus, conversationId).catch((err) => log.warn({ err }, "realtime publish failed"));
    await bus
      .publish(AGENTS_TOPIC, { type: "conversation.released", conversationId })
      .catch((err) => log.warn({ err }, "realtime publish failed"));
    const conv = await db.conversation.findUnique({ where: { id: conversationId }, select: { locale: true } });
    await this.sendToConversation(conversationId, {
      author: "system",
      text: t(toLocale(conv?.locale), "handoff.ended"),
    });
    return true;
  }

  /** Runs fn as the only work on the conversation (serialised with its turns on this instance). */
  exclusive<T>(conversationId: string, fn: () => Promise<T>): Promise<T> {
    return this.turns.run(conversationId, fn);
  }

  /** Answers every inbound message left `received` by a crash, oldest first. */
  async replayPending(olderThanMs = 0): Promise<number> {
    const cutoff = new Date(Date.now() - olderThanMs);
    const pending = await this.deps.db.message.findMany({
      where: { direction: "in", status: "received", createdAt: { lte: cutoff } },
      orderBy: { seq: "asc" },
      select: { id: true, conversationId: true },
      take: 10_000,
    });
    for (const m of pending) {
      await this.turns
        .run(m.conversationId, async () => {
          const input = await this.repo.loadTurn(m.id);
          if (input) await this.runTurn(input);
        })
        .catch((err) => this.deps.log.error({ err, messageId: m.id }, "replay of a pending message failed"));
    }
    return pending.length;
  }

  /** Stops taking new turns and waits for the ones in flight. */
  async drain(): Promise<void> {
    this.stopped = true;
    await this.turns.drain();
  }
}

/** Key of the identity cache: one customer address on one channel. */
function identityKey(channel: string, externalId: string): string {
  return `${channel}\u0000${externalId}`;
}

/** The images of a stored inbound message's payload (issue 17), as message DTOs show them. */
function inboundAttachments(payload: unknown): MessageDto["attachments"] {
  const list = (payload as { attachments?: NonNullable<MessageDto["attachments"]> } | null)?.attachments;
  return list?.length ? attachmentDtos(list) : undefined;
}
