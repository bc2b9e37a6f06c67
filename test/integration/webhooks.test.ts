import { createHmac, randomUUID } from "node:crypto";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.js";
import { checkWebhookTarget } from "../../src/integrations/webhook-target.js";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { createStaff, staffApi } from "../support/staff.js";
import { WebchatClient } from "../support/webchat-client.js";
import { type ReceivedHook, webhookReceiver } from "../support/webhook-receiver.js";

type Received = ReceivedHook<{
  id: string;
  event: string;
  change?: string;
  ticket?: { number: string; status: string };
}>;
const receiver = () => webhookReceiver<Received["json"]>();

const verify = (secret: string, r: Received) =>
  r.headers["x-kd-signature"] ===
  `sha256=${createHmac("sha256", secret).update(`${r.headers["x-kd-timestamp"]}.${r.body}`).digest("hex")}`;

// Issue 21: outbound webhooks. A pinned clock: retries fall due when the test moves it, and the
// dispatcher's own poll is an hour, so every round in these tests is one the test asked for.
describe.each(DB_KINDS)("outbound webhooks (%s)", (kind) => {
  let t: TestApp;
  // Later than any real "now": triggers stamp deliveries with the database's clock, and those
  // must be due by the app's pinned one.
  let clock = new Date("2031-03-04T02:00:00Z");
  const hook = receiver();
  let url: string;
  let admin: { token: string };
  let agent: { token: string };
  const api = <T = Record<string, unknown>>(method: string, path: string, token: string, body?: unknown) =>
    staffApi<T>(t.baseUrl, token, method, path, body);
  const ticket = async (description: string) =>
    (
      await api<{ number: string }>("POST", "/api/tickets", admin.token, {
        category: "DELAY",
        description,
        waybill: "SF1438829301576",
        customerPhone: "13300007777",
      })
    ).body.number;

  beforeAll(async () => {
    url = await hook.start();
    t = await startTestApp(
      kind,
      { WEBHOOK_ALLOW_PRIVATE_TARGETS: "true", WEBHOOK_POLL_MS: "3600000", WEBHOOK_MAX_ATTEMPTS: "3" },
      { now: () => clock },
    );
    admin = await createStaff(t.app, t.baseUrl, { username: "hookadmin", role: "admin" });
    agent = await createStaff(t.app, t.baseUrl, { username: "hookagent", role: "agent", groups: ["logistics"] });
  });
  afterAll(async () => {
    await t?.close();
    await hook.stop();
  });

  it("sends each subscribed ticket event once, signed, in order; unsubscribed events are not sent", async () => {
    const created = await api<{ id: string; secret: string; events: string[] }>(
      "POST",
      "/api/admin/webhooks",
      admin.token,
      {
        url,
        events: ["ticket.created", "ticket.assigned", "ticket.resolved"],
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.secret.length).toBeGreaterThanOrEqual(16);
    const number = await ticket("三天了还没到，物流一直不动");
    expect((await api("POST", `/api/tickets/${number}/take`, admin.token)).status).toBe(200);
    expect((await api("POST", `/api/tickets/${number}/note`, admin.token, { text: "内部备注" })).status).toBe(200);
    expect(
      (
        await api("POST", `/api/tickets/${number}/resolve`, admin.token, {
          resolution: "已催派，客户已签收",
          rootCause: "non_quality",
        })
      ).status,
    ).toBe(200);
    // Nothing goes out before the dispatcher runs (a slow receiver never slows the request).
    expect(hook.received).toHaveLength(0);
    while (await t.app.webhookDispatcher.dispatchDue()) {}
    const mine = hook.received.filter((r) => r.json.ticket?.number === number);
    expect(mine.map((r) => r.json.event)).toEqual(["ticket.created", "ticket.assigned", "ticket.resolved"]);
    expect(mine.every((r) => verify(created.body.secret, r))).toBe(true);
    expect(mine.map((r) => r.headers["x-kd-event-id"])).toEqual(mine.map((r) => r.json.id));
    expect(new Set(mine.map((r) => r.json.id)).size).toBe(3);
    expect(mine[2]!.json.ticket?.status).toBe("resolved");
    // Once: another round sends nothing more.
    expect(await t.app.webhookDispatcher.dispatchDue()).toBe(0);
    const log = await api<{ items: { status: string; attempts: number; lastStatus: number }[] }>(
      "GET",
      `/api/admin/webhooks/${created.body.id}/deliveries`,
      admin.token,
    );
    expect(log.body.items.slice(0, 3).map((d) => [d.status, d.attempts, d.lastStatus])).toEqual([
      ["delivered", 1, 200],
      ["delivered", 1, 200],
      ["delivered", 1, 200],
    ]);
    await api("DELETE", `/api/admin/webhooks/${created.body.id}`, admin.token);
  });

  it("retries a 500 with backoff, holding the ticket's later events back; dead-letters after the last attempt", async () => {
    hook.received.length = 0;
    const sub = await api<{ id: string }>("POST", "/api/admin/webhooks", admin.token, {
      url,
      events: ["ticket.created", "ticket.assigned"],
    });
    hook.answers.push(500);
    const number = await ticket("retry: 快递到哪了");
    await api("POST", `/api/tickets/${number}/take`, admin.token);
    expect(await t.app.webhookDispatcher.dispatchDue()).toBe(1); // the created event only, answered 500
    expect(await t.app.webhookDispatcher.dispatchDue()).toBe(0); // not due yet; assigned waits behind it
    clock = new Date(clock.getTime() + 5_000); // past the first backoff (1 s ± 20 %)
    while (await t.app.webhookDispatcher.dispatchDue()) {}
    expect(hook.received.map((r) => r.json.event)).toEqual(["ticket.created", "ticket.created", "ticket.assigned"]);
    expect(hook.received[0]!.json.id).toBe(hook.received[1]!.json.id);

    // Three 500s in a row: dead after WEBHOOK_MAX_ATTEMPTS = 3, visible in the log, replayable.
    hook.received.length = 0;
    hook.answers.push(500, 500, 500);
    const other = await ticket("dead letter: 一直不派送");
    for (let i = 0; i < 3; i++) {
      await t.app.webhookDispatcher.dispatchDue();
      clock = new Date(clock.getTime() + 10 * 60_000);
    }
    expect(await t.app.webhookDispatcher.dispatchDue()).toBe(0);
    expect(hook.received).toHaveLength(3);
    const dead = await api<{ items: { id: string; status: string; attempts: number; lastError: string }[] }>(
      "GET",
      `/api/admin/webhooks/${sub.body.id}/deliveries?status=dead`,
      admin.token,
    );
    expect(dead.body.items).toHaveLength(1);
    expect(dead.body.items[0]).toMatchObject({ status: "dead", attempts: 3, lastError: "HTTP 500" });
    const replay = await api(
      "POST",
      `/api/admin/webhooks/${sub.body.id}/deliveries/${dead.body.items[0]!.id}/replay`,
      admin.token,
    );
    expect(replay.status).toBe(200);
    while (await t.app.webhookDispatcher.dispatchDue()) {}
    expect(hook.received.at(-1)!.json.ticket?.number).toBe(other);
    await api("DELETE", `/api/admin/webhooks/${sub.body.id}`, admin.token);
  });

  it("sends conversation.handed_off when a customer asks for a person (no ticket needed)", async () => {
    hook.received.length = 0;
    const sub = await api<{ id: string }>("POST", "/api/admin/webhooks", admin.token, {
      url,
      events: ["conversation.handed_off"],
    });
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("转人工");
    while (await t.app.webhookDispatcher.dispatchDue()) {}
    expect(hook.received.map((r) => r.json.event)).toEqual(["conversation.handed_off"]);
    expect(hook.received[0]!.json).toMatchObject({ conversation: { channel: "webchat", reason: "customer_request" } });
    await api("DELETE", `/api/admin/webhooks/${sub.body.id}`, admin.token);
  });

  it("sends request.created and request.completed for a service request, and suggestion.received for a 建议", async () => {
    hook.received.length = 0;
    const sub = await api<{ id: string }>("POST", "/api/admin/webhooks", admin.token, {
      url,
      events: ["request.created", "request.completed", "suggestion.received"],
    });
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("建议你们周末也安排派送，上班族只有周末在家");
    const ident = await t.app.db.prisma.channelIdentity.findFirstOrThrow({ where: { externalId: chat.sessionId } });
    const conversation = await t.app.db.prisma.conversation.findFirstOrThrow({ where: { identityId: ident.id } });
    // A claim, as the bot opens it on 确认提交; the agent takes it and completes it with the amount paid.
    const { ticket: claim } = await t.app.tickets.openFromBot({
      type: "claim",
      conversationId: conversation.id,
      customerId: conversation.customerId,
      channel: "webchat",
      sourceMessageId: randomUUID(),
      category: "DAMAGED",
      description: "杯子摔碎了，申请理赔",
      claimedAmount: 80,
    });
    // A complaint is not a request: it sends none of these.
    await ticket("webhook: 投诉不算服务请求");
    expect((await api("POST", `/api/tickets/${claim.number}/take`, admin.token)).status).toBe(200);
    const done = await api("POST", `/api/tickets/${claim.number}/complete`, admin.token, { paidAmount: 80 });
    expect(done.status).toBe(200);
    while (await t.app.webhookDispatcher.dispatchDue()) {}
    const got = hook.received.map((r) => r.json as unknown as Record<string, unknown>);
    expect(got.map((j) => j.event).sort()).toEqual(["request.completed", "request.created", "suggestion.received"]);
    expect(got.find((j) => j.event === "request.created")).toMatchObject({
      change: "created",
      request: { number: claim.number, type: "claim" },
    });
    expect(got.find((j) => j.event === "request.completed")).toMatchObject({
      change: "completed",
      request: { number: claim.number, status: "resolved" },
    });
    expect(got.find((j) => j.event === "suggestion.received")).toMatchObject({
      suggestion: { text: expect.stringContaining("周末也安排派送"), channel: "webchat" },
    });
    await api("DELETE", `/api/admin/webhooks/${sub.body.id}`, admin.token);
  });

  it("sends survey.answered with the answers when a survey completes (the trigger on Survey)", async () => {
    hook.received.length = 0;
    const sub = await api<{ id: string }>("POST", "/api/admin/webhooks", admin.token, {
      url,
      events: ["survey.answered"],
    });
    const number = await ticket("survey: 态度差");
    const row = await t.app.db.prisma.ticket.findUniqueOrThrow({ where: { number } });
    const survey = await t.app.db.prisma.survey.create({
      data: { ticketId: row.id, conversationId: randomUUID(), channel: "webchat", sendAt: clock, status: "sent" },
    });
    await t.app.db.prisma.survey.update({ where: { id: survey.id }, data: { stars: 2, nps: 6 } });
    expect(await t.app.webhookDispatcher.dispatchDue()).toBe(0); // answers so far, not completed
    await t.app.db.prisma.survey.update({
      where: { id: survey.id },
      data: { status: "completed", overall: "dissatisfied", answeredAt: clock, comment: "太慢" },
    });
    while (await t.app.webhookDispatcher.dispatchDue()) {}
    expect(hook.received.map((r) => r.json)).toEqual([
      expect.objectContaining({
        event: "survey.answered",
        ticket: expect.objectContaining({ number }),
        answers: expect.objectContaining({ overall: "dissatisfied", stars: 2, nps: 6, comment: "太慢" }),
      }),
    ]);
    await api("DELETE", `/api/admin/webhooks/${sub.body.id}`, admin.token);
  });

  it("turns a subscription off when the receiver answers 410 Gone, and says why", async () => {
    hook.received.length = 0;
    const sub = await api<{ id: string }>("POST", "/api/admin/webhooks", admin.token, {
      url,
      events: ["ticket.created"],
    });
    hook.answers.push(410);
    await ticket("gone: 包裹破损");
    await t.app.webhookDispatcher.dispatchDue();
    const after = await api<{ enabled: boolean; disabledReason: string }>(
      "GET",
      `/api/admin/webhooks/${sub.body.id}`,
      admin.token,
    );
    expect(after.body.enabled).toBe(false);
    expect(after.body.disabledReason).toContain("410");
    await ticket("gone 2: 又一个");
    expect(await t.app.webhookDispatcher.dispatchDue()).toBe(0);
    expect(hook.received).toHaveLength(1);
    await api("DELETE", `/api/admin/webhooks/${sub.body.id}`, admin.token);
  });

  it("admin only; unknown events and bad targets are 400 with a code; the test button sends webhook.test", async () => {
    expect((await api("GET", "/api/admin/webhooks", agent.token)).status).toBe(403);
    expect((await api("POST", "/api/admin/webhooks", agent.token, { url, events: ["ticket.created"] })).status).toBe(
      403,
    );
    const unknown = await api("POST", "/api/admin/webhooks", admin.token, {
      url,
      events: ["ticket.exploded"],
    });
    expect(unknown).toMatchObject({ status: 400, body: { error: { code: "WEBHOOK_EVENT_UNKNOWN" } } });
    const ftp = await api("POST", "/api/admin/webhooks", admin.token, {
      url: "ftp://example.com/x",
      events: ["ticket.created"],
    });
    expect(ftp).toMatchObject({ status: 400, body: { error: { code: "WEBHOOK_URL_REFUSED" } } });
    const weird = await api("POST", "/api/admin/webhooks", admin.token, {
      url: "http://\u0000x",
      events: ["ticket.created"],
    });
    expect(weird.status).toBe(400);
    const sub = await api<{ id: string; secret: string }>("POST", "/api/admin/webhooks", admin.token, {
      url,
      events: ["sla.breached"],
    });
    hook.received.length = 0;
    const test = await api<{ status: string; lastStatus: number }>(
      "POST",
      `/api/admin/webhooks/${sub.body.id}/test`,
      admin.token,
    );
    expect(test.body).toMatchObject({ status: "delivered", lastStatus: 200 });
    expect(hook.received[0]!.json.event).toBe("webhook.test");
    expect(verify(sub.body.secret, hook.received[0]!)).toBe(true);
    // The list never shows the secret again.
    const list = await api<{ items: { secretHint: string }[] }>("GET", "/api/admin/webhooks", admin.token);
    expect(JSON.stringify(list.body)).not.toContain(sub.body.secret);
    await api("DELETE", `/api/admin/webhooks/${sub.body.id}`, admin.token);
  });
});

// The delivery row is committed with the change (a trigger in the same transaction): an instance
// that stops before sending loses nothing; the next one to start sends it.
describe("outbound webhooks across a restart", () => {
  it("a delivery committed with the ticket is sent by the next instance", async () => {
    const hook = receiver();
    const url = await hook.start();
    const env = { WEBHOOK_ALLOW_PRIVATE_TARGETS: "true", WEBHOOK_POLL_MS: "3600000" };
    const first = await startTestApp("postgres", env);
    const admin = await createStaff(first.app, first.baseUrl, { username: "restartadmin", role: "admin" });
    await staffApi(first.baseUrl, admin.token, "POST", "/api/admin/webhooks", { url, events: ["ticket.created"] });
    // The poll is an hour and its first round ran at start: nothing sends this before the stop.
    const created = await staffApi<{ number: string }>(first.baseUrl, admin.token, "POST", "/api/tickets", {
      category: "LOSS",
      description: "重启前创建的工单",
      customerPhone: "13300008888",
    });
    expect(created.status).toBe(201);
    await first.app.close(); // the instance only: the database stays
    expect(hook.received).toHaveLength(0);
    const second = await buildApp(first.app.config, { logger: pino({ level: "silent" }) });
    try {
      await second.listen(); // its first dispatch round runs at start
      await expect.poll(() => hook.received.length, { timeout: 15_000 }).toBe(1);
      expect(hook.received[0]!.json).toMatchObject({
        event: "ticket.created",
        ticket: { number: created.body.number },
      });
    } finally {
      await second.close();
      await first.close().catch(() => {}); // drops the database
      await hook.stop();
    }
  });
});

describe("webhook targets (SSRF)", () => {
  it.each([
    "http://127.0.0.1:3000/x",
    "http://localhost/x",
    "http://10.1.2.3/x",
    "http://192.168.1.1/x",
    "http://169.254.169.254/latest/meta-data",
    "http://[::1]/x",
    "http://[::ffff:127.0.0.1]/x",
    "http://0.0.0.0/x",
    "http://100.64.0.1/x",
  ])("refuses %s unless private targets are allowed", async (target) => {
    await expect(checkWebhookTarget(target, false)).rejects.toMatchObject({ code: "WEBHOOK_URL_REFUSED" });
    await expect(checkWebhookTarget(target, true)).resolves.toBeInstanceOf(URL);
  });

  it("accepts a public address, refuses other schemes and credentials in the URL", async () => {
    await expect(checkWebhookTarget("https://93.184.216.34/hook", false)).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookTarget("file:///etc/passwd", true)).rejects.toMatchObject({ code: "WEBHOOK_URL_REFUSED" });
    await expect(checkWebhookTarget("https://u:p@93.184.216.34/", false)).rejects.toMatchObject({
      code: "WEBHOOK_URL_REFUSED",
    });
  });
});
