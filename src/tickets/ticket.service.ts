import type { Logger } from "pino";
import { auditCannedReply, auditStaff } from "../agents/audit.js";
import type { Principal, Role } from "../agents/auth.service.js";
import { mayViewConversation } from "../agents/conversation-scope.js";
import type { QuickReply } from "../channel/channel.js";
import type { ConversationService } from "../conversation/conversation.service.js";
import { proposalReplies, rt } from "../conversation/flows/request.texts.js";
import { type Locale, toLocale } from "../conversation/texts.js";
import { type Database, type Db, escapeLike } from "../db/client.js";
import { AppError } from "../errors.js";
import { Prisma } from "../generated/prisma/client.js";
import { maskPhone } from "../logger.js";
import type { EventBus } from "../realtime/event-bus.js";
import { AGENTS_TOPIC } from "../realtime/topics.js";
import { formatDuration } from "../sla/duration.js";
import type { ArmRequest, SlaClockDto, SlaService } from "../sla/sla.service.js";
import { TX_OPTIONS, toClockDto } from "../sla/sla.service.js";
import { CLOCK_KINDS, type PolicySubject } from "../sla/sla-policy.js";
import { type AssignmentCandidate, pickAssignee } from "./assignment.js";
import { RequestRouting } from "./request-routing.js";
import { formatTicketNumber, periodOf } from "./ticket-number.js";
import { DEFAULT_THRESHOLDS, GROUPS, type PriorityThresholds, triage } from "./ticket-rules.js";
import { type Priority, type TicketAction, type TicketStatus, transition } from "./ticket-state.js";
import { isRequestType, requestStep, type TicketType, typeLabel, URGE_JOIN_MS } from "./ticket-types.js";

type Tx = Prisma.TransactionClient;

export interface TicketOptions {
  thresholds?: PriorityThresholds;
  now?: () => Date;
  /** Called after a resolution commits (issue 8: schedules the survey); errors are logged, not thrown. */
  onResolved?: (ticketId: string) => Promise<void>;
  /** The driver, for reads on the bot's hot path (a customer's tickets, asked on progress questions). */
  sql: Pick<Database, "query">;
  /** The group each request type is opened in (issue 15; defaults to REQUEST_GROUP). */
  routing?: Pick<RequestRouting, "groupFor">;
}

/** Who did it: an agent (with role and groups), the customer, or the system. */
export type Actor =
  | { type: "agent"; id: string; role: Role; groups: string[] }
  | { type: "customer"; id: string }
  | { type: "system" };

export const actorOf = (p: Principal): Actor => ({ type: "agent", id: p.agentId, role: p.role, groups: p.groups });

/** What selects a ticket's SLA policies (sla-policy.ts), as the ticket stands now. */
function policySubject(t: PolicySubject): PolicySubject {
  return { type: t.type, category: t.category, priority: t.priority, groupCode: t.groupCode, complex: t.complex };
}

/**
 * 首问负责制 (001): while another agent holds a conversation, an agent reaches it through no
 * path — not by linking it to a new ticket, not by replying on a ticket linked to it.
 * Supervisors and admins may (they transfer and take over). Throws CONFLICT (409).
 */
function assertNotOthersConversation(actor: Actor, conv: { mode: string; agentId: string | null }): void {
  if (actor.type !== "agent" || actor.role !== "agent") return;
  if (conv.mode === "agent" && conv.agentId && conv.agentId !== actor.id)
    throw new AppError("CONFLICT", "This conversation is held by another agent", { takenBy: conv.agentId });
}

export interface CreateTicketInput {
  category: string;
  description: string;
  waybill?: string | undefined;
  contactPhone?: string | undefined;
  claimedAmount?: number | undefined;
  priority?: Priority | undefined;
  complex?: boolean | undefined;
  /** The customer's chat; replies go back on its channel. */
  conversationId?: string | undefined;
  /** Without a conversation (a phone call): find or create the customer by phone. */
  customerPhone?: string | undefined;
  customerName?: string | undefined;
}

export interface BotComplaint {
  /** complaint (default) or a service request type (issue 15). */
  type?: TicketType | undefined;
  /** Per-type request data (new address, pickup slot, preference and consent, claim facts). */
  details?: Record<string, unknown> | undefined;
  conversationId: string;
  customerId: string;
  channel: string;
  /** The inbound message whose turn confirmed it: a replayed turn finds the same ticket. */
  sourceMessageId: string;
  category: string;
  description: string;
  waybill?: string | undefined;
  contactPhone?: string | undefined;
  claimedAmount?: number | undefined;
}

export interface TicketEventDto {
  id: string;
  at: string;
  actorType: string;
  actorId: string | null;
  type: string;
  data: unknown;
}

export interface TicketSummary {
  number: string;
  type: string;
  category: string;
  priority: string;
  status: string;
  groupCode: string;
  assigneeId: string | null;
  channel: string;
  waybill: string | null;
  description: string;
  createdAt: string;
  updatedAt: string;
  /** Earliest due time of a running clock. */
  nextDueAt: string | null;
  /** That clock's warning time (amber from here on, as in the detail). */
  nextWarnAt: string | null;
  breached: boolean;
}

export interface TicketDetail extends TicketSummary {
  id: string;
  assignee: { id: string; username: string; displayName: string } | null;
  customer: { id: string; name: string | null; phone: string | null };
  conversationId: string | null;
  contactPhone: string | null;
  claimedAmount: number | null;
  /** Request data; addresses in full for the staff who may see this ticket (lists show masked text). */
  details: Record<string, unknown> | null;
  outcome: string | null;
  proposedAmount: number | null;
  paidAmount: number | null;
  complex: boolean;
  resolution: string | null;
  rootCause: string | null;
  reopenedCount: number;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  slaClocks: SlaClockDto[];
  events: TicketEventDto[];
}

export interface TicketFilter {
  status?: TicketStatus[] | undefined;
  type?: TicketType | undefined;
  category?: string | undefined;
  group?: string | undefined;
  /** "me", "none" or an agent id. */
  assignee?: string | undefined;
  breached?: boolean | undefined;
  text?: string | undefined;
  page: number;
  pageSize: number;
}

export type ActionBody =
  | { action: "take" }
  | { action: "reply"; text: string; cannedReplyId?: string | undefined }
  | { action: "note"; text: string }
  | { action: "pend"; text?: string | undefined }
  | { action: "resolve"; resolution: string; rootCause?: "quality" | "non_quality" | undefined }
  | { action: "reopen"; reason?: string | undefined }
  | { action: "transfer"; agent?: string | undefined; group?: string | undefined; note: string }
  | { action: "close" }
  | { action: "complete"; resolution?: string | undefined; paidAmount?: number | undefined }
  | { action: "reject"; reason: string }
  | { action: "convert"; note?: string | undefined }
  | { action: "propose"; amount: number; note?: string | undefined }
  | { action: "agree" };

const SUMMARY_SELECT = {
  id: true,
  number: true,
  type: true,
  category: true,
  priority: true,
  status: true,
  groupCode: true,
  assigneeId: true,
  channel: true,
  waybill: true,
  description: true,
  createdAt: true,
  updatedAt: true,
  clocks: { select: { state: true, dueAt: true, warnAt: true } },
} satisfies Prisma.TicketSelect;

type SummaryRow = Prisma.TicketGetPayload<{ select: typeof SUMMARY_SELECT }>;

function toSummary(r: SummaryRow): TicketSummary {
  const next = r.clocks
    .filter((c) => c.state === "running")
    .reduce<SummaryRow["clocks"][number] | undefined>((a, c) => (!a || c.dueAt < a.dueAt ? c : a), undefined);
  return {
    number: r.number,
    type: r.type,
    category: r.category,
    priority: r.priority,
    status: r.status,
    groupCode: r.groupCode,
    assigneeId: r.assigneeId,
    channel: r.channel,
    waybill: r.waybill,
    description: r.description,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    nextDueAt: next?.dueAt.toISOString() ?? null,
    nextWarnAt: next?.warnAt.toISOString() ?? null,
    breached: r.clocks.some((c) => c.state === "breached"),
  };
}

const DAY = 86_400_000;

/** Rolls back a first response another reply recorded meanwhile. */
const ANSWERED_MEANWHILE = new Error("answered meanwhile");

/** How long bot replies may show a renamed group's old name. */
const GROUP_NAMES_TTL_MS = 30_000;

/**
 * Tickets: numbering, triage, the lifecycle with its audit trail, and the SLA clocks that
 * follow it. Every state change is one transaction (ticket row + event + clocks); scheduler
 * triggers and realtime events follow the commit.
 */
export class TicketService {
  private groupNamesCache: { at: number; names: Map<string, { nameZh: string; nameEn: string }> } | undefined;
  private readonly now: () => Date;
  private readonly thresholds: PriorityThresholds;

  constructor(
    private readonly db: Db,
    private readonly sla: SlaService,
    private readonly conversations: Pick<ConversationService, "sendToConversation">,
    private readonly bus: EventBus,
    private readonly log: Logger,
    opts: TicketOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
    this.thresholds = opts.thresholds ?? DEFAULT_THRESHOLDS;
    this.onResolved = opts.onResolved;
    this.sql = opts.sql;
    this.routing = opts.routing ?? new RequestRouting(db);
  }

  private readonly routing: Pick<RequestRouting, "groupFor">;

  private readonly sql: Pick<Database, "query">;

  private readonly onResolved: ((ticketId: string) => Promise<void>) | undefined;

  /** Seeds the routing groups (domain.md) idempotently. */
  async seedGroups(): Promise<void> {
    await this.db.group.createMany({ data: GROUPS.map((g) => ({ ...g })), skipDuplicates: true });
  }

  /**
   * The next number of the month: one atomic upsert on the month's counter row, outside
   * the ticket transaction so creations do not queue behind each other (a rolled-back
   * creation leaves a gap, never a duplicate).
   */
  async nextNumber(at = this.now()): Promise<string> {
    const period = periodOf(at);
    const rows = await this.db.$queryRaw<{ last: number }[]>`
      INSERT INTO "TicketCounter" (period, last) VALUES (${period}, 1)
      ON CONFLICT (period) DO UPDATE SET last = "TicketCounter".last + 1
      RETURNING last`;
    return formatTicketNumber(period, Number(rows[0]?.last));
  }

  // ───────────────────────── creation ─────────────────────────

  /** POST /api/tickets: an agent opens a ticket (e.g. for a phone call). */
  async create(input: CreateTicketInput, actor: Actor): Promise<TicketDetail> {
    let customerId: string;
    let channel = "phone";
    let conversationId: string | null = null;
    if (input.conversationId) {
      const conv = await this.db.conversation.findUnique({
        where: { id: input.conversationId },
        select: { id: true, customerId: true, channel: true, mode: true, agentId: true },
      });
      if (!conv)
        throw new AppError("VALIDATION_FAILED", "conversationId: no such conversation", {
          issues: ["conversationId: no such conversation"],
        });
      assertNotOthersConversation(actor, conv);
      if (actor.type === "agent" && !(await mayViewConversation(this.db, actor, conv)))
        throw new AppError("FORBIDDEN", "This conversation is outside your groups");
      customerId = conv.customerId;
      channel = conv.channel;
      conversationId = conv.id;
    } else if (input.customerPhone) {
      customerId = await this.customerByPhone(input.customerPhone, input.customerName);
    } else {
      throw new AppError("VALIDATION_FAILED", "Give conversationId or customerPhone", {
        issues: ["customerPhone: required without conversationId"],
      });
    }
    const id = await this.insert({
      customerId,
      conversationId,
      channel,
      category: input.category,
      description: input.description,
      waybill: input.waybill,
      contactPhone: input.contactPhone ?? input.customerPhone,
      claimedAmount: input.claimedAmount,
      requestedPriority: input.priority,
      complex: input.complex ?? false,
      actor,
    });
    return this.detailById(id);
  }

  private async customerByPhone(phone: string, name?: string): Promise<string> {
    const found = await this.db.customer.findUnique({ where: { phone }, select: { id: true } });
    if (found) return found.id;
    try {
      const created = await this.db.customer.create({ data: { phone, name: name ?? null }, select: { id: true } });
      return created.id;
    } catch (err) {
      const again = await this.db.customer.findUnique({ where: { phone }, select: { id: true } });
      if (again) return again.id;
      throw err;
    }
  }

  /**
   * The complaint dialog's confirmation. Idempotent per inbound message (a turn replayed
   * after a crash returns the ticket it already opened). A complaint about the same thing
   * within the reopen window reopens the resolved ticket instead of opening a second one.
   */
  async openFromBot(c: BotComplaint): Promise<{ ticket: TicketDetail; reopened: boolean; joined?: boolean }> {
    const type = c.type ?? "complaint";
    const existing = await this.db.ticket.findFirst({
      where: {
        customerId: c.customerId,
        events: {
          some: {
            type: { in: ["created", "reopened", "joined"] },
            data: { path: ["sourceMessageId"], equals: c.sourceMessageId },
          },
        },
      },
      select: {
        id: true,
        reopenedCount: true,
        events: {
          where: {
            type: { in: ["reopened", "joined"] },
            data: { path: ["sourceMessageId"], equals: c.sourceMessageId },
          },
          select: { type: true },
          take: 1,
        },
      },
    });
    if (existing) {
      const how = existing.events[0]?.type;
      return { ticket: await this.detailById(existing.id), reopened: how === "reopened", joined: how === "joined" };
    }
    if (type === "urge" && c.waybill) {
      const joined = await this.joinUrge(c.waybill, c);
      if (joined) return { ticket: joined, reopened: false, joined: true };
    }
    if (type !== "complaint") {
      const id = await this.insert({
        type,
        details: c.details,
        customerId: c.customerId,
        conversationId: c.conversationId,
        channel: c.channel,
        category: c.category,
        description: c.description,
        waybill: c.waybill,
        contactPhone: c.contactPhone,
        claimedAmount: c.claimedAmount,
        complex: false,
        actor: { type: "customer", id: c.customerId },
        sourceMessageId: c.sourceMessageId,
      });
      return { ticket: await this.detailById(id), reopened: false };
    }

    const since = new Date(this.now().getTime() - this.thresholds.repeatDays * DAY);
    const resolved = await this.db.ticket.findFirst({
      where: {
        customerId: c.customerId,
        type: "complaint",
        category: c.category,
        status: { in: ["resolved", "closed"] },
        resolvedAt: { gte: since },
        ...(c.waybill ? { OR: [{ waybill: c.waybill }, { waybill: null }] } : {}),
      },
      orderBy: { resolvedAt: "desc" },
      select: { id: true, number: true },
    });
    if (resolved) {
      await this.applyAction(
        resolved.number,
        { action: "reopen", reason: c.description },
        { type: "customer", id: c.customerId },
        { sourceMessageId: c.sourceMessageId },
      );
      return { ticket: await this.detailById(resolved.id), reopened: true };
    }
    const id = await this.insert({
      customerId: c.customerId,
      conversationId: c.conversationId,
      channel: c.channel,
      category: c.category,
      description: c.description,
      waybill: c.waybill,
      contactPhone: c.contactPhone,
      claimedAmount: c.claimedAmount,
      complex: false,
      actor: { type: "customer", id: c.customerId },
      sourceMessageId: c.sourceMessageId,
    });
    return { ticket: await this.detailById(id), reopened: false };
  }

  /** The customer withdraws their latest booked pickup (issue 15); returns its number, if any. */
  async cancelPickup(customerId: string): Promise<string | undefined> {
    const t = await this.db.ticket.findFirst({
      where: { customerId, type: "pickup", status: { in: ["new", "open", "pending_customer"] } },
      orderBy: { createdAt: "desc" },
      select: { number: true },
    });
    if (!t) return undefined;
    await this.applyAction(t.number, { action: "cancel" }, { type: "customer", id: customerId });
    return t.number;
  }

  /**
   * The customer's 同意 / 不同意 to a claim's proposed compensation, read in the chat (issue 15).
   * Applies to the customer's claim in this conversation that has a proposal and no agreement yet
   * (no claim_payment clock). 同意 records the agreement as the customer's (the 7-day payment
   * clock starts, domain.md national context); 不同意 is kept as an event the agent sees, and the
   * ticket stays with them. Returns the bot's answer, or undefined when no proposal is waiting.
   */
  async answerProposal(
    customerId: string,
    conversationId: string,
    agree: boolean,
  ): Promise<{ number: string; text: string } | undefined> {
    const t = await this.db.ticket.findFirst({
      where: {
        customerId,
        conversationId,
        type: "claim",
        outcome: null,
        proposedAmount: { not: null },
        status: { in: ["open", "pending_customer"] },
        clocks: { none: { kind: "claim_payment" } },
      },
      orderBy: { createdAt: "desc" },
      select: { id: true, number: true, type: true, proposedAmount: true },
    });
    if (!t) return undefined;
    const conv = await this.db.conversation.findUnique({ where: { id: conversationId }, select: { locale: true } });
    const locale = toLocale(conv?.locale);
    const amount = Number(t.proposedAmount ?? 0);
    const actor: Actor = { type: "customer", id: customerId };
    if (agree) {
      await this.applyAction(t.number, { action: "agree" }, actor);
      return { number: t.number, text: this.noticeText(t, { action: "agree" }, this.now(), locale) ?? "" };
    }
    await this.db.ticketEvent.create({
      data: {
        ticketId: t.id,
        at: this.now(),
        actorType: "customer",
        actorId: customerId,
        type: "proposal_declined",
        data: { amount },
      },
    });
    await this.publish("ticket.updated", t.id, "proposal_declined");
    return { number: t.number, text: rt(locale, "notice.declined", { number: t.number, amount }) };
  }

  /**
   * 催件: a second one for the same waybill within URGE_JOIN_MS joins the open one (issue 15)
   * instead of opening another; the join is an event, so the agent sees how often it was asked.
   */
  private async joinUrge(waybill: string, c: BotComplaint): Promise<TicketDetail | undefined> {
    const open = await this.db.ticket.findFirst({
      where: {
        type: "urge",
        waybill,
        status: { in: ["new", "open", "pending_customer"] },
        createdAt: { gte: new Date(this.now().getTime() - URGE_JOIN_MS) },
      },
      orderBy: { createdAt: "desc" },
      select: { id: true },
    });
    if (!open) return undefined;
    await this.db.ticketEvent.create({
      data: {
        ticketId: open.id,
        at: this.now(),
        actorType: "customer",
        actorId: c.customerId,
        type: "joined",
        data: { sourceMessageId: c.sourceMessageId, conversationId: c.conversationId },
      },
    });
    await this.publish("ticket.updated", open.id, "joined");
    return this.detailById(open.id);
  }

  private async insert(a: {
    type?: TicketType | undefined;
    details?: Record<string, unknown> | undefined;
    customerId: string;
    conversationId: string | null;
    channel: string;
    category: string;
    description: string;
    waybill?: string | undefined;
    contactPhone?: string | undefined;
    claimedAmount?: number | undefined;
    requestedPriority?: Priority | undefined;
    complex: boolean;
    actor: Actor;
    sourceMessageId?: string | undefined;
  }): Promise<string> {
    const now = this.now();
    const type = a.type ?? "complaint";
    // A repeat complaint raises priority; requests are not complaints (a second 催件 joins instead).
    const recentComplaints =
      type === "complaint"
        ? await this.db.ticket.count({
            where: {
              customerId: a.customerId,
              type: "complaint",
              createdAt: { gte: new Date(now.getTime() - this.thresholds.repeatDays * DAY) },
            },
          })
        : 0;
    const t = triage(
      {
        category: a.category,
        description: a.description,
        claimedAmount: a.claimedAmount,
        recentComplaints,
        requestedPriority: a.requestedPriority,
        ...(isRequestType(type) ? { groupCode: await this.routing.groupFor(type) } : {}),
      },
      this.thresholds,
    );
    const number = await this.nextNumber(now);
    const { ticket, arms } = await this.db.$transaction(async (tx) => {
      const ticket = await tx.ticket.create({
        data: {
          number,
          type,
          category: a.category,
          priority: t.priority,
          groupCode: t.groupCode,
          customerId: a.customerId,
          conversationId: a.conversationId,
          channel: a.channel,
          waybill: a.waybill ?? null,
          contactPhone: a.contactPhone ?? null,
          description: a.description,
          claimedAmount: a.claimedAmount === undefined ? null : new Prisma.Decimal(a.claimedAmount),
          details: (a.details ?? Prisma.DbNull) as Prisma.InputJsonValue,
          complex: a.complex,
          createdAt: now,
        },
        select: { id: true, number: true, groupCode: true, priority: true, category: true },
      });
      await tx.ticketEvent.create({
        data: {
          ticketId: ticket.id,
          at: now,
          ...actorColumns(a.actor),
          type: "created",
          data: {
            priority: t.priority,
            groupCode: t.groupCode,
            reasons: t.reasons,
            ...(a.sourceMessageId ? { sourceMessageId: a.sourceMessageId } : {}),
          },
        },
      });
      if (a.actor.type === "agent")
        await auditStaff(tx, a.actor.id, {
          action: "ticket.created",
          subjectType: "ticket",
          subjectId: ticket.id,
          data: { number: ticket.number, type, category: a.category },
        });
      const arms = await this.sla.startClocks(tx, ticket.id, {
        type,
        category: a.category,
        priority: t.priority,
        groupCode: t.groupCode,
        complex: a.complex,
      });
      return { ticket, arms };
    }, TX_OPTIONS);
    await this.sla.applyArms(arms);
    this.log.info(
      {
        ticketNumber: ticket.number,
        type,
        category: ticket.category,
        priority: ticket.priority,
        groupCode: ticket.groupCode,
        contactPhone: a.contactPhone ? maskPhone(a.contactPhone) : undefined,
      },
      "ticket created",
    );
    await this.publish("ticket.created", ticket.id);
    await this.autoAssign(ticket.id).catch((err) =>
      this.log.warn({ err, ticketNumber: ticket.number }, "auto-assignment failed"),
    );
    return ticket.id;
  }

  // ───────────────────────── auto-assignment ─────────────────────────

  private async candidates(groupCode: string): Promise<(AssignmentCandidate & { role: Role })[]> {
    return this.db.$queryRaw<(AssignmentCandidate & { role: Role })[]>`
      SELECT a.id, a.role, a."maxOpenTickets", a."lastAssignedAt",
        (SELECT count(*) FROM "Ticket" t
          WHERE t."assigneeId" = a.id AND t.status IN ('new', 'open', 'pending_customer'))::int AS "openTickets"
      FROM "Agent" a JOIN "AgentGroup" g ON g."agentId" = a.id
      WHERE g."groupCode" = ${groupCode} AND a.active AND a.presence = 'online'`;
  }

  /** Gives a new, unassigned ticket to the best online agent of its group (see pickAssignee). */
  async autoAssign(ticketId: string): Promise<string | undefined> {
    const t = await this.db.ticket.findUnique({
      where: { id: ticketId },
      select: { number: true, groupCode: true, status: true, assigneeId: true },
    });
    if (t?.status !== "new" || t.assigneeId) return undefined;
    const candidates = await this.candidates(t.groupCode);
    const pick = pickAssignee(candidates);
    if (!pick) return undefined;
    const role = candidates.find((c) => c.id === pick.id)?.role ?? "agent";
    await this.db.agent.update({ where: { id: pick.id }, data: { lastAssignedAt: this.now() } });
    await this.applyAction(
      t.number,
      { action: "take" },
      { type: "agent", id: pick.id, role, groups: [t.groupCode] },
      { auto: true },
    );
    return pick.id;
  }

  /** An agent came online: new tickets waiting in their groups go to them, oldest first, up to their cap. */
  async assignWaiting(agentId: string): Promise<number> {
    const agent = await this.db.agent.findUnique({
      where: { id: agentId },
      select: { presence: true, active: true, groups: { select: { groupCode: true } } },
    });
    if (!agent?.active || agent.presence !== "online") return 0;
    const waiting = await this.db.ticket.findMany({
      where: { status: "new", assigneeId: null, groupCode: { in: agent.groups.map((g) => g.groupCode) } },
      orderBy: { createdAt: "asc" },
      select: { id: true },
      take: 50,
    });
    let assigned = 0;
    for (const w of waiting) if (await this.autoAssign(w.id)) assigned++;
    return assigned;
  }

  // ───────────────────────── reading ─────────────────────────

  private scope(p: Principal): Prisma.TicketWhereInput {
    if (p.role === "supervisor" || p.role === "admin") return {};
    return { OR: [{ groupCode: { in: p.groups } }, { assigneeId: p.agentId }] };
  }

  async list(filter: TicketFilter, p: Principal): Promise<{ items: TicketSummary[]; total: number }> {
    const and: Prisma.TicketWhereInput[] = [this.scope(p)];
    if (filter.status?.length) and.push({ status: { in: filter.status } });
    if (filter.category) and.push({ category: filter.category });
    if (filter.type) and.push({ type: filter.type });
    if (filter.group) and.push({ groupCode: filter.group });
    if (filter.assignee === "me") and.push({ assigneeId: p.agentId });
    else if (filter.assignee === "none") and.push({ assigneeId: null });
    else if (filter.assignee) and.push({ assigneeId: filter.assignee });
    if (filter.breached === true) and.push({ clocks: { some: { state: "breached" } } });
    if (filter.breached === false) and.push({ clocks: { none: { state: "breached" } } });
    if (filter.text) {
      const q = escapeLike(filter.text.trim());
      and.push({
        OR: [
          { number: { contains: q } },
          { waybill: { contains: q.toUpperCase() } },
          { description: { contains: q, mode: "insensitive" } },
          { contactPhone: { contains: q } },
        ],
      });
    }
    const where: Prisma.TicketWhereInput = { AND: and };
    const [rows, total] = await Promise.all([
      this.db.ticket.findMany({
        where,
        orderBy: [{ createdAt: "desc" }, { number: "desc" }],
        skip: (filter.page - 1) * filter.pageSize,
        take: filter.pageSize,
        select: SUMMARY_SELECT,
      }),
      this.db.ticket.count({ where }),
    ]);
    return { items: rows.map(toSummary), total };
  }

  async get(number: string, p: Principal): Promise<TicketDetail> {
    const row = await this.db.ticket.findUnique({
      where: { number },
      select: { id: true, groupCode: true, assigneeId: true },
    });
    if (!row) throw new AppError("TICKET_NOT_FOUND");
    this.assertVisible(row, p);
    return this.detailById(row.id);
  }

  private assertVisible(t: { groupCode: string; assigneeId: string | null }, p: Principal): void {
    if (p.role === "supervisor" || p.role === "admin") return;
    if (t.assigneeId === p.agentId || p.groups.includes(t.groupCode)) return;
    throw new AppError("FORBIDDEN", "This ticket belongs to a group you are not in");
  }

  async detailById(id: string): Promise<TicketDetail> {
    const r = await this.db.ticket.findUniqueOrThrow({
      where: { id },
      include: {
        customer: { select: { id: true, name: true, phone: true } },
        clocks: { orderBy: { startedAt: "asc" } },
        events: { orderBy: { id: "asc" } },
      },
    });
    const assignee = r.assigneeId
      ? await this.db.agent.findUnique({
          where: { id: r.assigneeId },
          select: { id: true, username: true, displayName: true },
        })
      : null;
    const order = ["first_response", "resolution", "regulatory", "claim_ack", "claim_proposal", "claim_payment"];
    return {
      ...toSummary(r),
      id: r.id,
      assignee,
      customer: r.customer,
      conversationId: r.conversationId,
      contactPhone: r.contactPhone,
      claimedAmount: r.claimedAmount === null ? null : Number(r.claimedAmount),
      details: (r.details as Record<string, unknown> | null) ?? null,
      outcome: r.outcome,
      proposedAmount: r.proposedAmount === null ? null : Number(r.proposedAmount),
      paidAmount: r.paidAmount === null ? null : Number(r.paidAmount),
      complex: r.complex,
      resolution: r.resolution,
      rootCause: r.rootCause,
      reopenedCount: r.reopenedCount,
      firstResponseAt: r.firstResponseAt?.toISOString() ?? null,
      resolvedAt: r.resolvedAt?.toISOString() ?? null,
      closedAt: r.closedAt?.toISOString() ?? null,
      slaClocks: [...r.clocks].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind)).map(toClockDto),
      events: r.events.map((e) => ({
        id: e.id.toString(),
        at: e.at.toISOString(),
        actorType: e.actorType,
        actorId: e.actorId,
        type: e.type,
        data: e.data,
      })),
    };
  }

  /** The customer's own tickets, newest first (complaint progress in chat). */
  async forCustomer(customerId: string, limit = 3): Promise<TicketDetail[]> {
    // Most customers who ask have no ticket: the driver answers that without Prisma's overhead.
    const rows = await this.sql.query<{ id: string }>(
      `SELECT id FROM "Ticket" WHERE "customerId" = $1::uuid ORDER BY "createdAt" DESC LIMIT $2`,
      [customerId, limit],
      "kd_tickets_of_customer",
    );
    return Promise.all(rows.map((r) => this.detailById(r.id)));
  }

  async byNumber(number: string): Promise<TicketDetail | undefined> {
    const row = await this.db.ticket.findUnique({ where: { number }, select: { id: true } });
    return row ? this.detailById(row.id) : undefined;
  }

  /**
   * Group display names for bot replies, cached briefly: read on every progress question,
   * changed by an admin a few times a year (a rename shows within GROUP_NAMES_TTL_MS).
   */
  async groupNames(): Promise<Map<string, { nameZh: string; nameEn: string }>> {
    const now = Date.now();
    if (this.groupNamesCache && this.groupNamesCache.at > now - GROUP_NAMES_TTL_MS) return this.groupNamesCache.names;
    const rows = await this.db.group.findMany();
    const names = new Map(rows.map((g) => [g.code, { nameZh: g.nameZh, nameEn: g.nameEn }]));
    this.groupNamesCache = { at: now, names };
    return names;
  }

  // ───────────────────────── actions ─────────────────────────

  /** An agent's action through the API: visibility first, then the lifecycle rules. */
  async act(number: string, body: ActionBody, p: Principal): Promise<TicketDetail> {
    const row = await this.db.ticket.findUnique({
      where: { number },
      select: { id: true, groupCode: true, assigneeId: true },
    });
    if (!row) throw new AppError("TICKET_NOT_FOUND");
    this.assertVisible(row, p);
    await this.applyAction(number, body, actorOf(p));
    return this.detailById(row.id);
  }

  /**
   * The customer wrote in the ticket's conversation: a ticket waiting on them is open
   * again and its clocks resume. For the conversation runtime to call on every inbound
   * message.
   */
  async customerReplied(conversationId: string): Promise<void> {
    const waiting = await this.db.ticket.findMany({
      where: { conversationId, status: "pending_customer" },
      select: { number: true, customerId: true },
    });
    for (const t of waiting)
      await this.applyAction(t.number, { action: "customer_reply" } as never, { type: "customer", id: t.customerId });
  }

  /**
   * An agent wrote to the customer in the conversation itself (the console composer): that is
   * the first response of every still-unanswered ticket linked to the conversation, exactly as a
   * reply from the ticket's own composer is.
   */
  async agentReplied(conversationId: string, agentId: string, messageId: string): Promise<void> {
    const now = this.now();
    const unanswered = await this.db.ticket.findMany({
      where: { conversationId, firstResponseAt: null, status: { in: ["new", "open", "pending_customer"] } },
      select: { id: true },
    });
    for (const t of unanswered) {
      const arms = await this.db
        .$transaction(async (tx) => {
          // Clock rows before the ticket row, the order SLA triggers lock them in (no deadlock).
          const arms = await this.sla.meet(tx, t.id, ["first_response"]);
          // Conditional: a concurrent reply through the ticket may have answered it first.
          const res = await tx.ticket.updateMany({
            where: { id: t.id, firstResponseAt: null },
            data: { firstResponseAt: now },
          });
          if (res.count === 0) throw ANSWERED_MEANWHILE;
          await tx.ticketEvent.create({
            data: {
              ticketId: t.id,
              at: now,
              actorType: "agent",
              actorId: agentId,
              type: "first_response",
              data: { via: "conversation", messageId },
            },
          });
          return arms;
        }, TX_OPTIONS)
        .catch((err) => {
          if (err === ANSWERED_MEANWHILE) return undefined;
          throw err;
        });
      if (!arms) continue;
      await this.sla.applyArms(arms);
      await this.publish("ticket.updated", t.id, "first_response");
    }
  }

  /** Survey answered or survey window over (issue 8): resolved → closed. */
  close(number: string, actor: Actor = { type: "system" }): Promise<void> {
    return this.applyAction(number, { action: "close" }, actor);
  }

  /** 不满意 with 未解决 in the survey: the ticket is open again for its owner instead of closing. */
  reopen(number: string, reason: string, actor: Actor = { type: "system" }): Promise<void> {
    return this.applyAction(number, { action: "reopen", reason }, actor);
  }

  private async applyAction(
    number: string,
    body: ActionBody | { action: "customer_reply" } | { action: "cancel" },
    actor: Actor,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    const now = this.now();
    const ticket = await this.db.ticket.findUnique({ where: { number } });
    if (!ticket) throw new AppError("TICKET_NOT_FOUND");
    const action = body.action as TicketAction;
    const verdict = transition(ticket.status as TicketStatus, action, {
      actorId: actor.type === "agent" ? actor.id : undefined,
      actorRole: actor.type === "agent" ? actor.role : undefined,
      assigneeId: ticket.assigneeId,
      resolvedAt: ticket.resolvedAt,
      now,
      reopenWindowDays: this.thresholds.repeatDays,
    });
    if (!verdict.ok)
      throw new AppError("ILLEGAL_TRANSITION", verdict.reason, {
        status: ticket.status,
        action,
        reason: verdict.reason,
      });
    const agentId = actor.type === "agent" ? actor.id : undefined;

    // Validate the transfer target before anything changes.
    let transferTo: { assigneeId: string | null; groupCode: string } | undefined;
    if (body.action === "transfer") transferTo = await this.transferTarget(body, ticket.groupCode);
    if ((body.action === "reply" || (body.action === "pend" && body.text)) && !ticket.conversationId)
      throw new AppError("TICKET_NO_CHANNEL");
    if ((body.action === "reply" || (body.action === "pend" && body.text)) && ticket.conversationId) {
      const conv = await this.db.conversation.findUnique({
        where: { id: ticket.conversationId },
        select: { mode: true, agentId: true },
      });
      if (conv) assertNotOthersConversation(actor, conv);
    }
    const request = requestStep(ticket, body);
    if (request.refuse)
      throw new AppError("ILLEGAL_TRANSITION", request.refuse, {
        status: ticket.status,
        action,
        reason: request.refuse,
      });

    // The customer-facing message goes first: once it is in the outbox it will be delivered.
    let messageId: string | undefined;
    const outgoing = body.action === "reply" ? body.text : body.action === "pend" ? body.text : undefined;
    if (outgoing && ticket.conversationId && agentId) {
      const msg = await this.conversations.sendToConversation(ticket.conversationId, {
        text: outgoing,
        author: "agent",
        agentId,
      });
      messageId = msg.id;
    }
    if (body.action === "note" && ticket.conversationId) {
      const msg = await this.conversations.sendToConversation(ticket.conversationId, {
        text: body.text,
        author: "agent",
        ...(agentId ? { agentId } : {}),
        internal: true,
      });
      messageId = msg.id;
    }
    // The customer is told a request's outcome in their channel (issue 15).
    // When the customer acts (in the chat) the bot answers in the same turn instead.
    if (ticket.conversationId && body.action !== "cancel" && actor.type !== "customer") {
      const notice = await this.requestNotice(ticket, body, now);
      if (notice)
        await this.conversations.sendToConversation(ticket.conversationId, {
          text: notice.text,
          author: "system",
          ...(notice.quickReplies ? { quickReplies: notice.quickReplies } : {}),
        });
    }

    const arms: ArmRequest[] = await this.db.$transaction(async (tx) => {
      const data: Prisma.TicketUpdateManyMutationInput & { assigneeId?: string | null; groupCode?: string } = {
        status: verdict.to,
      };
      const arms: ArmRequest[] = [];
      let eventType: string = body.action;
      const eventData: Record<string, unknown> = { from: ticket.status, to: verdict.to, ...extra };
      switch (body.action) {
        case "take":
          data.assigneeId = agentId ?? null;
          eventData.previousAssignee = ticket.assigneeId;
          eventType = "taken";
          break;
        case "reply":
          if (ticket.status === "new" && agentId) data.assigneeId = agentId;
          eventData.text = body.text;
          eventData.messageId = messageId;
          if (!ticket.firstResponseAt) data.firstResponseAt = now;
          arms.push(...(await this.sla.meet(tx, ticket.id, ["first_response"])));
          break;
        case "note":
          eventData.text = body.text;
          if (messageId) eventData.messageId = messageId;
          break;
        case "pend":
          if (body.text) {
            eventData.text = body.text;
            eventData.messageId = messageId;
            if (!ticket.firstResponseAt) data.firstResponseAt = now;
            arms.push(...(await this.sla.meet(tx, ticket.id, ["first_response"])));
          }
          arms.push(...(await this.sla.pause(tx, ticket.id)));
          eventType = "pending_customer";
          break;
        case "customer_reply":
          arms.push(...(await this.sla.resume(tx, ticket.id)));
          eventType = "customer_replied";
          break;
        case "resolve":
          data.resolution = body.resolution;
          data.rootCause = body.rootCause ?? null;
          data.resolvedAt = now;
          eventData.resolution = body.resolution;
          eventData.rootCause = body.rootCause ?? null;
          if (ticket.status === "pending_customer") arms.push(...(await this.sla.resume(tx, ticket.id)));
          // The resolution is not a reply to the customer: an unanswered ticket's first response
          // is stopped, not met, and firstResponseAt stays empty (issue 19: it skewed 平均首次响应).
          arms.push(...(await this.sla.stop(tx, ticket.id, ["first_response"])));
          arms.push(...(await this.sla.meet(tx, ticket.id, ["resolution", "regulatory"])));
          eventType = "resolved";
          break;
        case "reopen":
          data.resolvedAt = null;
          data.closedAt = null;
          data.reopenedCount = { increment: 1 };
          if (body.reason) eventData.reason = body.reason;
          // A fresh resolution promise; the regulatory limit counts from the original complaint.
          arms.push(...(await this.sla.startClocks(tx, ticket.id, policySubject(ticket), ["resolution"])));
          eventType = "reopened";
          break;
        case "transfer":
          if (transferTo) {
            data.assigneeId = transferTo.assigneeId;
            data.groupCode = transferTo.groupCode;
            // Back to the new group's queue when nobody in particular takes it over.
            if (transferTo.assigneeId === null && ticket.status === "open") data.status = "new";
            eventData.to = data.status;
            eventData.fromAssignee = ticket.assigneeId;
            eventData.toAssignee = transferTo.assigneeId;
            eventData.fromGroup = ticket.groupCode;
            eventData.toGroup = transferTo.groupCode;
            eventData.note = body.note;
          }
          eventType = "transferred";
          break;
        case "close":
          data.closedAt = now;
          eventType = "closed";
          break;
        case "complete":
        case "reject":
          data.outcome = body.action === "complete" ? "done" : "rejected";
          data.resolution = body.action === "complete" ? (body.resolution ?? null) : body.reason;
          data.resolvedAt = now;
          if (!ticket.firstResponseAt) data.firstResponseAt = now;
          if (body.action === "complete" && body.paidAmount !== undefined) {
            data.paidAmount = new Prisma.Decimal(body.paidAmount);
            eventData.paidAmount = body.paidAmount;
          }
          eventData.resolution = data.resolution;
          if (ticket.status === "pending_customer") arms.push(...(await this.sla.resume(tx, ticket.id)));
          arms.push(...(await this.sla.meet(tx, ticket.id, CLOCK_KINDS)));
          eventType = body.action === "complete" ? "completed" : "rejected";
          break;
        case "cancel":
          data.outcome = "cancelled";
          data.closedAt = now;
          arms.push(...(await this.sla.meet(tx, ticket.id, CLOCK_KINDS)));
          eventType = "cancelled";
          break;
        case "convert":
          // One state machine: the request becomes a complaint where it stands, with a
          // complaint's clocks from now (the request's own promise is closed as met).
          data.type = "complaint";
          eventData.fromType = ticket.type;
          if (body.note) eventData.note = body.note;
          arms.push(...(await this.sla.meet(tx, ticket.id, CLOCK_KINDS)));
          arms.push(...(await this.sla.startClocks(tx, ticket.id, { ...policySubject(ticket), type: "complaint" })));
          eventType = "converted";
          break;
        case "propose":
          data.proposedAmount = new Prisma.Decimal(body.amount);
          if (!ticket.firstResponseAt) data.firstResponseAt = now;
          eventData.amount = body.amount;
          if (body.note) eventData.note = body.note;
          arms.push(...(await this.sla.meet(tx, ticket.id, ["claim_ack", "claim_proposal"])));
          eventType = "proposed";
          break;
        case "agree":
          eventData.amount = ticket.proposedAmount === null ? null : Number(ticket.proposedAmount);
          arms.push(...(await this.sla.startClocks(tx, ticket.id, policySubject(ticket), ["claim_payment"])));
          eventType = "agreed";
          break;
      }
      // Conditional on the status and owner we checked: a concurrent change makes this a 409.
      const res = await tx.ticket.updateMany({
        where: { id: ticket.id, status: ticket.status, assigneeId: ticket.assigneeId },
        data,
      });
      if (res.count === 0)
        throw new AppError("ILLEGAL_TRANSITION", "The ticket changed meanwhile; reload and retry", {
          reason: "concurrent_change",
        });
      await tx.ticketEvent.create({
        data: {
          ticketId: ticket.id,
          at: now,
          ...actorColumns(actor),
          type: eventType,
          data: eventData as Prisma.InputJsonValue,
        },
      });
      // Every staff action is in the audit log too, beside the ticket's own history (issue 19).
      if (actor.type === "agent") {
        await auditStaff(tx, actor.id, {
          action: `ticket.${eventType}`,
          subjectType: "ticket",
          subjectId: ticket.id,
          data: auditFacts(ticket.number, eventData),
        });
        if (body.action === "reply" && body.cannedReplyId)
          await auditCannedReply(tx, actor.id, body.cannedReplyId, {
            subjectType: "ticket",
            subjectId: ticket.id,
            number: ticket.number,
          });
      }
      return arms;
    }, TX_OPTIONS);
    await this.sla.applyArms(arms);
    await this.publish("ticket.updated", ticket.id, body.action);
    if (body.action === "resolve" && this.onResolved)
      await this.onResolved(ticket.id).catch((err) =>
        this.log.error({ err, ticketNumber: ticket.number }, "onResolved hook failed"),
      );
  }

  /** What the customer is told when an agent acts on their request; undefined for other actions. */
  private async requestNotice(
    t: { number: string; type: string; conversationId: string | null; proposedAmount: Prisma.Decimal | null },
    body: ActionBody | { action: "customer_reply" },
    now: Date,
  ): Promise<{ text: string; quickReplies?: QuickReply[] } | undefined> {
    if (!["complete", "reject", "convert", "propose", "agree"].includes(body.action) || !t.conversationId)
      return undefined;
    const conv = await this.db.conversation.findUnique({ where: { id: t.conversationId }, select: { locale: true } });
    const locale = toLocale(conv?.locale);
    const text = this.noticeText(t, body, now, locale);
    if (text === undefined) return undefined;
    // A proposal is answered in the chat: 同意 / 不同意 (the bot records it, issue 15).
    if (body.action === "propose") return { text, quickReplies: proposalReplies(locale) };
    return { text };
  }

  private noticeText(
    t: { number: string; type: string; proposedAmount: Prisma.Decimal | null },
    body: ActionBody | { action: "customer_reply" },
    now: Date,
    locale: Locale,
  ): string | undefined {
    const vars = { number: t.number, type: typeLabel(locale, t.type), payment: formatDuration(7 * DAY, locale) };
    switch (body.action) {
      case "complete":
        if (t.type === "claim" && body.paidAmount !== undefined)
          return rt(locale, "notice.paid", { ...vars, amount: body.paidAmount });
        return rt(locale, "notice.done", { ...vars, resolution: body.resolution ?? "" }).trim();
      case "reject":
        return rt(locale, "notice.rejected", { ...vars, reason: body.reason });
      case "convert":
        return rt(locale, "notice.converted", vars);
      case "propose":
        return rt(locale, "notice.proposed", { ...vars, amount: body.amount, note: body.note ? `${body.note} ` : "" });
      case "agree": {
        const due = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", dateStyle: "medium" }).format(
          new Date(now.getTime() + 7 * DAY),
        );
        return rt(locale, "notice.agreed", { ...vars, amount: Number(t.proposedAmount ?? 0), due });
      }
      default:
        return undefined;
    }
  }

  private async transferTarget(
    body: { agent?: string | undefined; group?: string | undefined },
    currentGroup: string,
  ): Promise<{ assigneeId: string | null; groupCode: string }> {
    if (!body.agent && !body.group)
      throw new AppError("VALIDATION_FAILED", "Give agent or group to transfer to", {
        issues: ["agent/group: at least one is required"],
      });
    let groupCode = currentGroup;
    if (body.group) {
      const g = await this.db.group.findUnique({ where: { code: body.group }, select: { code: true } });
      if (!g) throw new AppError("TRANSFER_TARGET_INVALID", `Unknown group ${body.group}`);
      groupCode = g.code;
    }
    let assigneeId: string | null = null;
    if (body.agent) {
      const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(body.agent);
      const a = await this.db.agent.findFirst({
        where: isUuid ? { id: body.agent } : { username: body.agent },
        select: { id: true, active: true },
      });
      if (!a?.active) throw new AppError("TRANSFER_TARGET_INVALID", `Unknown or inactive agent ${body.agent}`);
      assigneeId = a.id;
    }
    return { assigneeId, groupCode };
  }

  private async publish(type: "ticket.created" | "ticket.updated", id: string, change?: string): Promise<void> {
    const t = await this.db.ticket.findUnique({ where: { id }, select: SUMMARY_SELECT });
    if (!t) return;
    await this.bus
      .publish(AGENTS_TOPIC, { type, ...(change ? { change } : {}), ticket: toSummary(t) })
      .catch((err) => this.log.warn({ err }, "realtime publish failed"));
  }
}

/** The audit line's facts: what changed, never the text written to or about the customer. */
function auditFacts(number: string, eventData: Record<string, unknown>): Record<string, unknown> {
  const facts: Record<string, unknown> = { number };
  for (const key of ["from", "to", "toAssignee", "toGroup", "rootCause", "amount", "paidAmount", "fromType"])
    if (eventData[key] !== undefined) facts[key] = eventData[key];
  return facts;
}

function actorColumns(a: Actor): { actorType: string; actorId: string | null } {
  return { actorType: a.type, actorId: a.type === "system" ? null : a.id };
}

/** Used by the transaction typing above. */
export type { Tx };
