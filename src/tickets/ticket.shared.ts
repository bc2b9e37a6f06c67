/**
 * What the parts of the ticket service share (issue 15 split ticket.service.ts by role): the
 * options and DTO types, the summary projection, small helpers, and TicketCore (the deps).
 */

import type { Logger } from "pino";
import type { Principal, Role } from "../agents/auth.service.js";
import type { ConversationService } from "../conversation/conversation.service.js";
import type { Database, Db } from "../db/client.js";
import { AppError } from "../errors.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { Place } from "../places/divisions.js";
import type { Stage } from "../places/stage.js";
import type { EventBus } from "../realtime/event-bus.js";
import { publishScopeChanged } from "../realtime/scope.js";
import { AGENTS_TOPIC } from "../realtime/topics.js";
import type { ClockStart, SlaClockDto, SlaService } from "../sla/sla.service.js";
import type { ClockKind, PolicySubject } from "../sla/sla-policy.js";
import { RequestRouting } from "./request-routing.js";
import { DEFAULT_THRESHOLDS, type PriorityThresholds } from "./ticket-rules.js";
import type { Priority, TicketStatus } from "./ticket-state.js";
import type { TicketType } from "./ticket-types.js";

export type Tx = Prisma.TransactionClient;

export interface TicketOptions {
  thresholds?: PriorityThresholds;
  now?: () => Date;
  /** Called after a resolution commits (issue 8: schedules the survey); errors are logged, not thrown. */
  onResolved?: (ticketId: string) => Promise<void>;
  /** The driver, for reads on the bot's hot path (a customer's tickets, asked on progress questions). */
  sql: Pick<Database, "query">;
  /** The group each request type is opened in (issue 15; defaults to REQUEST_GROUP). */
  routing?: Pick<RequestRouting, "groupFor">;
  /** A claim's proposed or paid amount above this (yuan) is refused (CLAIM_MAX_AMOUNT); unlimited when omitted. */
  claimMaxAmount?: number;
}

/** Who did it: an agent (with role and groups), the customer, or the system. */
export type Actor =
  | { type: "agent"; id: string; role: Role; groups: string[] }
  | { type: "customer"; id: string }
  | { type: "system" };

export const actorOf = (p: Principal): Actor => ({ type: "agent", id: p.agentId, role: p.role, groups: p.groups });

/** What selects a ticket's SLA policies (sla-policy.ts), as the ticket stands now. */
export function policySubject(t: PolicySubject): PolicySubject {
  return { type: t.type, category: t.category, priority: t.priority, groupCode: t.groupCode, complex: t.complex };
}

/**
 * 首问负责制 (001): while another agent holds a conversation, an agent reaches it through no
 * path — not by linking it to a new ticket, not by replying on a ticket linked to it.
 * Supervisors and admins may (they transfer and take over). Throws CONFLICT (409).
 */
export function assertNotOthersConversation(actor: Actor, conv: { mode: string; agentId: string | null }): void {
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

/** Issue 21: a complaint another system handed over (POST /api/integrations/tickets). */
export interface ExternalOrigin {
  /** spb12305 | ecommerce */
  source: string;
  externalId: string;
  externalRef?: string | undefined;
  deadline?: Date | undefined;
  /** Extra clocks (a 12305 transfer's appeal_report, appeal_mediation) and where they count from. */
  clocks: ClockKind[];
  clockStart?: ClockStart | undefined;
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
  /** Where the problem lies (issue 23): GB/T 2260 province and city; null when unknown. */
  region: Place | null;
  /** pickup | transit | delivery | after_delivery (揽收 / 分拣转运 / 派送 / 签收后); null when unknown. */
  stage: Stage | null;
  /** The outlet (网点) the problem lies with (issue 23); null when unknown. */
  outlet: { code: string; name: string } | null;
  /** A repeat complaint: the number of the earlier complaint it repeats (issue 23). */
  repeatOf: string | null;
  complex: boolean;
  resolution: string | null;
  rootCause: string | null;
  reopenedCount: number;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  slaClocks: SlaClockDto[];
  /**
   * Issue 21: where a complaint from another system came from: source (spb12305 = 12305 申诉
   * transferred by the regulator, ecommerce), the caller's id and reference and its deadline.
   */
  external: { source: string; externalId: string; externalRef: string | null; deadline: string | null } | null;
  events: TicketEventDto[];
}

export interface TicketFilter {
  status?: TicketStatus[] | undefined;
  /** Issue 18: only tickets carrying this label (id). */
  label?: string | undefined;
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
  | {
      action: "resolve";
      resolution: string;
      rootCause?: "quality" | "non_quality" | undefined;
      /** Issue 23: the responsible outlet's code (null: none); omitted: the ticket's outlet stays. */
      outlet?: string | null | undefined;
    }
  | { action: "reopen"; reason?: string | undefined }
  | { action: "transfer"; agent?: string | undefined; group?: string | undefined; note: string }
  | { action: "close" }
  | { action: "complete"; resolution?: string | undefined; paidAmount?: number | undefined }
  | { action: "reject"; reason: string }
  | { action: "convert"; note?: string | undefined }
  | { action: "propose"; amount: number; note?: string | undefined }
  | { action: "agree" };

export const SUMMARY_SELECT = {
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

export type SummaryRow = Prisma.TicketGetPayload<{ select: typeof SUMMARY_SELECT }>;

export function toSummary(r: SummaryRow): TicketSummary {
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

export const DAY = 86_400_000;

/** Rolls back a first response another reply recorded meanwhile. */
export const ANSWERED_MEANWHILE = new Error("answered meanwhile");

/** How long bot replies may show a renamed group's old name. */
export const GROUP_NAMES_TTL_MS = 30_000;

/** The audit line's facts: what changed, never the text written to or about the customer. */
export function auditFacts(number: string, eventData: Record<string, unknown>): Record<string, unknown> {
  const facts: Record<string, unknown> = { number };
  for (const key of ["from", "to", "toAssignee", "toGroup", "rootCause", "outlet", "amount", "paidAmount", "fromType"])
    if (eventData[key] !== undefined) facts[key] = eventData[key];
  return facts;
}

export function actorColumns(a: Actor): { actorType: string; actorId: string | null } {
  return { actorType: a.type, actorId: a.type === "system" ? null : a.id };
}

/** What every part of the ticket service shares: the database, clocks, bus and options. */
export class TicketCore {
  protected readonly db: Db;
  protected readonly sla: SlaService;
  protected readonly conversations: Pick<ConversationService, "sendToConversation">;
  protected readonly bus: EventBus;
  protected readonly log: Logger;
  protected readonly now: () => Date;
  protected readonly thresholds: PriorityThresholds;
  protected readonly routing: Pick<RequestRouting, "groupFor">;
  protected readonly sql: Pick<Database, "query">;
  protected readonly onResolved: ((ticketId: string) => Promise<void>) | undefined;
  protected readonly claimMaxAmount: number | undefined;

  constructor(deps: TicketDeps) {
    this.db = deps.db;
    this.sla = deps.sla;
    this.conversations = deps.conversations;
    this.bus = deps.bus;
    this.log = deps.log;
    this.now = deps.opts.now ?? (() => new Date());
    this.thresholds = deps.opts.thresholds ?? DEFAULT_THRESHOLDS;
    this.onResolved = deps.opts.onResolved;
    this.sql = deps.opts.sql;
    this.routing = deps.opts.routing ?? new RequestRouting(deps.db);
    this.claimMaxAmount = deps.opts.claimMaxAmount;
  }

  protected async publish(type: "ticket.created" | "ticket.updated", id: string, change?: string): Promise<void> {
    const t = await this.db.ticket.findUnique({ where: { id }, select: { ...SUMMARY_SELECT, conversationId: true } });
    if (!t) return;
    // A change of group or assignee changes who may see a conversation the bot holds through this
    // ticket (mayViewConversation); any update says so, so that no change of them is missed.
    if (type === "ticket.updated" && t.conversationId)
      await publishScopeChanged(this.bus, t.conversationId).catch((err) =>
        this.log.warn({ err }, "realtime publish failed"),
      );
    await this.bus
      .publish(AGENTS_TOPIC, { type, ...(change ? { change } : {}), ticket: toSummary(t) })
      .catch((err) => this.log.warn({ err }, "realtime publish failed"));
  }
}

export interface TicketDeps {
  db: Db;
  sla: SlaService;
  conversations: Pick<ConversationService, "sendToConversation">;
  bus: EventBus;
  log: Logger;
  opts: TicketOptions;
}
