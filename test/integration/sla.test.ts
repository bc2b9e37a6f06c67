import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, buildApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { openDatabase } from "../../src/db/client.js";
import type { RealtimeEvent } from "../../src/realtime/event-bus.js";
import { AGENTS_TOPIC } from "../../src/realtime/topics.js";
import { queueNameFor } from "../../src/scheduler/bullmq.scheduler.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { freshDataDir, freshPostgres, TEST_REDIS_URL } from "../support/databases.js";
import { api, eventually, staffLogin, type TicketJson } from "./ticket.helpers.js";

type Mode = "pglite" | "postgres" | "postgres+redis";
const MODES: Mode[] = ["pglite", "postgres", "postgres+redis"];
const SECRET = "sla-webhook-secret-0123456789";

/** Moves a clock into the past (as if `ms` had passed) and re-arms it, as the service would. */
async function age(app: App, clockId: string, ms: number): Promise<void> {
  const c = await app.db.prisma.slaClock.findUniqueOrThrow({ where: { id: clockId } });
  const back = (d: Date | null) => (d ? new Date(d.getTime() - ms) : null);
  const updated = await app.db.prisma.slaClock.update({
    where: { id: clockId },
    data: {
      startedAt: back(c.startedAt)!,
      warnAt: back(c.warnAt)!,
      dueAt: back(c.dueAt)!,
      nextFireAt: back(c.nextFireAt),
    },
  });
  await app.sla.applyArms([{ clockId, at: updated.nextFireAt }]);
}

describe.each(MODES)("SLA clocks (%s)", (mode) => {
  let t: TestApp;
  let sup: { id: string; token: string };
  let hook: http.Server;
  const hooks: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const events: RealtimeEvent[] = [];

  beforeAll(async () => {
    hook = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        hooks.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
    const port = (hook.address() as AddressInfo).port;
    t = await startTestApp(mode === "pglite" ? "pglite" : "postgres", {
      SLA_WEBHOOK_URL: `http://127.0.0.1:${port}/hook`,
      SLA_WEBHOOK_SECRET: SECRET,
      ...(mode === "postgres+redis" ? { REDIS_URL: TEST_REDIS_URL } : {}),
    });
    sup = await staffLogin(t.app, t.baseUrl, "sup", "supervisor");
    t.app.bus.subscribe(AGENTS_TOPIC, (e) => events.push(e));
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((r) => hook?.close(r));
  });

  const open = async (description = "快递延误三天了") => {
    const res = await api<TicketJson>(t.baseUrl, "POST", "/api/tickets", sup.token, {
      category: "DELAY",
      description,
      customerPhone: "13800138000",
    });
    expect(res.status).toBe(201);
    return res.body;
  };

  it("uses the expected scheduler", () => {
    expect(t.app.scheduler.name).toBe(mode === "postgres+redis" ? "bullmq" : "embedded");
  });

  it("warns at 80%, breaches at 100% (once each), raises priority, notifies and calls the signed webhook", async () => {
    const tk = await open();
    const clock = tk.slaClocks.find((c) => c.kind === "first_response")!;
    await age(t.app, clock.id, 25 * 60_000); // 25 of 30 minutes gone: past the 24-minute warning
    const warning = await eventually(async () =>
      events.find((e) => e.type === "sla.warning" && e.ticketNumber === tk.number),
    );
    expect(warning).toMatchObject({ groupCode: "logistics", clockKind: "first_response", priority: "normal" });

    await age(t.app, clock.id, 6 * 60_000); // now 31 minutes: overdue
    const breach = await eventually(async () =>
      events.find((e) => e.type === "sla.breached" && e.ticketNumber === tk.number),
    );
    expect(breach).toMatchObject({ clockKind: "first_response", priority: "high" });

    // Late and duplicate triggers change nothing.
    await t.app.sla.fire(clock.id);
    await t.app.sla.fire(clock.id);
    const detail = (await api<TicketJson>(t.baseUrl, "GET", `/api/tickets/${tk.number}`, sup.token)).body;
    expect(detail.priority).toBe("high");
    expect(detail.breached).toBe(true);
    const fr = detail.slaClocks.find((c) => c.kind === "first_response")!;
    expect(fr.state).toBe("breached");
    expect(fr.warnedAt && fr.breachedAt).toBeTruthy();
    const types = detail.events.map((e) => e.type);
    expect(types.filter((x) => x === "sla.warning")).toHaveLength(1);
    expect(types.filter((x) => x === "sla.breached")).toHaveLength(1);
    const breachedList = await api<{ items: { number: string }[] }>(
      t.baseUrl,
      "GET",
      "/api/tickets?breached=true",
      sup.token,
    );
    expect(breachedList.body.items.map((i) => i.number)).toContain(tk.number);

    // The company's webhook got both, signed over timestamp + body.
    const mine = await eventually(async () => {
      const got = hooks.filter((h) => JSON.parse(h.body).ticket.number === tk.number);
      return got.length >= 2 ? got : undefined;
    });
    expect(mine.map((h) => JSON.parse(h.body).type).sort()).toEqual(["sla.breached", "sla.warning"]);
    for (const h of mine) {
      const ts = String(h.headers["x-kd-timestamp"]);
      const expected = createHmac("sha256", SECRET).update(`${ts}.${h.body}`).digest("hex");
      expect(h.headers["x-kd-signature"]).toBe(`sha256=${expected}`);
    }
  });

  it("pending on the customer pauses the clocks (not the regulatory one); resuming adds the paused time", async () => {
    const tk = await open("延误，要求加急");
    await api(t.baseUrl, "POST", `/api/tickets/${tk.number}/take`, sup.token);
    const pended = (await api<TicketJson>(t.baseUrl, "POST", `/api/tickets/${tk.number}/pend`, sup.token)).body;
    const before = pended.slaClocks.find((c) => c.kind === "resolution")!;
    expect(before.state).toBe("paused");
    expect(pended.slaClocks.find((c) => c.kind === "regulatory")!.state).toBe("running");
    // A trigger while paused does nothing.
    await t.app.sla.fire(before.id);
    // Paused for five minutes: its pause moved back, not slept through.
    const paused = await t.app.db.prisma.slaClock.findUniqueOrThrow({ where: { id: before.id } });
    await t.app.db.prisma.slaClock.update({
      where: { id: before.id },
      data: { pausedAt: new Date(paused.pausedAt!.getTime() - 5 * 60_000) },
    });
    const after = await resumeVia(t.app, tk.number);
    const resumed = after.slaClocks.find((c) => c.kind === "resolution")!;
    expect(after.status).toBe("open");
    expect(resumed.state).toBe("running");
    expect(resumed.pausedMs).toBeGreaterThanOrEqual(5 * 60_000);
    expect(Date.parse(resumed.dueAt) - Date.parse(before.dueAt)).toBe(resumed.pausedMs);
  });

  it("admins edit policies; the regulatory limit is locked; agents may not", async () => {
    const admin = await staffLogin(t.app, t.baseUrl, "boss", "admin");
    const agent = await staffLogin(t.app, t.baseUrl, "xiao", "agent", ["logistics"]);
    const list = await api<{ items: { name: string }[] }>(t.baseUrl, "GET", "/api/sla/policies", admin.token);
    expect(list.body.items.map((p) => p.name)).toEqual(
      expect.arrayContaining(["first_response", "resolution", "resolution_complex", "regulatory"]),
    );
    let res = await api(t.baseUrl, "PUT", "/api/sla/policies/delay_fast", admin.token, {
      kind: "resolution",
      category: "DELAY",
      targetMinutes: 240,
      rank: 20,
    });
    expect(res.status).toBe(200);
    const tk = await open("延误");
    expect(tk.slaClocks.find((c) => c.kind === "resolution")).toMatchObject({
      policy: "delay_fast",
      targetMinutes: 240,
    });
    res = await api(t.baseUrl, "PUT", "/api/sla/policies/regulatory", admin.token, {
      kind: "regulatory",
      targetMinutes: 20_000,
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: "SLA_POLICY_LOCKED" } });
    res = await api(t.baseUrl, "PUT", "/api/sla/policies/x", admin.token, { kind: "resolution", targetMinutes: 0 });
    expect(res.body).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    res = await api(t.baseUrl, "PUT", "/api/sla/policies/x", agent.token, { kind: "resolution", targetMinutes: 5 });
    expect(res.status).toBe(403);
    res = await api(t.baseUrl, "PUT", "/api/sla/calendars/business", admin.token, {
      name: "工作日",
      mode: "business_hours",
      dayStart: "18:00",
      dayEnd: "09:00",
    });
    expect(res.body).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    res = await api(t.baseUrl, "PUT", "/api/sla/calendars/business", admin.token, {
      name: "工作日",
      mode: "business_hours",
      closedDays: ["2026-12-24"],
    });
    expect(res.status).toBe(200);
  });
});

/** The customer answers: what ConversationService calls for a ticket's conversation. */
async function resumeVia(app: App, number: string): Promise<TicketJson> {
  const tk = await app.db.prisma.ticket.findUniqueOrThrow({ where: { number } });
  const conv = await app.db.prisma.conversation.findFirst({ where: { customerId: tk.customerId } });
  let conversationId = conv?.id;
  if (!conversationId) {
    const identity = await app.db.prisma.channelIdentity.create({
      data: { channel: "webchat", externalId: `t-${number}`, customerId: tk.customerId, address: {} },
    });
    conversationId = (
      await app.db.prisma.conversation.create({
        data: { customerId: tk.customerId, channel: "webchat", identityId: identity.id },
      })
    ).id;
  }
  await app.db.prisma.ticket.update({ where: { id: tk.id }, data: { conversationId } });
  await app.tickets.customerReplied(conversationId);
  return (await app.tickets.detailById(tk.id)) as unknown as TicketJson;
}

describe.each(["pglite", "postgres+redis"] as const)("SLA reconcile after downtime (%s)", (mode) => {
  it("every clock that fell due while the service was down fires once at start, none is lost", async () => {
    const cleanups: (() => Promise<void> | void)[] = [];
    const env: Record<string, string> = {
      PORT: "0",
      LOG_LEVEL: "silent",
      NODE_ENV: "test",
      ADMIN_PASSWORD: "admin-pass-123",
      SCHEDULER_POLL_MS: "50",
    };
    if (mode === "pglite") {
      const d = freshDataDir();
      env.DATA_DIR = d.dir;
      cleanups.push(d.remove);
    } else {
      const p = await freshPostgres();
      env.DATABASE_URL = p.url;
      env.REDIS_URL = TEST_REDIS_URL;
      cleanups.push(p.drop);
    }
    const config = loadConfig(env);
    const build = () => buildApp(config, { logger: pino({ level: "silent" }) });
    try {
      let app = await build();
      await app.listen();
      const created = [];
      for (let i = 0; i < 5; i++)
        created.push(
          await app.tickets.create(
            { category: "LOSS", description: `丢件 ${i}`, customerPhone: `1380000000${i}` },
            { type: "system" },
          ),
        );
      await app.close();

      // Downtime: two days pass and the triggers are lost (Timer rows / Redis queue gone).
      const db = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: config.pgliteDir });
      const twoDays = 2 * 86_400_000;
      for (const c of await db.prisma.slaClock.findMany()) {
        await db.prisma.slaClock.update({
          where: { id: c.id },
          data: {
            startedAt: new Date(c.startedAt.getTime() - twoDays),
            warnAt: new Date(c.warnAt.getTime() - twoDays),
            dueAt: new Date(c.dueAt.getTime() - twoDays),
            nextFireAt: c.nextFireAt ? new Date(c.nextFireAt.getTime() - twoDays) : null,
          },
        });
      }
      await db.prisma.timer.deleteMany();
      await db.close();
      if (config.DATABASE_URL) {
        const redis = new Redis(TEST_REDIS_URL);
        const keys = await redis.keys(`*${queueNameFor(config.DATABASE_URL)}*`);
        if (keys.length) await redis.del(...keys);
        await redis.quit();
      }

      app = await build();
      await app.listen();
      try {
        await eventually(async () => {
          const n = await app.db.prisma.slaClock.count({ where: { state: "breached" } });
          return n === 10;
        }, 20_000);
        // Held still: stop() waits for the handlers running, so a second firing would show below.
        await app.scheduler.stop();
        for (const tk of created) {
          const d = await app.tickets.detailById(tk.id);
          expect(d.slaClocks.map((c) => [c.kind, c.state])).toEqual([
            ["first_response", "breached"],
            ["resolution", "breached"],
            ["regulatory", "running"],
          ]);
          expect(d.events.filter((e) => e.type === "sla.breached")).toHaveLength(2);
          // A warning whose breach is also due is still recorded (issue 19), once.
          expect(d.events.filter((e) => e.type === "sla.warning")).toHaveLength(2);
          expect(d.priority).toBe("urgent"); // raised twice: normal → high → urgent
        }
      } finally {
        await app.close();
      }
    } finally {
      for (const c of cleanups.reverse()) await c();
    }
  });
});
