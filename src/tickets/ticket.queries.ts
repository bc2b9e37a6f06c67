import type { Principal } from "../agents/auth.service.js";
import { escapeLike } from "../db/client.js";
import { AppError } from "../errors.js";
import type { Prisma } from "../generated/prisma/client.js";
import { placeOf } from "../places/divisions.js";
import { isStage } from "../places/stage.js";
import { toClockDto } from "../sla/sla.service.js";
import {
  GROUP_NAMES_TTL_MS,
  SUMMARY_SELECT,
  TicketCore,
  type TicketDetail,
  type TicketFilter,
  type TicketSummary,
  toSummary,
} from "./ticket.shared.js";

/** Reading tickets: lists, one ticket with its events and clocks, a customer's tickets, group names. */

/**
 * Who may see a ticket (and what hangs on it: images, labels): supervisors and admins all; an
 * agent the tickets of their groups and the ones assigned to them. The one copy of this rule.
 */
export function ticketVisibleTo(t: { groupCode: string; assigneeId: string | null }, p: Principal): boolean {
  return p.role !== "agent" || t.assigneeId === p.agentId || p.groups.includes(t.groupCode);
}

/** ticketVisibleTo, or 403 FORBIDDEN. */
export function assertTicketVisible(t: { groupCode: string; assigneeId: string | null }, p: Principal): void {
  if (!ticketVisibleTo(t, p)) throw new AppError("FORBIDDEN", "This ticket belongs to a group you are not in");
}

export class TicketQueries extends TicketCore {
  private groupNamesCache: { at: number; names: Map<string, { nameZh: string; nameEn: string }> } | undefined;

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
    if (filter.label) and.push({ labels: { some: { labelId: filter.label } } });
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

  assertVisible(t: { groupCode: string; assigneeId: string | null }, p: Principal): void {
    assertTicketVisible(t, p);
  }

  async detailById(id: string): Promise<TicketDetail> {
    const r = await this.db.ticket.findUniqueOrThrow({
      where: { id },
      include: {
        customer: { select: { id: true, name: true, phone: true } },
        outlet: { select: { code: true, name: true } },
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
    const order = [
      "appeal_mediation",
      "appeal_report",
      "first_response",
      "resolution",
      "regulatory",
      "claim_ack",
      "claim_proposal",
      "claim_payment",
    ];
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
      region: placeOf(r.provinceCode, r.cityCode),
      repeatOf: r.repeatOfId
        ? ((await this.db.ticket.findUnique({ where: { id: r.repeatOfId }, select: { number: true } }))?.number ?? null)
        : null,
      stage: r.stage !== null && isStage(r.stage) ? r.stage : null,
      outlet: r.outlet,
      complex: r.complex,
      resolution: r.resolution,
      rootCause: r.rootCause,
      reopenedCount: r.reopenedCount,
      firstResponseAt: r.firstResponseAt?.toISOString() ?? null,
      resolvedAt: r.resolvedAt?.toISOString() ?? null,
      closedAt: r.closedAt?.toISOString() ?? null,
      slaClocks: [...r.clocks].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind)).map(toClockDto),
      external:
        r.source && r.externalId
          ? {
              source: r.source,
              externalId: r.externalId,
              externalRef: r.externalRef,
              deadline: r.externalDeadline?.toISOString() ?? null,
            }
          : null,
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

  /** The customer's own tickets and the urges they joined, newest first (complaint progress in chat). */
  async forCustomer(customerId: string, limit = 3): Promise<TicketDetail[]> {
    // Most customers who ask have no ticket: the driver answers that without Prisma's overhead.
    // A 催件 that joined another customer's open one (issue 15) is theirs to ask about too: they
    // were given its number. The partial index on joined events keeps this an index lookup.
    const rows = await this.sql.query<{ id: string }>(
      `SELECT id FROM "Ticket" WHERE "customerId" = $1::uuid
          OR id IN (SELECT "ticketId" FROM "TicketEvent" WHERE type = 'joined' AND "actorId" = $1::text)
        ORDER BY "createdAt" DESC LIMIT $2`,
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
}
