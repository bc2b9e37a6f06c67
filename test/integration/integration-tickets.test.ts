import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { createStaff, staffApi } from "../support/staff.js";
import { webhookReceiver } from "../support/webhook-receiver.js";

// Issue 21, complaints from outside: POST /api/integrations/tickets (API key scope tickets:write)
// opens a complaint another system hands over — the regulator's 12305 申诉 (source spb12305) or a
// marketplace's after-sales complaint (ecommerce) — in the same queue with the same clocks,
// idempotent by the caller's externalId. A 12305 transfer also runs the regulator's clocks
// (10 days from the transfer to report the handling; mediation feedback in 3 working days), which
// are not paused, warn and breach like SLA clocks, and are counted apart on the dashboard. When
// such a ticket is resolved, an `integration.outcome` webhook tells the originating system.
interface Clock {
  id: string;
  kind: string;
  state: string;
  startedAt: string;
  dueAt: string;
  warnAt: string;
  warnedAt?: string;
  breachedAt?: string;
}
interface Ticket {
  number: string;
  category: string;
  status: string;
  channel: string;
  priority: string;
  groupCode: string;
  conversationId: string | null;
  customer: { phone: string | null; name: string | null };
  external: { source: string; externalId: string; externalRef: string | null; deadline: string | null } | null;
  slaClocks: Clock[];
  events: { type: string; data: Record<string, unknown> }[];
  error?: { code: string };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe.each(DB_KINDS)("complaints from other systems (%s)", (kind) => {
  let t: TestApp;
  // Pinned, and later than any real "now": webhook deliveries are stamped by the database's clock
  // and must be due by the app's. 2031-03-04 is a Tuesday.
  let clock = new Date("2031-03-04T02:00:00Z");
  const hook = webhookReceiver();
  let url: string;
  let admin: { token: string };
  let writeKey: string;
  let readKey: string;
  const api = <T = Ticket>(method: string, path: string, token: string, body?: unknown) =>
    staffApi<T>(t.baseUrl, token, method, path, body);
  const intake = (body: unknown, token = writeKey) => api<Ticket>("POST", "/api/integrations/tickets", token, body);
  const appeal = (over: Record<string, unknown> = {}) => ({
    source: "spb12305",
    externalId: `SS-${Math.random().toString(36).slice(2, 10)}`,
    externalRef: "申诉单 2031030400123",
    customer: { name: "王女士", phone: "13900001111" },
    waybill: "sf1438829301576",
    category: "LOSS",
    text: "快递丢了，向快递公司投诉七天没有结果，现向12305申诉",
    ...over,
  });

  beforeAll(async () => {
    url = await hook.start();
    t = await startTestApp(
      kind,
      { WEBHOOK_ALLOW_PRIVATE_TARGETS: "true", WEBHOOK_POLL_MS: "3600000" },
      { now: () => clock },
    );
    admin = await createStaff(t.app, t.baseUrl, { username: "intake-admin", role: "admin" });
    const key = async (scopes: string[]) =>
      (await api<{ key: string }>("POST", "/api/admin/api-keys", admin.token, { name: scopes.join(","), scopes })).body
        .key;
    writeKey = await key(["tickets:write"]);
    readKey = await key(["tickets:read"]);
  });
  afterAll(async () => {
    await t?.close();
    await hook.stop();
  });

  it("a 12305 transfer opens a complaint in the same queue, with our clocks and the regulator's 10 days from the transfer", async () => {
    const transferredAt = new Date(clock.getTime() - 2 * DAY);
    const res = await intake(appeal({ externalId: "SS-20310302-0001", transferredAt: transferredAt.toISOString() }));
    expect(res.status).toBe(201);
    const tk = res.body;
    expect(tk.external).toEqual({
      source: "spb12305",
      externalId: "SS-20310302-0001",
      externalRef: "申诉单 2031030400123",
      deadline: null,
    });
    expect(tk).toMatchObject({ category: "LOSS", status: "new", channel: "phone" });
    expect(tk.customer).toMatchObject({ phone: "13900001111", name: "王女士" });
    expect(tk.slaClocks.map((c) => c.kind).sort()).toEqual([
      "appeal_report",
      "first_response",
      "regulatory",
      "resolution",
    ]);
    const report = tk.slaClocks.find((c) => c.kind === "appeal_report")!;
    expect(report.startedAt).toBe(transferredAt.toISOString());
    expect(report.dueAt).toBe(new Date(transferredAt.getTime() + 10 * DAY).toISOString());
    // Our own clocks count from when we got it.
    expect(tk.slaClocks.find((c) => c.kind === "first_response")!.startedAt).toBe(clock.toISOString());
    // The queue sees it like any complaint.
    const list = await api<{ items: { number: string }[] }>("GET", "/api/tickets?status=new", admin.token);
    expect(list.body.items.map((i) => i.number)).toContain(tk.number);
  });

  it("the same externalId answers 200 with the same ticket and opens nothing more; another source is another complaint", async () => {
    const body = appeal({ externalId: "SS-IDEMPOTENT-1" });
    const first = await intake(body);
    expect(first.status).toBe(201);
    const again = await intake({ ...body, text: "重复推送" });
    expect(again.status).toBe(200);
    expect(again.body.number).toBe(first.body.number);
    const both = await Promise.all([intake(body), intake(body)]);
    expect(both.map((r) => [r.status, r.body.number])).toEqual([
      [200, first.body.number],
      [200, first.body.number],
    ]);
    const concurrent = appeal({ externalId: "SS-RACE-1" });
    const raced = await Promise.all([intake(concurrent), intake(concurrent), intake(concurrent)]);
    expect(new Set(raced.map((r) => r.body.number)).size).toBe(1);
    expect(raced.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    expect(
      await t.app.db.prisma.ticket.count({ where: { externalId: { in: ["SS-IDEMPOTENT-1", "SS-RACE-1"] } } }),
    ).toBe(2);
    const shop = await intake({ ...body, source: "ecommerce" });
    expect(shop.status).toBe(201);
    expect(shop.body.number).not.toBe(first.body.number);
    expect(shop.body.slaClocks.map((c) => c.kind)).not.toContain("appeal_report");
  });

  it("without a category the text is classified by the intent engine; the caller's deadline is the regulator's", async () => {
    const deadline = new Date(clock.getTime() + 5 * DAY);
    const res = await intake(
      appeal({
        category: undefined,
        text: "快递五天了还没送到，物流一直不更新，太慢了",
        deadline: deadline.toISOString(),
      }),
    );
    expect(res.status).toBe(201);
    expect(res.body.category).toBe("DELAY");
    expect(res.body.external?.deadline).toBe(deadline.toISOString());
    const report = res.body.slaClocks.find((c) => c.kind === "appeal_report")!;
    expect(report.dueAt).toBe(deadline.toISOString());
    // Warns at 80% of its span, like our clocks.
    expect(report.warnAt).toBe(new Date(clock.getTime() + 4 * DAY).toISOString());
  });

  it("the regulator's clocks are not paused while waiting on the customer; they warn and breach at their boundaries", async () => {
    const res = await intake(appeal({ mediation: {} }));
    expect(res.status).toBe(201);
    const tk = res.body;
    const mediation = tk.slaClocks.find((c) => c.kind === "appeal_mediation")!;
    // 3 working days on the 09:00–18:00 calendar: Tuesday 10:00 (CST) → Friday 10:00.
    expect(mediation.dueAt).toBe("2031-03-07T02:00:00.000Z");
    expect((await api("POST", `/api/tickets/${tk.number}/take`, admin.token)).status).toBe(200);
    const pended = await api("POST", `/api/tickets/${tk.number}/pend`, admin.token);
    expect(pended.status).toBe(200);
    const states = Object.fromEntries(pended.body.slaClocks.map((c) => [c.kind, c.state]));
    expect(states).toMatchObject({ resolution: "paused", appeal_report: "running", appeal_mediation: "running" });

    const report = tk.slaClocks.find((c) => c.kind === "appeal_report")!;
    // Staff sessions do not last 10 days: the clock row is read from the database.
    const at = async (ms: number) => {
      clock = new Date(ms);
      await t.app.sla.fire(report.id);
      return t.app.db.prisma.slaClock.findUniqueOrThrow({ where: { id: report.id } });
    };
    const saved = clock;
    try {
      const warnAt = new Date(report.warnAt).getTime();
      const dueAt = new Date(report.dueAt).getTime();
      expect(warnAt).toBe(saved.getTime() + 8 * DAY);
      expect((await at(warnAt - 1)).warnedAt).toBeNull();
      const warned = await at(warnAt);
      expect(warned.warnedAt?.getTime()).toBe(warnAt);
      expect(warned.state).toBe("running");
      expect((await at(dueAt - 1)).state).toBe("running");
      const breached = await at(dueAt);
      expect(breached.state).toBe("breached");
      expect(breached.breachedAt?.getTime()).toBe(dueAt);
    } finally {
      clock = saved;
    }
    // The regulator's limits are not ours to change.
    const locked = await api("PUT", "/api/sla/policies/appeal_report", admin.token, {
      kind: "appeal_report",
      targetMinutes: 30 * 24 * 60,
    });
    expect([locked.status, locked.body.error?.code]).toEqual([409, "SLA_POLICY_LOCKED"]);
    const detail = (await api("GET", `/api/tickets/${tk.number}`, admin.token)).body;
    expect(detail.events.filter((e) => e.type === "sla.breached" && e.data.kind === "appeal_report")).toHaveLength(1);
    expect(detail.events.filter((e) => e.type === "sla.warning" && e.data.kind === "appeal_report")).toHaveLength(1);
  });

  it("resolving it sends the outcome to the originating system by webhook; the summary counts 申诉 apart", async () => {
    const sub = await api<{ id: string; secret: string }>("POST", "/api/admin/webhooks", admin.token, {
      url,
      events: ["integration.outcome"],
    });
    expect(sub.status).toBe(201);
    const res = await intake(appeal({ externalId: "SS-OUTCOME-1" }));
    const own = await api("POST", "/api/tickets", admin.token, {
      category: "LOSS",
      description: "自己渠道的投诉",
      customerPhone: "13900002222",
    });
    expect(own.status).toBe(201);
    await api("POST", `/api/tickets/${own.body.number}/take`, admin.token);
    await api("POST", `/api/tickets/${own.body.number}/resolve`, admin.token, {
      resolution: "已处理",
      rootCause: "non_quality",
    });
    await api("POST", `/api/tickets/${res.body.number}/take`, admin.token);
    const resolved = await api("POST", `/api/tickets/${res.body.number}/resolve`, admin.token, {
      resolution: "已赔付 200 元，客户认可",
      rootCause: "quality",
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body.slaClocks.find((c) => c.kind === "appeal_report")!.state).toBe("met");
    while (await t.app.webhookDispatcher.dispatchDue()) {}
    // Only the handed-over ticket's outcome, once, signed.
    expect(hook.received).toHaveLength(1);
    const got = hook.received[0]!;
    expect(got.json).toMatchObject({
      event: "integration.outcome",
      source: "spb12305",
      externalId: "SS-OUTCOME-1",
      externalRef: "申诉单 2031030400123",
      outcome: { resolution: "已赔付 200 元，客户认可", rootCause: "quality" },
      ticket: { number: res.body.number, status: "resolved", source: "spb12305" },
    });
    expect(got.headers["x-kd-signature"]).toBe(
      `sha256=${createHmac("sha256", sub.body.secret).update(`${got.headers["x-kd-timestamp"]}.${got.body}`).digest("hex")}`,
    );

    const summary = await api<{
      appeals: { total: number; open: number; breached: number; byCategory: Record<string, number> };
      complaints: { total: number };
    }>(
      "GET",
      `/api/reports/summary?from=${new Date(clock.getTime() - DAY).toISOString()}&to=${new Date(clock.getTime() + DAY).toISOString()}`,
      admin.token,
    );
    expect(summary.status).toBe(200);
    const spb = await t.app.db.prisma.ticket.count({ where: { source: "spb12305" } });
    expect(summary.body.appeals.total).toBe(spb);
    expect(summary.body.appeals.open).toBe(spb - 1);
    expect(summary.body.appeals.breached).toBe(1);
    expect(summary.body.complaints.total).toBeGreaterThan(spb);
  });

  it("a customer known on a channel is reached there: their latest conversation is linked", async () => {
    const session = await fetch(`${t.baseUrl}/api/webchat/sessions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    }).then((r) => r.json() as Promise<{ sessionId: string }>);
    const identity = await t.app.db.prisma.channelIdentity.findUniqueOrThrow({
      where: { channel_externalId: { channel: "webchat", externalId: session.sessionId } },
      include: { customer: { include: { conversations: true } } },
    });
    expect(identity.customer.conversations).toHaveLength(1);
    const res = await intake({
      source: "ecommerce",
      externalId: "JD-AS-778899",
      customer: { channel: "webchat", channelUserId: session.sessionId },
      category: "DAMAGE",
      text: "商品破损，平台售后转来",
    });
    expect(res.status).toBe(201);
    expect(res.body.channel).toBe("webchat");
    expect(res.body.conversationId).toBe(identity.customer.conversations[0]!.id);
  });

  it("keys without tickets:write get 403, no key 401; bad input is a 4xx with a stable code, never a 5xx", async () => {
    expect((await intake(appeal(), readKey)).status).toBe(403);
    expect((await intake(appeal(), readKey)).body.error?.code).toBe("FORBIDDEN");
    const anon = await fetch(`${t.baseUrl}/api/integrations/tickets`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(appeal()),
    });
    expect(anon.status).toBe(401);

    const cases: [string, Record<string, unknown>, string][] = [
      ["unknown source", { source: "weibo" }, "VALIDATION_FAILED"],
      ["empty externalId", { externalId: "" }, "VALIDATION_FAILED"],
      ["4-byte externalId", { externalId: "SS-😀" }, "VALIDATION_FAILED"],
      ["NUL in text", { text: "丢件\u0000" }, "VALIDATION_FAILED"],
      ["lone surrogate in text", { text: "丢件\ud800" }, "VALIDATION_FAILED"],
      ["lone surrogate in a key", { customer: { "\udc00": 1, phone: "13900001111" } }, "VALIDATION_FAILED"],
      ["empty text", { text: "   " }, "VALIDATION_FAILED"],
      ["text too long", { text: "长".repeat(4001) }, "VALIDATION_FAILED"],
      ["unknown category", { category: "ALIENS" }, "VALIDATION_FAILED"],
      ["huge number as deadline", { deadline: 1e308 }, "VALIDATION_FAILED"],
      ["year 275760 deadline", { deadline: "+275760-09-13T00:00:00Z" }, "VALIDATION_FAILED"],
      [
        "deadline before the transfer",
        { deadline: new Date(clock.getTime() - HOUR).toISOString() },
        "VALIDATION_FAILED",
      ],
      ["transfer in the future", { transferredAt: new Date(clock.getTime() + DAY).toISOString() }, "VALIDATION_FAILED"],
      ["mediation on a marketplace complaint", { source: "ecommerce", mediation: {} }, "VALIDATION_FAILED"],
      ["bad phone", { customer: { phone: "99999999999999999999" } }, "VALIDATION_FAILED"],
      ["no way to reach the customer", { customer: { name: "匿名" } }, "CUSTOMER_UNREACHABLE"],
      [
        "unknown channel address, no phone",
        { customer: { channel: "wechat", channelUserId: "o-nobody" } },
        "CUSTOMER_UNREACHABLE",
      ],
      ["unknown field", { priority: "urgent" }, "VALIDATION_FAILED"],
      ["waybill with spaces", { waybill: "SF 14388" }, "VALIDATION_FAILED"],
    ];
    for (const [name, over, code] of cases) {
      const res = await intake(appeal(over));
      expect([name, res.status]).toEqual([name, 400]);
      expect([name, res.body.error?.code]).toEqual([name, code]);
    }
    // 4-byte characters in free text are kept whole.
    const emoji = await intake(appeal({ text: "𠀀 快递丢了 😡😡" }));
    expect(emoji.status).toBe(201);
    expect((await t.app.db.prisma.ticket.findFirstOrThrow({ where: { number: emoji.body.number } })).description).toBe(
      "𠀀 快递丢了 😡😡",
    );
    const raw = await fetch(`${t.baseUrl}/api/integrations/tickets`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${writeKey}` },
      body: '{"source":"spb12305",',
    });
    expect(raw.status).toBe(400);
  });
});
