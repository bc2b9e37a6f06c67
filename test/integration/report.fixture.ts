import type { App } from "../../src/app.js";

/** China time → Date. */
const cst = (s: string) => new Date(`${s}+08:00`);
const H = 3_600_000;
const M = 60_000;

type Clock = "met" | "breached" | "running";

/**
 * A hand-computed fixture (figures worked out in the comments) for the period
 * 2026-03-02 … 2026-03-03 China time, with rows just outside it that must not count.
 */
export async function seedReportFixture(app: App, li: string, wang: string) {
  const db = app.db.prisma;
  const customer = await db.customer.create({ data: { name: "张三", phone: "13912345678" } });
  const identity = await db.channelIdentity.create({
    data: { channel: "webchat", externalId: "fixture", customerId: customer.id, address: {} },
  });
  const conv = await db.conversation.create({
    data: { customerId: customer.id, channel: "webchat", identityId: identity.id },
  });
  let seq = 0;
  const ticket = async (t: {
    category: string;
    group: string;
    assignee?: string;
    created: string;
    firstResponseMin?: number;
    resolvedH?: number;
    reopened?: number;
    clocks: Partial<Record<"first_response" | "resolution" | "regulatory", Clock>>;
  }) => {
    const createdAt = cst(t.created);
    const row = await db.ticket.create({
      data: {
        number: `202603-${String(++seq).padStart(5, "0")}`,
        category: t.category,
        groupCode: t.group,
        assigneeId: t.assignee ?? null,
        status: t.resolvedH === undefined ? "open" : "resolved",
        customerId: customer.id,
        conversationId: conv.id,
        channel: "webchat",
        contactPhone: "13912345678",
        description: "快递三天没到，电话打不通",
        createdAt,
        firstResponseAt:
          t.firstResponseMin === undefined ? null : new Date(createdAt.getTime() + t.firstResponseMin * M),
        resolvedAt: t.resolvedH === undefined ? null : new Date(createdAt.getTime() + t.resolvedH * H),
        reopenedCount: t.reopened ?? 0,
      },
    });
    for (const [kind, state] of Object.entries(t.clocks))
      await db.slaClock.create({
        data: {
          ticketId: row.id,
          kind,
          policyName: `default.${kind}`,
          calendarId: "24x7",
          targetMinutes: 30,
          startedAt: createdAt,
          dueAt: new Date(createdAt.getTime() + 30 * M),
          warnAt: new Date(createdAt.getTime() + 24 * M),
          state,
        },
      });
    return row;
  };
  const survey = async (
    ticketId: string,
    s: { sent: string; agent: string; group: string; answered?: boolean } & Record<string, unknown>,
  ) => {
    const { sent, agent, group, answered, ...answers } = s;
    const sentAt = cst(sent);
    await db.survey.create({
      data: {
        ticketId,
        conversationId: conv.id,
        channel: "webchat",
        status: answered ? "completed" : "sent",
        sendAt: sentAt,
        sentAt,
        closesAt: new Date(sentAt.getTime() + 72 * H),
        answeredAt: answered ? new Date(sentAt.getTime() + 10 * M) : null,
        agentId: agent,
        groupCode: group,
        category: "DELAY",
        ...answers,
      },
    });
  };

  // In the period: T1–T5.
  const t1 = await ticket({
    category: "DELAY",
    group: "logistics",
    assignee: li,
    created: "2026-03-02T10:00:00",
    firstResponseMin: 20,
    resolvedH: 5,
    clocks: { first_response: "met", resolution: "met", regulatory: "met" },
  });
  const t2 = await ticket({
    category: "DELAY",
    group: "logistics",
    assignee: li,
    created: "2026-03-02T12:00:00",
    firstResponseMin: 60,
    resolvedH: 30,
    reopened: 1,
    clocks: { first_response: "breached", resolution: "breached", regulatory: "met" },
  });
  await ticket({
    category: "LOSS",
    group: "logistics",
    assignee: li,
    created: "2026-03-03T09:00:00",
    firstResponseMin: 10,
    clocks: { first_response: "met", resolution: "running", regulatory: "running" },
  });
  await ticket({
    category: "STAFF_ATTITUDE",
    group: "after_sales",
    assignee: wang,
    created: "2026-03-03T20:00:00",
    firstResponseMin: 30,
    resolvedH: 40,
    clocks: { first_response: "met", resolution: "breached", regulatory: "met" },
  });
  await ticket({
    category: "DAMAGE",
    group: "logistics",
    created: "2026-03-03T23:30:00",
    clocks: { first_response: "running" },
  });
  // Outside: created the day after, the day before, and weeks before.
  const t6 = await ticket({
    category: "DELAY",
    group: "logistics",
    assignee: li,
    created: "2026-03-04T01:00:00",
    clocks: { first_response: "breached" },
  });
  const t7 = await ticket({
    category: "AFTER_SALES",
    group: "after_sales",
    assignee: wang,
    created: "2026-03-01T23:00:00",
    firstResponseMin: 5,
    resolvedH: 10,
    clocks: { first_response: "breached" },
  });
  const t8 = await ticket({
    category: "DELAY",
    group: "logistics",
    assignee: li,
    created: "2026-02-20T10:00:00",
    resolvedH: 300,
    clocks: {},
  });

  // Surveys sent in the period: S1 (T1), S2 (T2), S3 (T7), S4 (T8, unanswered); S5 (T6) sent after it.
  await survey(t1.id, {
    sent: "2026-03-02T16:00:00",
    agent: li,
    group: "logistics",
    answered: true,
    overall: "satisfied",
    stars: 5,
    speed: 5,
    effect: 4,
    attitude: 5,
    nps: 10,
    comment: "很好，谢谢",
  });
  await survey(t2.id, {
    sent: "2026-03-03T10:00:00",
    agent: li,
    group: "logistics",
    answered: true,
    overall: "dissatisfied",
    fcr: false,
    whatWentWrong: "=太慢了",
    speed: 2,
    effect: 2,
    attitude: 4,
    nps: 3,
  });
  await survey(t7.id, {
    sent: "2026-03-02T09:05:00",
    agent: wang,
    group: "after_sales",
    answered: true,
    overall: "basically_satisfied",
    nps: 8,
  });
  await survey(t8.id, { sent: "2026-03-02T20:00:00", agent: li, group: "logistics" });
  await survey(t6.id, {
    sent: "2026-03-04T09:00:00",
    agent: li,
    group: "logistics",
    answered: true,
    overall: "dissatisfied",
    nps: 0,
  });

  // 500 shipments in the period, 100 after it.
  const ship = (n: number, at: string, prefix: string) =>
    db.shipment.createMany({
      data: Array.from({ length: n }, (_, i) => ({
        waybill: `${prefix}${String(i).padStart(10, "0")}`,
        carrier: "SF",
        createdAt: cst(at),
      })),
    });
  await ship(500, "2026-03-02T08:00:00", "SF1");
  await ship(100, "2026-03-05T08:00:00", "SF2");

  // Early warning fixture, around 2026-03-10: LOSS had 7 in the 7 days before, then 6 in six hours.
  const day = (d: number) => `2026-03-${String(d).padStart(2, "0")}`;
  for (let d = 4; d <= 10; d++)
    await ticket({ category: "LOSS", group: "logistics", created: `${day(d)}T03:00:00`, clocks: {} });
  for (let h = 18; h < 24; h++)
    await ticket({ category: "LOSS", group: "logistics", created: `2026-03-10T${h}:10:00`, clocks: {} });
  // DELAY runs at its usual pace (4 a day): no warning.
  for (let d = 4; d <= 10; d++)
    for (const hh of ["02", "08", "14", "20"])
      await ticket({ category: "DELAY", group: "logistics", created: `${day(d)}T${hh}:30:00`, clocks: {} });
}
