import { rt } from "../conversation/flows/request.texts.js";
import { toLocale } from "../conversation/texts.js";
import type { TicketLifecycle } from "./ticket.lifecycle.js";
import type { TicketQueries } from "./ticket.queries.js";
import { type Actor, type BotComplaint, DAY, TicketCore, type TicketDeps, type TicketDetail } from "./ticket.shared.js";
import { URGE_JOIN_MS } from "./ticket-types.js";

/** A customer's chases of one ticket within this window are one event (1 hour). */
export const CHASE_EVENT_MS = 60 * 60_000;

/**
 * What the bot opens (issue 15): complaints and service requests from the chat, a second 催件
 * joining the first, a pickup cancelled by the customer, the customer's answer to a proposal.
 */
export class TicketRequests extends TicketCore {
  constructor(
    deps: TicketDeps,
    private readonly queries: TicketQueries,
    private readonly lifecycle: TicketLifecycle,
  ) {
    super(deps);
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
      return {
        ticket: await this.queries.detailById(existing.id),
        reopened: how === "reopened",
        joined: how === "joined",
      };
    }
    if (type === "urge" && c.waybill) {
      const joined = await this.joinUrge(c.waybill, c);
      if (joined) return { ticket: joined, reopened: false, joined: true };
    }
    const fresh = {
      customerId: c.customerId,
      conversationId: c.conversationId,
      channel: c.channel,
      category: c.category,
      description: c.description,
      waybill: c.waybill,
      contactPhone: c.contactPhone,
      claimedAmount: c.claimedAmount,
      complex: false,
      actor: { type: "customer", id: c.customerId } as const,
      sourceMessageId: c.sourceMessageId,
    };
    if (type !== "complaint") {
      const id = await this.lifecycle.insert({ ...fresh, type, details: c.details });
      return { ticket: await this.queries.detailById(id), reopened: false };
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
      await this.lifecycle.applyAction(
        resolved.number,
        { action: "reopen", reason: c.description },
        { type: "customer", id: c.customerId },
        { sourceMessageId: c.sourceMessageId },
      );
      return { ticket: await this.queries.detailById(resolved.id), reopened: true };
    }
    const id = await this.lifecycle.insert(fresh);
    return { ticket: await this.queries.detailById(id), reopened: false };
  }

  /** The customer withdraws their latest booked pickup (issue 15); returns its number, if any. */
  async cancelPickup(customerId: string): Promise<string | undefined> {
    const t = await this.db.ticket.findFirst({
      where: { customerId, type: "pickup", status: { in: ["new", "open", "pending_customer"] } },
      orderBy: { createdAt: "desc" },
      select: { number: true },
    });
    if (!t) return undefined;
    await this.lifecycle.applyAction(t.number, { action: "cancel" }, { type: "customer", id: customerId });
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
      await this.lifecycle.applyAction(t.number, { action: "agree" }, actor);
      return { number: t.number, text: this.lifecycle.noticeText(t, { action: "agree" }, this.now(), locale) ?? "" };
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
   * The customer chased their open ticket from the chat ("能快点吗" right after its progress):
   * an `urge` event (the console shows 客户催办) and a live update for the agents, at most one event
   * per ticket per {@link CHASE_EVENT_MS} so a customer pressing again does not flood the timeline.
   * The caller checks the customer may see the ticket. Returns the ticket and whether this chase was
   * recorded (false: closed, or chased within the last hour); undefined for an unknown number.
   */
  async chase(number: string, customerId: string): Promise<{ ticket: TicketDetail; recorded: boolean } | undefined> {
    const t = await this.db.ticket.findUnique({ where: { number }, select: { id: true, status: true } });
    if (!t) return undefined;
    const open = ["new", "open", "pending_customer"].includes(t.status);
    const recent =
      open &&
      (await this.db.ticketEvent.findFirst({
        where: { ticketId: t.id, type: "urge", at: { gte: new Date(this.now().getTime() - CHASE_EVENT_MS) } },
        select: { id: true },
      }));
    if (open && !recent) {
      await this.db.ticketEvent.create({
        data: { ticketId: t.id, at: this.now(), actorType: "customer", actorId: customerId, type: "urge" },
      });
      await this.publish("ticket.updated", t.id, "urge");
    }
    return { ticket: await this.queries.detailById(t.id), recorded: open && !recent };
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
    return this.queries.detailById(open.id);
  }
}
