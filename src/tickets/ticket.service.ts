import type { Logger } from "pino";
import type { ConversationService } from "../conversation/conversation.service.js";
import type { Db } from "../db/client.js";
import type { EventBus } from "../realtime/event-bus.js";
import type { SlaService } from "../sla/sla.service.js";
import { TicketLifecycle } from "./ticket.lifecycle.js";
import { TicketQueries } from "./ticket.queries.js";
import { TicketRequests } from "./ticket.requests.js";
import type { TicketDetail, TicketOptions } from "./ticket.shared.js";
import { GROUPS } from "./ticket-rules.js";

export type {
  ActionBody,
  Actor,
  BotComplaint,
  CreateTicketInput,
  TicketDetail,
  TicketEventDto,
  TicketFilter,
  TicketOptions,
  TicketSummary,
  Tx,
} from "./ticket.shared.js";
export { actorOf } from "./ticket.shared.js";

/**
 * Tickets: numbering, triage, the lifecycle with its audit trail, and the SLA clocks that
 * follow it. Every state change is one transaction (ticket row + event + clocks); scheduler
 * triggers and realtime events follow the commit.
 *
 * The facade other modules use; the work is split by role (issue 15): TicketQueries (reading),
 * TicketLifecycle (creation, actions, state changes), TicketRequests (what the bot opens).
 */
export class TicketService {
  private readonly db: Db;
  private readonly queries: TicketQueries;
  private readonly lifecycle: TicketLifecycle;
  private readonly requests: TicketRequests;

  constructor(
    db: Db,
    sla: SlaService,
    conversations: Pick<ConversationService, "sendToConversation">,
    bus: EventBus,
    log: Logger,
    opts: TicketOptions,
  ) {
    const deps = { db, sla, conversations, bus, log, opts };
    this.db = db;
    this.queries = new TicketQueries(deps);
    this.lifecycle = new TicketLifecycle(deps, this.queries);
    this.requests = new TicketRequests(deps, this.queries, this.lifecycle);
  }

  /** Seeds the routing groups (domain.md) idempotently. */
  async seedGroups(): Promise<void> {
    await this.db.group.createMany({ data: GROUPS.map((g) => ({ ...g })), skipDuplicates: true });
  }
  /**
   * The next number of the month: one atomic upsert on the month's counter row, outside
   * the ticket transaction so creations do not queue behind each other (a rolled-back
   * creation leaves a gap, never a duplicate).
   */
  nextNumber(...a: Parameters<TicketLifecycle["nextNumber"]>): ReturnType<TicketLifecycle["nextNumber"]> {
    return this.lifecycle.nextNumber(...a);
  }

  /** Inserts a triaged, clocked ticket (issue 21: complaints other systems hand over use it). */
  insert(...a: Parameters<TicketLifecycle["insert"]>): ReturnType<TicketLifecycle["insert"]> {
    return this.lifecycle.insert(...a);
  }

  /** The customer with this phone, created when new. */
  customerByPhone(
    ...a: Parameters<TicketLifecycle["customerByPhone"]>
  ): ReturnType<TicketLifecycle["customerByPhone"]> {
    return this.lifecycle.customerByPhone(...a);
  }

  /** POST /api/tickets: an agent opens a ticket (e.g. for a phone call). */
  create(...a: Parameters<TicketLifecycle["create"]>): ReturnType<TicketLifecycle["create"]> {
    return this.lifecycle.create(...a);
  }

  /**
   * The complaint dialog's confirmation. Idempotent per inbound message (a turn replayed
   * after a crash returns the ticket it already opened). A complaint about the same thing
   * within the reopen window reopens the resolved ticket instead of opening a second one.
   */
  openFromBot(...a: Parameters<TicketRequests["openFromBot"]>): ReturnType<TicketRequests["openFromBot"]> {
    return this.requests.openFromBot(...a);
  }

  /** The customer withdraws their latest booked pickup (issue 15); returns its number, if any. */
  cancelPickup(...a: Parameters<TicketRequests["cancelPickup"]>): ReturnType<TicketRequests["cancelPickup"]> {
    return this.requests.cancelPickup(...a);
  }

  /**
   * The customer's 同意 / 不同意 to a claim's proposed compensation, read in the chat (issue 15).
   * Applies to the customer's claim in this conversation that has a proposal and no agreement yet
   * (no claim_payment clock). 同意 records the agreement as the customer's (the 7-day payment
   * clock starts, domain.md national context); 不同意 is kept as an event the agent sees, and the
   * ticket stays with them. Returns the bot's answer, or undefined when no proposal is waiting.
   */
  answerProposal(...a: Parameters<TicketRequests["answerProposal"]>): ReturnType<TicketRequests["answerProposal"]> {
    return this.requests.answerProposal(...a);
  }

  /** The customer chased their open ticket from the chat: see {@link TicketRequests.chase}. */
  chase(...a: Parameters<TicketRequests["chase"]>): ReturnType<TicketRequests["chase"]> {
    return this.requests.chase(...a);
  }

  /** Gives a new, unassigned ticket to the best online agent of its group (see pickAssignee). */
  autoAssign(...a: Parameters<TicketLifecycle["autoAssign"]>): ReturnType<TicketLifecycle["autoAssign"]> {
    return this.lifecycle.autoAssign(...a);
  }

  /** An agent came online: new tickets waiting in their groups go to them, oldest first, up to their cap. */
  assignWaiting(...a: Parameters<TicketLifecycle["assignWaiting"]>): ReturnType<TicketLifecycle["assignWaiting"]> {
    return this.lifecycle.assignWaiting(...a);
  }

  /** An agent confirms or corrects the ticket's place and stage (issue 23); returns the detail. */
  async correctPlace(...a: Parameters<TicketLifecycle["correctPlace"]>): Promise<TicketDetail> {
    await this.lifecycle.correctPlace(...a);
    return this.queries.get(a[0], a[2]);
  }

  list(...a: Parameters<TicketQueries["list"]>): ReturnType<TicketQueries["list"]> {
    return this.queries.list(...a);
  }

  get(...a: Parameters<TicketQueries["get"]>): ReturnType<TicketQueries["get"]> {
    return this.queries.get(...a);
  }

  detailById(...a: Parameters<TicketQueries["detailById"]>): ReturnType<TicketQueries["detailById"]> {
    return this.queries.detailById(...a);
  }

  /** The customer's own tickets, newest first (complaint progress in chat). */
  forCustomer(...a: Parameters<TicketQueries["forCustomer"]>): ReturnType<TicketQueries["forCustomer"]> {
    return this.queries.forCustomer(...a);
  }

  byNumber(...a: Parameters<TicketQueries["byNumber"]>): ReturnType<TicketQueries["byNumber"]> {
    return this.queries.byNumber(...a);
  }

  /**
   * Group display names for bot replies, cached briefly: read on every progress question,
   * changed by an admin a few times a year (a rename shows within GROUP_NAMES_TTL_MS).
   */
  groupNames(...a: Parameters<TicketQueries["groupNames"]>): ReturnType<TicketQueries["groupNames"]> {
    return this.queries.groupNames(...a);
  }

  /** An agent's action through the API: visibility first, then the lifecycle rules. */
  act(...a: Parameters<TicketLifecycle["act"]>): ReturnType<TicketLifecycle["act"]> {
    return this.lifecycle.act(...a);
  }

  /**
   * The customer wrote in the ticket's conversation: a ticket waiting on them is open
   * again and its clocks resume. For the conversation runtime to call on every inbound
   * message.
   */
  customerReplied(
    ...a: Parameters<TicketLifecycle["customerReplied"]>
  ): ReturnType<TicketLifecycle["customerReplied"]> {
    return this.lifecycle.customerReplied(...a);
  }

  /**
   * An agent wrote to the customer in the conversation itself (the console composer): that is
   * the first response of every still-unanswered ticket linked to the conversation, exactly as a
   * reply from the ticket's own composer is.
   */
  agentReplied(...a: Parameters<TicketLifecycle["agentReplied"]>): ReturnType<TicketLifecycle["agentReplied"]> {
    return this.lifecycle.agentReplied(...a);
  }

  /** Survey answered or survey window over (issue 8): resolved → closed. */
  close(...a: Parameters<TicketLifecycle["close"]>): ReturnType<TicketLifecycle["close"]> {
    return this.lifecycle.close(...a);
  }

  /** 不满意 with 未解决 in the survey: the ticket is open again for its owner instead of closing. */
  reopen(...a: Parameters<TicketLifecycle["reopen"]>): ReturnType<TicketLifecycle["reopen"]> {
    return this.lifecycle.reopen(...a);
  }
}
