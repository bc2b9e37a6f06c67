import { auditCannedReply, auditStaff } from "../agents/audit.js";
import type { Principal, Role } from "../agents/auth.service.js";
import { mayViewConversation } from "../agents/conversation-scope.js";
import type { QuickReply } from "../channel/channel.js";
import { proposalReplies, rt } from "../conversation/flows/request.texts.js";
import { type Locale, toLocale } from "../conversation/texts.js";
import { AppError } from "../errors.js";
import { Prisma } from "../generated/prisma/client.js";
import { maskPhone } from "../logger.js";
import { outletFromInput, outletFromTracking } from "../outlets/outlet.service.js";
import { locate, type Place, placeFromInput } from "../places/divisions.js";
import { attribute, type Stage } from "../places/stage.js";
import { formatDuration } from "../sla/duration.js";
import type { ArmRequest } from "../sla/sla.service.js";
import { TX_OPTIONS } from "../sla/sla.service.js";
import { CLOCK_KINDS } from "../sla/sla-policy.js";
import { isShipmentStatus, type ShipmentStatus } from "../tracking/tracking.types.js";
import { type AssignmentCandidate, pickAssignee } from "./assignment.js";
import type { TicketQueries } from "./ticket.queries.js";
import {
  type ActionBody,
  type Actor,
  ANSWERED_MEANWHILE,
  actorColumns,
  actorOf,
  assertNotOthersConversation,
  auditFacts,
  type CreateTicketInput,
  DAY,
  type ExternalOrigin,
  policySubject,
  TicketCore,
  type TicketDeps,
  type TicketDetail,
} from "./ticket.shared.js";
import { formatTicketNumber, periodOf } from "./ticket-number.js";
import { triage } from "./ticket-rules.js";
import { type Priority, type TicketAction, type TicketStatus, transition } from "./ticket-state.js";
import { isRequestType, requestStep, type TicketType, typeLabel } from "./ticket-types.js";

/**
 * Creating tickets and every state change: numbering, triage, assignment, the actions with
 * their audit trail and SLA clocks, replies, and the notices a request's outcome sends.
 */
export class TicketLifecycle extends TicketCore {
  constructor(
    deps: TicketDeps,
    private readonly queries: TicketQueries,
  ) {
    super(deps);
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
    return this.queries.detailById(id);
  }

  async customerByPhone(phone: string, name?: string): Promise<string> {
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

  async insert(a: {
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
    /** Issue 21: handed over by another system; its clocks may count from the transfer. */
    external?: ExternalOrigin | undefined;
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
    const where = await this.whereItLies(type, a.waybill, a.details);
    // Issue 23: a complaint about a parcel at an outlet with its own agent group goes to that group
    // (one that raises a legal question stays with 法务, 003 §3.1.3).
    const groupCode =
      type === "complaint" && where.outlet?.groupCode && t.groupCode !== "legal" ? where.outlet.groupCode : t.groupCode;
    // Issue 23 (002 重复投诉): the same customer's or waybill's latest complaint within the window.
    const repeatOf =
      type === "complaint"
        ? await this.db.ticket.findFirst({
            where: {
              type: "complaint",
              createdAt: { gte: new Date(now.getTime() - this.thresholds.repeatDays * DAY) },
              OR: [{ customerId: a.customerId }, ...(a.waybill ? [{ waybill: a.waybill }] : [])],
            },
            orderBy: { createdAt: "desc" },
            select: { id: true, number: true },
          })
        : null;
    const number = await this.nextNumber(now);
    const { ticket, arms } = await this.db.$transaction(async (tx) => {
      const ticket = await tx.ticket.create({
        data: {
          number,
          type,
          category: a.category,
          priority: t.priority,
          groupCode,
          customerId: a.customerId,
          conversationId: a.conversationId,
          channel: a.channel,
          waybill: a.waybill ?? null,
          contactPhone: a.contactPhone ?? null,
          description: a.description,
          claimedAmount: a.claimedAmount === undefined ? null : new Prisma.Decimal(a.claimedAmount),
          details: (a.details ?? Prisma.DbNull) as Prisma.InputJsonValue,
          provinceCode: where.place?.provinceCode ?? null,
          cityCode: where.place?.cityCode ?? null,
          stage: where.stage,
          outletCode: where.outlet?.code ?? null,
          repeatOfId: repeatOf?.id ?? null,
          complex: a.complex,
          ...(a.external
            ? {
                source: a.external.source,
                externalId: a.external.externalId,
                externalRef: a.external.externalRef ?? null,
                externalDeadline: a.external.deadline ?? null,
              }
            : {}),
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
            groupCode,
            reasons: t.reasons,
            ...(repeatOf ? { repeatOf: repeatOf.number } : {}),
            ...(a.sourceMessageId ? { sourceMessageId: a.sourceMessageId } : {}),
            ...(a.external
              ? {
                  source: a.external.source,
                  externalId: a.external.externalId,
                  ...(a.external.externalRef ? { externalRef: a.external.externalRef } : {}),
                }
              : {}),
          },
        },
      });
      // Issue 17: photos the customer sent during the intake become this ticket's evidence.
      if (a.conversationId && (type === "complaint" || type === "claim"))
        await tx.attachment.updateMany({
          where: { conversationId: a.conversationId, purpose: "evidence", ticketId: null },
          data: { ticketId: ticket.id },
        });
      if (a.actor.type === "agent")
        await auditStaff(tx, a.actor.id, {
          action: "ticket.created",
          subjectType: "ticket",
          subjectId: ticket.id,
          data: { number: ticket.number, type, category: a.category },
        });
      const subject = { type, category: a.category, priority: t.priority, groupCode, complex: a.complex };
      const arms = await this.sla.startClocks(tx, ticket.id, subject);
      if (a.external?.clocks.length)
        arms.push(...(await this.sla.startClocks(tx, ticket.id, subject, a.external.clocks, a.external.clockStart)));
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

  /**
   * Where and at which stage the problem lies, as of now (issue 23): from the waybill's stored
   * tracking (the place of its latest event that names one, the stage from its status), else from
   * the customer's address in the request (a pickup is at 揽收), else unknown.
   */
  private async whereItLies(
    type: TicketType,
    waybill: string | undefined,
    details: Record<string, unknown> | undefined,
  ): Promise<{ place: Place | null; stage: Stage | null; outlet: { code: string; groupCode: string | null } | null }> {
    if (waybill) {
      const s = await this.db.shipment.findFirst({
        where: { waybill },
        orderBy: { updatedAt: "desc" },
        select: {
          status: true,
          origin: true,
          destination: true,
          events: { orderBy: { time: "desc" }, take: 20, select: { status: true, location: true, description: true } },
        },
      });
      if (s && isShipmentStatus(s.status))
        return {
          ...attribute({
            status: s.status,
            origin: s.origin,
            destination: s.destination,
            events: s.events.filter((e): e is typeof e & { status: ShipmentStatus } => isShipmentStatus(e.status)),
          }),
          outlet: await outletFromTracking(this.db, s.events),
        };
    }
    const address = typeof details?.address === "string" ? details.address : null;
    return { place: locate(address), stage: type === "pickup" ? "pickup" : null, outlet: null };
  }

  /**
   * An agent confirms or corrects where and at which stage the problem lies (issue 23): `place`
   * as words or a GB/T 2260 code (null: unknown), `stage` (null: unknown); omitted fields stay.
   * One event with what it was and what it is; audited; the report day is re-marked by trigger.
   */
  async correctPlace(
    number: string,
    body: { place?: string | null | undefined; stage?: Stage | null | undefined; outlet?: string | null | undefined },
    p: Principal,
  ): Promise<void> {
    const t = await this.db.ticket.findUnique({
      where: { number },
      select: {
        id: true,
        type: true,
        status: true,
        groupCode: true,
        assigneeId: true,
        provinceCode: true,
        cityCode: true,
        stage: true,
        outletCode: true,
      },
    });
    if (!t) throw new AppError("TICKET_NOT_FOUND");
    this.queries.assertVisible(t, p);
    let place: Place | null | undefined;
    if (body.place !== undefined) {
      place = body.place === null || body.place.trim() === "" ? null : placeFromInput(body.place);
      if (place === null && body.place !== null && body.place.trim() !== "")
        throw new AppError("PLACE_UNKNOWN", `No province or city in "${body.place}"`, { place: body.place });
    }
    const outletCode = body.outlet === undefined ? undefined : await this.outletCode(body.outlet);
    const data = {
      ...(place !== undefined ? { provinceCode: place?.provinceCode ?? null, cityCode: place?.cityCode ?? null } : {}),
      ...(body.stage !== undefined ? { stage: body.stage } : {}),
      ...(outletCode !== undefined ? { outletCode } : {}),
    };
    // An outlet set later routes the complaint to the outlet's agent group as one found in the
    // tracking would have, while nobody holds it (首问负责制: an agent who holds it keeps it) and
    // it is not legal (法务) or finished.
    const outletGroup =
      outletCode && outletCode !== t.outletCode
        ? (await this.db.outlet.findUnique({ where: { code: outletCode }, select: { groupCode: true } }))?.groupCode
        : null;
    const reroute =
      outletGroup &&
      outletGroup !== t.groupCode &&
      t.type === "complaint" &&
      t.groupCode !== "legal" &&
      t.assigneeId === null &&
      (t.status === "new" || t.status === "open" || t.status === "pending_customer")
        ? outletGroup
        : null;
    const from = { provinceCode: t.provinceCode, cityCode: t.cityCode, stage: t.stage, outletCode: t.outletCode };
    const at = this.now();
    await this.db.$transaction(async (tx) => {
      await tx.ticket.update({ where: { id: t.id }, data: reroute ? { ...data, groupCode: reroute } : data });
      await tx.ticketEvent.create({
        data: {
          ticketId: t.id,
          at,
          ...actorColumns(actorOf(p)),
          type: "place_corrected",
          data: { from, to: { ...from, ...data } },
        },
      });
      if (reroute)
        await tx.ticketEvent.create({
          data: {
            ticketId: t.id,
            at,
            ...actorColumns(actorOf(p)),
            type: "transferred",
            data: { fromGroup: t.groupCode, toGroup: reroute, reason: "outlet", outlet: outletCode },
          },
        });
      await auditStaff(tx, p.agentId, {
        action: "ticket.place_corrected",
        subjectType: "ticket",
        subjectId: t.id,
        data: {
          number,
          from,
          to: { ...from, ...data },
          ...(reroute ? { fromGroup: t.groupCode, toGroup: reroute } : {}),
        },
      });
    });
    await this.publish("ticket.updated", t.id, "place_corrected");
    if (reroute)
      await this.autoAssign(t.id).catch((err) => this.log.warn({ err, ticketId: t.id }, "auto-assignment failed"));
  }

  /**
   * The outlet an agent gave — its code, name or a part of its name that fits one outlet (null or
   * "": none); 400 OUTLET_UNKNOWN when none fits, OUTLET_AMBIGUOUS when several do.
   */
  async outletCode(input: string | null): Promise<string | null> {
    return outletFromInput(this.db, input);
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

  // ───────────────────────── actions ─────────────────────────

  /** An agent's action through the API: visibility first, then the lifecycle rules. */
  async act(number: string, body: ActionBody, p: Principal): Promise<TicketDetail> {
    const row = await this.db.ticket.findUnique({
      where: { number },
      select: { id: true, groupCode: true, assigneeId: true },
    });
    if (!row) throw new AppError("TICKET_NOT_FOUND");
    this.queries.assertVisible(row, p);
    await this.applyAction(number, body, actorOf(p));
    return this.queries.detailById(row.id);
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

  async applyAction(
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
    // Issue 23: the responsible outlet named at resolution must exist (400 OUTLET_UNKNOWN before anything changes).
    const responsibleOutlet =
      body.action === "resolve" && body.outlet !== undefined ? await this.outletCode(body.outlet) : undefined;
    // 001 第五条: a person who resolves a complaint classifies it, 质量异常 or 非质量异常 (the console
    // asks for it too); another system resolving one through an API key may leave it unset.
    if (body.action === "resolve" && ticket.type === "complaint" && actor.type === "agent" && !body.rootCause)
      throw new AppError("ROOT_CAUSE_REQUIRED", "A complaint is resolved with its root cause: quality or non_quality", {
        field: "rootCause",
        allowed: ["quality", "non_quality"],
      });
    if ((body.action === "reply" || (body.action === "pend" && body.text)) && !ticket.conversationId)
      throw new AppError("TICKET_NO_CHANNEL");
    if ((body.action === "reply" || (body.action === "pend" && body.text)) && ticket.conversationId) {
      const conv = await this.db.conversation.findUnique({
        where: { id: ticket.conversationId },
        select: { mode: true, agentId: true },
      });
      if (conv) assertNotOthersConversation(actor, conv);
    }
    const amount = body.action === "propose" ? body.amount : body.action === "complete" ? body.paidAmount : undefined;
    const max = this.claimMaxAmount;
    if (amount !== undefined && max !== undefined && amount > max)
      throw new AppError("CLAIM_AMOUNT_TOO_LARGE", `${amount} yuan is above the maximum of ${max} (CLAIM_MAX_AMOUNT)`, {
        amount,
        max,
      });
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
      for (const conversationId of await this.noticeConversations(ticket, body)) {
        const notice = await this.requestNotice({ ...ticket, conversationId }, body, now);
        if (notice)
          await this.conversations.sendToConversation(conversationId, {
            text: notice.text,
            author: "system",
            ...(notice.quickReplies ? { quickReplies: notice.quickReplies } : {}),
          });
      }
    }

    const arms: ArmRequest[] = await this.db.$transaction(async (tx) => {
      const data: Prisma.TicketUpdateManyMutationInput & {
        assigneeId?: string | null;
        groupCode?: string;
        outletCode?: string | null;
      } = {
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
          if (responsibleOutlet !== undefined) {
            data.outletCode = responsibleOutlet;
            eventData.outlet = responsibleOutlet;
          }
          if (ticket.status === "pending_customer") arms.push(...(await this.sla.resume(tx, ticket.id)));
          // The resolution is not a reply to the customer: an unanswered ticket's first response
          // is stopped, not met, and firstResponseAt stays empty (issue 19: it skewed 平均首次响应).
          arms.push(...(await this.sla.stop(tx, ticket.id, ["first_response"])));
          arms.push(
            ...(await this.sla.meet(tx, ticket.id, ["resolution", "regulatory", "appeal_report", "appeal_mediation"])),
          );
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

  /**
   * Where a request's outcome is told: the request's own conversation and, for a 催件 done or
   * refused, every conversation that joined it (each was promised "2小时内给您回复", issue 15).
   */
  private async noticeConversations(
    t: { id: string; type: string; conversationId: string | null },
    body: ActionBody | { action: "customer_reply" },
  ): Promise<string[]> {
    const own = t.conversationId ? [t.conversationId] : [];
    if (t.type !== "urge" || (body.action !== "complete" && body.action !== "reject")) return own;
    const joins = await this.db.ticketEvent.findMany({
      where: { ticketId: t.id, type: "joined" },
      select: { data: true },
      orderBy: { id: "asc" },
    });
    const joined = joins.map((e) => (e.data as { conversationId?: unknown } | null)?.conversationId);
    return [...new Set([...own, ...joined.filter((c): c is string => typeof c === "string")])];
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

  noticeText(
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
}
