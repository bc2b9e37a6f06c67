import type { Logger } from "pino";
import type { Nlu } from "../../intents/index.js";
import { type Db, isUniqueViolation } from "../db/client.js";
import { AppError } from "../errors.js";
import type { ClockKind } from "../sla/sla-policy.js";
import type { Actor, TicketDetail, TicketService } from "../tickets/ticket.service.js";

/** Who hands complaints over (issue 21). */
export const EXTERNAL_SOURCES = ["spb12305", "ecommerce"] as const;
export type ExternalSource = (typeof EXTERNAL_SOURCES)[number];

/** The regulator's 12305 申诉: runs the regulator's clocks and is counted apart (申诉). */
export const APPEAL_SOURCE: ExternalSource = "spb12305";

export interface ExternalComplaint {
  source: ExternalSource;
  externalId: string;
  externalRef?: string | undefined;
  customer: {
    name?: string | undefined;
    phone?: string | undefined;
    /** The customer's address on one of our channels, when the caller knows it (e.g. a WeChat openid). */
    channel?: string | undefined;
    channelUserId?: string | undefined;
  };
  waybill?: string | undefined;
  /** A category code; without it the text is classified by the intent engine (OTHER when it finds none). */
  category?: string | undefined;
  text: string;
  /** The caller's deadline; for a 12305 transfer the regulator's deadline for the handling report. */
  deadline?: Date | undefined;
  /** 12305: when the regulator transferred the 申诉 (its 10 days count from here); now when omitted. */
  transferredAt?: Date | undefined;
  /** 12305: the regulator asked for feedback on its mediation (调解); deadline optional. */
  mediation?: { deadline?: Date | undefined } | undefined;
}

/**
 * Complaints from other systems (issue 21, `POST /api/integrations/tickets`): the same queue, triage,
 * numbering and clocks as a chat complaint; idempotent by (source, externalId); the customer is
 * found by their channel address or phone, and their latest conversation is linked so that agents'
 * replies reach them on their channel. A 12305 transfer also starts the regulator's clocks
 * (`appeal_report`, `appeal_mediation`; see sla-policy.ts APPEAL_REPORT_MINUTES for the source).
 */
export class TicketIntake {
  constructor(
    private readonly db: Db,
    private readonly tickets: Pick<TicketService, "insert" | "customerByPhone" | "detailById">,
    private readonly nlu: Pick<Nlu, "parse">,
    private readonly log: Logger,
    private readonly now: () => Date,
  ) {}

  /** Returns the ticket and whether this call created it (false: the externalId was known). */
  async open(actor: Actor, input: ExternalComplaint): Promise<{ ticket: TicketDetail; created: boolean }> {
    const existing = await this.find(input.source, input.externalId);
    if (existing) return { ticket: await this.tickets.detailById(existing), created: false };

    const now = this.now();
    const appeal = input.source === APPEAL_SOURCE;
    if (!appeal && (input.transferredAt || input.mediation))
      throw new AppError("VALIDATION_FAILED", "transferredAt and mediation are for source spb12305 only", {
        issues: ["transferredAt: only for spb12305", "mediation: only for spb12305"],
      });
    const transferredAt = input.transferredAt ?? now;
    if (transferredAt.getTime() > now.getTime())
      throw new AppError("VALIDATION_FAILED", "transferredAt is in the future", {
        issues: ["transferredAt: in the future"],
      });
    if (input.deadline && input.deadline.getTime() <= transferredAt.getTime())
      throw new AppError("VALIDATION_FAILED", "deadline must be after the transfer", {
        issues: ["deadline: not after transferredAt (or now)"],
      });

    const { customerId, conversationId, channel } = await this.reach(input.customer);
    const category = input.category ?? this.nlu.parse(input.text).category?.code ?? "OTHER";

    const clocks: ClockKind[] = [];
    const startedAt: Partial<Record<ClockKind, Date>> = {};
    const dueAt: Partial<Record<ClockKind, Date>> = {};
    if (appeal) {
      clocks.push("appeal_report");
      startedAt.appeal_report = transferredAt;
      if (input.deadline) dueAt.appeal_report = input.deadline;
      if (input.mediation) {
        clocks.push("appeal_mediation");
        if (input.mediation.deadline) dueAt.appeal_mediation = input.mediation.deadline;
      }
    }
    try {
      const id = await this.tickets.insert({
        customerId,
        conversationId,
        channel,
        category,
        description: input.text,
        waybill: input.waybill,
        contactPhone: input.customer.phone,
        complex: false,
        actor,
        external: {
          source: input.source,
          externalId: input.externalId,
          externalRef: input.externalRef,
          deadline: input.deadline,
          clocks,
          clockStart: { startedAt, dueAt },
        },
      });
      this.log.info({ source: input.source, externalId: input.externalId }, "external complaint opened");
      return { ticket: await this.tickets.detailById(id), created: true };
    } catch (err) {
      // Two calls with one externalId at once: the loser answers with the winner's ticket.
      if (!isUniqueViolation(err)) throw err;
      const winner = await this.find(input.source, input.externalId);
      if (!winner) throw err;
      return { ticket: await this.tickets.detailById(winner), created: false };
    }
  }

  private async find(source: string, externalId: string): Promise<string | undefined> {
    const row = await this.db.ticket.findUnique({
      where: { source_externalId: { source, externalId } },
      select: { id: true },
    });
    return row?.id;
  }

  /**
   * The customer and where to reach them: by their address on one of our channels, else by phone
   * (found or created); their latest conversation, if any, is linked (replies go there).
   */
  private async reach(
    c: ExternalComplaint["customer"],
  ): Promise<{ customerId: string; conversationId: string | null; channel: string }> {
    let customerId: string | undefined;
    let viaChannel: string | undefined;
    if (c.channel && c.channelUserId) {
      const identity = await this.db.channelIdentity.findUnique({
        where: { channel_externalId: { channel: c.channel, externalId: c.channelUserId } },
        select: { customerId: true },
      });
      if (identity) {
        customerId = identity.customerId;
        viaChannel = c.channel;
      }
    }
    if (!customerId && c.phone) customerId = await this.tickets.customerByPhone(c.phone, c.name);
    if (!customerId)
      throw new AppError("CUSTOMER_UNREACHABLE", "Give the customer's phone or a known channel address", {
        issues: ["customer: no phone and no known channel address"],
      });
    const conv = await this.db.conversation.findFirst({
      where: { customerId, ...(viaChannel ? { channel: viaChannel } : {}) },
      orderBy: { lastMessageAt: "desc" },
      select: { id: true, channel: true },
    });
    return conv
      ? { customerId, conversationId: conv.id, channel: conv.channel }
      : { customerId, conversationId: null, channel: "phone" };
  }
}
