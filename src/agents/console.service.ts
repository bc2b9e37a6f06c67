import type { Logger } from "pino";
import { extractEntities } from "../../intents/index.js";
import type { MentionDto, MessageDto } from "../channel/channel.js";
import { toMessageDto } from "../channel/message.dto.js";
import type { ConversationService } from "../conversation/conversation.service.js";
import type { DialogState } from "../conversation/turn-state.js";
import type { Db } from "../db/client.js";
import { AppError } from "../errors.js";
import { maskPhone } from "../logger.js";
import type { EventBus } from "../realtime/event-bus.js";
import { publishScopeChanged } from "../realtime/scope.js";
import { AGENTS_TOPIC, conversationTopic, staffTopic } from "../realtime/topics.js";
import { auditCannedReply } from "./audit.js";
import type { Principal } from "./auth.service.js";
import { mayViewConversation, type ScopedConversation } from "./conversation-scope.js";

export type Presence = "online" | "away" | "offline";

const OPEN_STATUSES = ["new", "open", "pending_customer"];

export interface ConversationSummary {
  id: string;
  channel: string;
  mode: string;
  agent: { id: string; displayName: string } | null;
  /**
   * Issue 18: who the customer is, in words: their name (or the channel's display name, a WeChat
   * nickname), else a masked phone (theirs, or the contact phone of a complaint in this chat);
   * both null for an anonymous visitor, whom the console names by channel and first visit.
   */
  customer: { id: string; name: string | null; phone: string | null };
  createdAt: string;
  lastIntent: string | null;
  lastCategory: string | null;
  handoffReason: string | null;
  queuedAt: string | null;
  lastMessageAt: string;
  lastMessage: string | null;
  /** Issue 18: labels on this conversation, by name. */
  labels: { id: string; name: string; color: string }[];
}

export interface StaffMessage extends MessageDto {
  internal: boolean;
  agentId: string | null;
  /** Issue 18: colleagues this internal note @mentions. */
  mentions?: MentionDto[];
}

/** Issue 18: a colleague as the console offers them after `@` (active accounts only). */
export interface Colleague {
  id: string;
  username: string;
  displayName: string;
  role: string;
}

/** Characters that continue a username (ASCII), so `@bob` does not match inside `@bobby`. */
const USERNAME_CHAR = /[A-Za-z0-9_.-]/;

/**
 * Issue 18: the colleagues `text` @mentions: at each `@`, the longest active username (not
 * followed by another username character, case-insensitive) or display name (exact; Chinese names
 * are written without a space after them) that the text continues with. Unknown @words are plain
 * text. Each colleague once, in order of first mention.
 */
export function findMentions(text: string, colleagues: readonly Colleague[]): Colleague[] {
  const found = new Map<string, Colleague>();
  for (let at = text.indexOf("@"); at !== -1; at = text.indexOf("@", at + 1)) {
    const rest = text.slice(at + 1);
    let best: { who: Colleague; length: number } | undefined;
    for (const who of colleagues) {
      const u = who.username;
      if (
        rest.slice(0, u.length).toLowerCase() === u.toLowerCase() &&
        !USERNAME_CHAR.test(rest.charAt(u.length)) &&
        u.length > (best?.length ?? 0)
      )
        best = { who, length: u.length };
      const d = who.displayName;
      if (d && rest.startsWith(d) && d.length > (best?.length ?? 0)) best = { who, length: d.length };
    }
    if (best && !found.has(best.who.id)) found.set(best.who.id, best.who);
  }
  return [...found.values()];
}

/** Context the console shows beside a conversation, looked up by other modules (tracking, tickets). */
export interface ConversationContext {
  waybill: string | null;
  [section: string]: unknown;
}
export type ContextProvider = (args: {
  customerId: string;
  waybill: string | null;
}) => Promise<Record<string, unknown>>;

/**
 * The human side of a conversation: the queue of handed-off conversations, taking one
 * (首问负责制, 001: whoever takes it owns it until it is handed back or transferred), replies
 * and internal notes, transfer and hand-back to the bot. Taking is the lock that prevents
 * two agents from answering the same customer.
 */
export class ConsoleService {
  private readonly contextProviders: ContextProvider[] = [];

  constructor(
    private readonly db: Db,
    private readonly conversations: ConversationService,
    private readonly bus: EventBus,
    private readonly log: Logger,
    /** Called when an agent comes online (tickets waiting in their groups are assigned to them). */
    private readonly onOnline: (agentId: string) => Promise<unknown> = async () => undefined,
    /** Called after an agent's reply reached the customer (the linked tickets' first response). */
    private readonly onAgentReply: (
      conversationId: string,
      agentId: string,
      messageId: string,
    ) => Promise<unknown> = async () => undefined,
  ) {}

  /** Other modules add what an agent needs to see (tracking events, earlier tickets, SLA clocks). */
  addContextProvider(provider: ContextProvider): void {
    this.contextProviders.push(provider);
  }

  /** How long the queue is, and whether anyone is there to answer (for the handoff message). */
  async queueStatus(): Promise<{ waiting: number; agentsOnline: number }> {
    const [waiting, agentsOnline] = await Promise.all([
      this.db.conversation.count({ where: { mode: "queued" } }),
      this.db.agent.count({ where: { presence: "online", active: true } }),
    ]);
    return { waiting, agentsOnline };
  }

  async list(principal: Principal, filter: "queued" | "mine" | "all", label?: string): Promise<ConversationSummary[]> {
    const scoped =
      filter === "queued"
        ? { mode: "queued" }
        : filter === "mine"
          ? { mode: "agent", agentId: principal.agentId }
          : principal.role === "agent"
            ? { OR: [{ mode: "queued" }, { mode: "agent", agentId: principal.agentId }] }
            : { mode: { in: ["queued", "agent"] } };
    const where = label ? { AND: [scoped, { labels: { some: { labelId: label } } }] } : scoped;
    const rows = await this.db.conversation.findMany({
      where,
      orderBy: filter === "queued" ? { queuedAt: "asc" } : { lastMessageAt: "desc" },
      take: 200,
      include: {
        customer: { select: { id: true, name: true, phone: true } },
        // The last few, to preview the customer's own last words (below).
        messages: {
          orderBy: { seq: "desc" },
          take: 10,
          where: { internal: false },
          select: { text: true, direction: true, intent: true },
        },
        labels: { select: { label: { select: { id: true, name: true, color: true } } } },
      },
    });
    const [agentNames, who] = await Promise.all([
      this.agentNames(rows.map((r) => r.agentId)),
      this.customerWords(rows),
    ]);
    return rows.map((r) => ({
      id: r.id,
      channel: r.channel,
      mode: r.mode,
      agent: r.agentId ? { id: r.agentId, displayName: agentNames.get(r.agentId) ?? "?" } : null,
      customer: { id: r.customer.id, ...who.get(r.id)! },
      createdAt: r.createdAt.toISOString(),
      lastIntent: r.lastIntent,
      lastCategory: r.lastCategory,
      handoffReason: r.handoffReason,
      queuedAt: r.queuedAt?.toISOString() ?? null,
      lastMessageAt: r.lastMessageAt.toISOString(),
      lastMessage: previewOf(r.mode, r.messages),
      labels: r.labels.map((l) => l.label).sort((a, b) => a.name.localeCompare(b.name)),
    }));
  }

  /** Whether this staff member holds the conversation (an agent answering it now). */
  /**
   * Issue 18: the holding agent has seen the customer's messages up to `seq` (已读 in the chat).
   * Only forward, only the holder, only a seq of that conversation; false when nothing changed.
   */
  async markRead(principal: Principal, conversationId: string, seq: bigint): Promise<boolean> {
    if (!(await this.holds(principal, conversationId))) return false;
    const last = await this.db.message.findFirst({
      where: { conversationId, direction: "in", seq: { lte: seq } },
      orderBy: { seq: "desc" },
      select: { seq: true },
    });
    if (!last) return false;
    const { count } = await this.db.conversation.updateMany({
      where: { id: conversationId, OR: [{ agentReadSeq: null }, { agentReadSeq: { lt: last.seq } }] },
      data: { agentReadSeq: last.seq },
    });
    if (count)
      await this.bus.publish(this.topic(conversationId), {
        type: "read",
        conversationId,
        upTo: last.seq.toString(),
      });
    return count > 0;
  }

  async holds(principal: Principal, conversationId: string): Promise<boolean> {
    if (!/^[0-9a-f-]{36}$/i.test(conversationId)) return false;
    const conv = await this.db.conversation.findUnique({
      where: { id: conversationId },
      select: { mode: true, agentId: true },
    });
    return conv?.mode === "agent" && conv.agentId === principal.agentId;
  }

  /** Name and masked phone per conversation (see ConversationSummary.customer); never a raw phone. */
  private async customerWords(
    convs: { id: string; identityId: string; customer: { name: string | null; phone: string | null } }[],
  ): Promise<Map<string, { name: string | null; phone: string | null }>> {
    const needName = convs.filter((c) => !c.customer.name);
    const needPhone = convs.filter((c) => !c.customer.phone);
    const [identities, tickets] = await Promise.all([
      needName.length
        ? this.db.channelIdentity.findMany({
            where: { id: { in: needName.map((c) => c.identityId) }, displayName: { not: null } },
            select: { id: true, displayName: true },
          })
        : [],
      needPhone.length
        ? this.db.ticket.findMany({
            where: { conversationId: { in: needPhone.map((c) => c.id) }, contactPhone: { not: null } },
            orderBy: { createdAt: "desc" },
            select: { conversationId: true, contactPhone: true },
          })
        : [],
    ]);
    const nickname = new Map(identities.map((i) => [i.id, i.displayName]));
    const contact = new Map<string, string>();
    for (const t of tickets)
      if (t.conversationId && !contact.has(t.conversationId)) contact.set(t.conversationId, t.contactPhone!);
    return new Map(
      convs.map((c) => {
        const phone = c.customer.phone ?? contact.get(c.id) ?? null;
        return [
          c.id,
          { name: c.customer.name || nickname.get(c.identityId) || null, phone: phone ? maskPhone(phone) : null },
        ];
      }),
    );
  }

  async detail(principal: Principal, conversationId: string) {
    const conv = await this.db.conversation.findUnique({
      where: { id: conversationId },
      include: {
        customer: { select: { id: true, name: true, phone: true } },
        labels: { select: { label: { select: { id: true, name: true, color: true } } } },
      },
    });
    if (!conv) throw new AppError("NOT_FOUND", "Conversation not found");
    await this.assertCanView(principal, conv);
    const [messages, state, agentNames, who] = await Promise.all([
      this.db.message.findMany({
        where: { conversationId },
        orderBy: { seq: "asc" },
        take: 1000,
        select: {
          id: true,
          seq: true,
          direction: true,
          author: true,
          text: true,
          payload: true,
          createdAt: true,
          internal: true,
          agentId: true,
          intent: true,
        },
      }),
      this.db.botState.findUnique({ where: { key: conversationId }, select: { data: true } }),
      this.agentNames([conv.agentId]),
      this.customerWords([conv]),
    ]);
    // THE ticket of this conversation (the open one, else the latest), and the customer's others.
    const tickets = await this.db.ticket.findMany({
      where: { customerId: conv.customerId },
      orderBy: { createdAt: "desc" },
      take: 20,
      select: { number: true, category: true, status: true, waybill: true, conversationId: true, createdAt: true },
    });
    const own = tickets.filter((t) => t.conversationId === conv.id);
    const linked = own.find((t) => OPEN_STATUSES.includes(t.status)) ?? own[0] ?? null;
    const waybill =
      linked?.waybill ?? (state?.data as DialogState | undefined)?.lastWaybill ?? lastWaybillSaid(messages) ?? null;
    const context: Record<string, unknown> = {
      waybill,
      ticket: linked ? { number: linked.number, category: linked.category, status: linked.status } : null,
      tickets: tickets
        .filter((t) => t.number !== linked?.number)
        .map((t) => ({
          number: t.number,
          category: t.category,
          status: t.status,
          createdAt: t.createdAt.toISOString(),
        })),
    };
    for (const provider of this.contextProviders) {
      try {
        Object.assign(context, await provider({ customerId: conv.customerId, waybill }));
      } catch (err) {
        this.log.warn({ err, conversationId }, "console context provider failed");
      }
    }
    return {
      id: conv.id,
      channel: conv.channel,
      mode: conv.mode,
      locale: conv.locale,
      agent: conv.agentId ? { id: conv.agentId, displayName: agentNames.get(conv.agentId) ?? "?" } : null,
      customer: { id: conv.customer.id, ...who.get(conv.id)! },
      createdAt: conv.createdAt.toISOString(),
      lastIntent: conv.lastIntent,
      lastCategory: conv.lastCategory,
      handoffReason: conv.handoffReason,
      queuedAt: conv.queuedAt?.toISOString() ?? null,
      labels: conv.labels.map((l) => l.label).sort((a, b) => a.name.localeCompare(b.name)),
      messages: messages.map((m): StaffMessage & { intent: string | null } => {
        const mentions = m.internal ? (m.payload as { mentions?: MentionDto[] } | null)?.mentions : undefined;
        return {
          ...toMessageDto(m),
          internal: m.internal,
          agentId: m.agentId,
          intent: m.intent,
          ...(mentions?.length ? { mentions } : {}),
        };
      }),
      context,
    };
  }

  /** Takes a queued conversation (or one already the agent's own). Refused when someone else has it. */
  async take(principal: Principal, conversationId: string): Promise<void> {
    if (principal.role === "agent") {
      // A conversation the bot holds is taken only within the agent's scope (see assertCanView).
      const conv = await this.db.conversation.findUnique({
        where: { id: conversationId },
        select: { id: true, mode: true, agentId: true },
      });
      if (!conv) throw new AppError("NOT_FOUND", "Conversation not found");
      if (conv.mode !== "agent") await this.assertCanView(principal, conv);
    }
    const taken = await this.db.conversation.updateMany({
      where: {
        id: conversationId,
        OR: [{ mode: "queued" }, { mode: "bot" }, { mode: "agent", agentId: principal.agentId }],
      },
      data: { mode: "agent", agentId: principal.agentId, queuedAt: null },
    });
    if (taken.count === 0) await this.refuseNotOwner(conversationId);
    await publishScopeChanged(this.bus, conversationId);
    await this.audit(principal, "conversation.take", conversationId);
    await this.bus.publish(AGENTS_TOPIC, {
      type: "conversation.taken",
      conversationId,
      agent: { id: principal.agentId, displayName: principal.displayName },
    });
    await this.conversations.sendToConversation(conversationId, {
      author: "system",
      text: `人工客服${principal.displayName}为您服务，请问有什么可以帮您？`,
    });
  }

  async reply(
    principal: Principal,
    conversationId: string,
    text: string,
    cannedReplyId?: string,
    attachments?: NonNullable<MessageDto["attachments"]>,
  ): Promise<MessageDto> {
    await this.assertOwner(principal, conversationId);
    const message = await this.conversations.sendToConversation(conversationId, {
      author: "agent",
      agentId: principal.agentId,
      text,
      ...(attachments?.length ? { attachments } : {}),
    });
    // The message is out: a failure here must not turn the sent reply into an error.
    await this.onAgentReply(conversationId, principal.agentId, message.id).catch((err) =>
      this.log.error({ err, conversationId }, "recording the first response failed"),
    );
    await this.audit(principal, "conversation.reply", conversationId);
    if (cannedReplyId)
      await auditCannedReply(this.db, principal.agentId, cannedReplyId, {
        subjectType: "conversation",
        subjectId: conversationId,
      });
    return message;
  }

  /** Issue 18: active colleagues, for `@` in a note (names only: no groups, presence or contact). */
  async colleagues(): Promise<Colleague[]> {
    return this.db.agent.findMany({
      where: { active: true },
      orderBy: { displayName: "asc" },
      take: 2000,
      select: { id: true, username: true, displayName: true, role: true },
    });
  }

  /**
   * An internal note. Issue 18: colleagues it @mentions (active accounts, see findMentions) are
   * kept with it and told live on their own staff connection, whether or not they watch the
   * conversation; a mention of someone who may not see the conversation (mayViewConversation) is
   * refused with MENTION_NOT_VISIBLE and nothing is stored.
   */
  async note(principal: Principal, conversationId: string, text: string): Promise<StaffMessage> {
    const conv = await this.db.conversation.findUnique({
      where: { id: conversationId },
      select: { id: true, mode: true, agentId: true },
    });
    if (!conv) throw new AppError("NOT_FOUND", "Conversation not found");
    await this.assertCanView(principal, conv);
    const mentioned = text.includes("@") ? findMentions(text, await this.colleagues()) : [];
    if (mentioned.length) {
      const groups = await this.db.agentGroup.findMany({
        where: { agentId: { in: mentioned.map((m) => m.id) } },
        select: { agentId: true, groupCode: true },
      });
      const blind: string[] = [];
      for (const who of mentioned) {
        const viewer = {
          id: who.id,
          role: who.role as Principal["role"],
          groups: groups.filter((g) => g.agentId === who.id).map((g) => g.groupCode),
        };
        if (!(await mayViewConversation(this.db, viewer, conv))) blind.push(who.username);
      }
      if (blind.length)
        throw new AppError("MENTION_NOT_VISIBLE", `${blind.join(", ")} cannot see this conversation`, {
          usernames: blind,
        });
    }
    const mentions = mentioned.map(({ id, username, displayName }) => ({ id, username, displayName }));
    const message = await this.conversations.sendToConversation(conversationId, {
      author: "agent",
      agentId: principal.agentId,
      text,
      internal: true,
      ...(mentions.length ? { mentions } : {}),
    });
    await this.audit(
      principal,
      "conversation.note",
      conversationId,
      mentions.length ? { mentions: mentions.map((m) => m.username) } : undefined,
    );
    for (const who of mentions) {
      if (who.id === principal.agentId) continue;
      await this.bus
        .publish(staffTopic(who.id), {
          type: "mention",
          conversationId,
          messageId: message.id,
          from: { id: principal.agentId, displayName: principal.displayName },
          text: text.slice(0, 200),
        })
        .catch((err) => this.log.warn({ err, conversationId }, "telling a mentioned colleague failed"));
    }
    return { ...message, internal: true, agentId: principal.agentId };
  }

  /** Hands the conversation back to the bot. */
  async release(principal: Principal, conversationId: string): Promise<void> {
    if (principal.role === "agent") await this.assertOwner(principal, conversationId);
    if (!(await this.conversations.handBackToBot(conversationId)))
      throw new AppError("CONFLICT", "The conversation is not with a human");
    await this.audit(principal, "conversation.release", conversationId);
  }

  /** Transfers ownership to another agent (首问负责制: only with a note saying why). */
  async transfer(principal: Principal, conversationId: string, toUsername: string, note: string): Promise<void> {
    if (principal.role === "agent") await this.assertOwner(principal, conversationId);
    const target = await this.db.agent.findUnique({
      where: { username: toUsername },
      select: { id: true, active: true, displayName: true },
    });
    if (!target?.active) throw new AppError("BAD_REQUEST", `No active agent "${toUsername}"`);
    await this.db.conversation.update({
      where: { id: conversationId },
      data: { mode: "agent", agentId: target.id, queuedAt: null },
    });
    await publishScopeChanged(this.bus, conversationId);
    await this.conversations.sendToConversation(conversationId, {
      author: "agent",
      agentId: principal.agentId,
      text: `转交给 ${target.displayName}：${note}`,
      internal: true,
    });
    await this.audit(principal, "conversation.transfer", conversationId, { to: toUsername, note });
    await this.bus.publish(AGENTS_TOPIC, {
      type: "conversation.transferred",
      conversationId,
      to: { id: target.id, displayName: target.displayName },
    });
  }

  async setPresence(principal: Principal, presence: Presence): Promise<void> {
    await this.db.agent.update({ where: { id: principal.agentId }, data: { presence } });
    await this.bus.publish(AGENTS_TOPIC, { type: "agent.presence", agentId: principal.agentId, presence });
    if (presence === "online") {
      await this.onOnline(principal.agentId).catch((err) => this.log.warn({ err }, "assigning waiting tickets failed"));
    }
  }

  /** Live events for one conversation's viewers. */
  topic(conversationId: string): string {
    return conversationTopic(conversationId);
  }

  /** Whether the conversation exists and is in the principal's scope now (see mayViewConversation). */
  async mayView(principal: Principal, conversationId: string): Promise<boolean> {
    if (principal.role !== "agent") return true;
    const conv = await this.db.conversation.findUnique({
      where: { id: conversationId },
      select: { id: true, mode: true, agentId: true },
    });
    const viewer = { id: principal.agentId, role: principal.role, groups: principal.groups };
    return conv !== null && mayViewConversation(this.db, viewer, conv);
  }

  /** Throws FORBIDDEN (403) unless the conversation is in the principal's scope (see mayViewConversation). */
  async assertCanView(principal: Principal, conv: ScopedConversation): Promise<void> {
    const viewer = { id: principal.agentId, role: principal.role, groups: principal.groups };
    if (await mayViewConversation(this.db, viewer, conv)) return;
    throw new AppError("FORBIDDEN", "This conversation is outside your groups or belongs to another agent");
  }

  private async assertOwner(principal: Principal, conversationId: string): Promise<void> {
    const conv = await this.db.conversation.findUnique({
      where: { id: conversationId },
      select: { mode: true, agentId: true },
    });
    if (!conv) throw new AppError("NOT_FOUND", "Conversation not found");
    if (conv.mode !== "agent" || conv.agentId !== principal.agentId) await this.refuseNotOwner(conversationId);
  }

  private async refuseNotOwner(conversationId: string): Promise<never> {
    const conv = await this.db.conversation.findUnique({
      where: { id: conversationId },
      select: { mode: true, agentId: true },
    });
    if (!conv) throw new AppError("NOT_FOUND", "Conversation not found");
    if (conv.mode === "agent" && conv.agentId) {
      const names = await this.agentNames([conv.agentId]);
      throw new AppError("CONFLICT", `Taken by ${names.get(conv.agentId) ?? "another agent"}`, {
        takenBy: conv.agentId,
      });
    }
    throw new AppError("CONFLICT", "Take the conversation before replying");
  }

  private async agentNames(ids: (string | null)[]): Promise<Map<string, string>> {
    const wanted = [...new Set(ids.filter((i): i is string => Boolean(i)))];
    if (!wanted.length) return new Map();
    const agents = await this.db.agent.findMany({
      where: { id: { in: wanted } },
      select: { id: true, displayName: true },
    });
    return new Map(agents.map((a) => [a.id, a.displayName]));
  }

  private async audit(
    principal: Principal,
    action: string,
    conversationId: string,
    data?: Record<string, unknown>,
  ): Promise<void> {
    await this.db.auditEvent.create({
      data: {
        actorType: "agent",
        actorId: principal.agentId,
        action,
        subjectType: "conversation",
        subjectId: conversationId,
        ...(data ? { data: data as object } : {}),
      },
    });
  }
}

/**
 * The last waybill the customer wrote in this chat: a customer who gave it and then asked for a
 * person (leaving the complaint or request unfinished) has no ticket and no tracked waybill, and
 * the agent should not have to scroll for it.
 */
function lastWaybillSaid(messages: readonly { direction: string; text: string; internal: boolean }[]): string | null {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.direction !== "in" || m.internal) continue;
    const found = extractEntities(m.text).filter((e) => e.type === "waybill");
    if (found.length) return found.at(-1)!.value;
  }
  return null;
}

/**
 * The line under a conversation in the console's lists. Waiting for a person, the bot's last line
 * is the same handoff notice for everyone and the customer's is often just "转人工": the queue
 * shows what the customer last wrote about their problem, so an agent can tell the chats apart.
 */
function previewOf(
  mode: string,
  newestFirst: readonly { text: string; direction: string; intent: string | null }[],
): string | null {
  const said = newestFirst.filter((m) => m.direction === "in");
  const shown =
    mode === "queued" ? (said.find((m) => m.intent !== "human") ?? said[0] ?? newestFirst[0]) : newestFirst[0];
  return shown?.text.slice(0, 120) ?? null;
}
