/**
 * The ticket lifecycle: new → open → pending_customer → open → resolved → closed, and
 * resolved/closed → open again when the customer complains within the reopen window.
 * Pure: the service asks, then writes.
 */
export const TICKET_STATUSES = ["new", "open", "pending_customer", "resolved", "closed"] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const TICKET_ACTIONS = [
  "take",
  "reply",
  "note",
  "pend",
  "customer_reply",
  "resolve",
  "reopen",
  "transfer",
  "close",
  // Service requests (issue 15): done, refused with a reason, turned into a complaint; claims
  // also record the proposed compensation and the customer's agreement.
  "complete",
  "reject",
  "convert",
  "propose",
  "agree",
  "cancel",
] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

export interface TransitionContext {
  /** Who acts (undefined for the customer or the system). */
  actorId?: string | undefined;
  actorRole?: "agent" | "supervisor" | "admin" | undefined;
  assigneeId: string | null;
  resolvedAt: Date | null;
  now: Date;
  reopenWindowDays: number;
}

export type Transition = { ok: true; to: TicketStatus } | { ok: false; reason: string };

const refuse = (reason: string): Transition => ({ ok: false, reason });

/**
 * Whether `action` is allowed on a ticket in `status`, and the status it leads to.
 * First-contact ownership (首问负责制, 001): once an agent owns a ticket, another agent
 * cannot take or work it until it is transferred; supervisors and admins may.
 */
export function transition(status: TicketStatus, action: TicketAction, ctx: TransitionContext): Transition {
  const staff = ctx.actorRole === "supervisor" || ctx.actorRole === "admin";
  const ownedByOther = ctx.assigneeId !== null && ctx.actorId !== undefined && ctx.assigneeId !== ctx.actorId;
  const guardOwner = (): Transition | undefined =>
    ownedByOther && !staff ? refuse("ticket is owned by another agent (首问负责制); ask for a transfer") : undefined;

  switch (action) {
    case "take":
      if (status === "new") return { ok: true, to: "open" };
      if (status === "open" || status === "pending_customer") {
        if (ctx.assigneeId === ctx.actorId) return refuse("you already own this ticket");
        return guardOwner() ?? { ok: true, to: status };
      }
      return refuse(`a ${status} ticket cannot be taken; reopen it first`);
    case "reply":
      if (status === "new") return { ok: true, to: "open" }; // replying takes the ticket
      if (status === "open" || status === "pending_customer") return guardOwner() ?? { ok: true, to: status };
      return refuse(`cannot reply on a ${status} ticket; reopen it first`);
    case "note":
      return { ok: true, to: status };
    case "pend":
      if (status === "open") return guardOwner() ?? { ok: true, to: "pending_customer" };
      if (status === "pending_customer") return refuse("ticket is already waiting for the customer");
      return refuse(`only an open ticket can wait for the customer (ticket is ${status})`);
    case "customer_reply":
      if (status === "pending_customer") return { ok: true, to: "open" };
      return { ok: true, to: status };
    case "resolve":
      if (status === "open" || status === "pending_customer") return guardOwner() ?? { ok: true, to: "resolved" };
      if (status === "new") return refuse("take the ticket before resolving it");
      return refuse(`ticket is already ${status}`);
    case "reopen": {
      if (status !== "resolved" && status !== "closed")
        return refuse(`only a resolved or closed ticket can be reopened (ticket is ${status})`);
      const windowMs = ctx.reopenWindowDays * 86_400_000;
      if (ctx.resolvedAt && ctx.now.getTime() - ctx.resolvedAt.getTime() > windowMs && !staff)
        return refuse(`resolved more than ${ctx.reopenWindowDays} days ago; open a new ticket`);
      return { ok: true, to: "open" };
    }
    case "transfer":
      if (status === "resolved" || status === "closed") return refuse(`a ${status} ticket cannot be transferred`);
      return guardOwner() ?? { ok: true, to: status };
    case "complete":
    case "reject":
      if (status === "open" || status === "pending_customer") return guardOwner() ?? { ok: true, to: "resolved" };
      if (status === "new") return refuse("take the request before completing or rejecting it");
      return refuse(`request is already ${status}`);
    case "convert":
    case "propose":
    case "agree":
      if (status === "open" || status === "pending_customer") return guardOwner() ?? { ok: true, to: status };
      if (status === "new") return refuse(`take the request before you ${action} it`);
      return refuse(`a ${status} request cannot be changed; reopen it first`);
    case "cancel": // the customer withdraws an open request (a booked pickup)
      if (status === "new" || status === "open" || status === "pending_customer") return { ok: true, to: "closed" };
      return refuse(`a ${status} request cannot be cancelled`);
    case "close":
      if (status === "resolved") return { ok: true, to: "closed" };
      return refuse(`only a resolved ticket can be closed (ticket is ${status})`);
  }
}

export const PRIORITIES = ["normal", "high", "urgent"] as const;
export type Priority = (typeof PRIORITIES)[number];

/** One level up, capped at urgent (SLA warning/breach escalation). */
export function raisePriority(p: string): Priority {
  return p === "normal" ? "high" : "urgent";
}

export function maxPriority(a: Priority, b: Priority): Priority {
  return PRIORITIES.indexOf(a) >= PRIORITIES.indexOf(b) ? a : b;
}
