import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { TEST_REDIS_URL } from "../support/databases.js";
import { login, staffApi } from "../support/staff.js";
import { TcpProxy } from "../support/tcp-proxy.js";
import { WebchatClient } from "../support/webchat-client.js";

// Scale mode with Redis gone (a proxy in front of the real Redis is cut): chats keep working,
// and an SLA clock whose BullMQ trigger cannot arrive still fires from the database sweep.
describe("Redis outage in scale mode", () => {
  let t: TestApp;
  let proxy: TcpProxy;
  beforeAll(async () => {
    const redis = new URL(TEST_REDIS_URL);
    proxy = new TcpProxy(redis.hostname, Number(redis.port || 6379));
    await proxy.start();
    // The database sweep runs every 0.5 s here, not every 15 s: the overdue clock below fires
    // from it by itself (up to 15 s of waiting in this file before).
    t = await startTestApp("postgres", {
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      DEMO_DATA: "false",
      SCHEDULER_SWEEP_MS: "500",
    });
  });
  afterAll(async () => {
    await proxy?.restore().catch(() => {});
    await t?.close();
    await proxy?.stop();
  });

  it("keeps answering and fires overdue clocks from the database, then recovers", async () => {
    expect(t.app.config.mode).toBe("scale");
    const token = await login(t.baseUrl, "admin", "admin-pass-123");
    const created = await staffApi<{ number: string; id: string }>(t.baseUrl, token, "POST", "/api/tickets", {
      category: "DELAY",
      description: "Redis 故障期间的工单",
      customerPhone: "13900002222",
    });
    expect(created.status).toBe(201);

    const readyz = async () =>
      (await (await fetch(`${t.baseUrl}/readyz`)).json()) as {
        status: string;
        components: Record<string, { state: string; detail: string }>;
      };
    const parts = (r: Awaited<ReturnType<typeof readyz>>) => [
      r.status,
      r.components.scheduler?.state,
      r.components.bus?.state,
    ];
    expect(parts(await readyz())).toEqual(["ready", "ready", "ready"]);

    await proxy.cut();
    // Issue 20: /readyz said "ready" while Redis was down; it names the degraded parts.
    await expect.poll(async () => parts(await readyz())).toEqual(["degraded", "degraded", "degraded"]);
    expect((await fetch(`${t.baseUrl}/readyz`)).status).toBe(200);
    expect((await readyz()).components.scheduler?.detail).toContain("Redis");

    // The chat answers while Redis is still down (restored only below): a turn that waited on
    // Redis would never answer (the scheduler's client retries forever). No stopwatch: the
    // test's own timeout is the last-resort bound.
    const chat = await WebchatClient.open(t.baseUrl);
    expect((await chat.say("你好")).length).toBeGreaterThan(0);
    expect(parts(await readyz())).toEqual(["degraded", "degraded", "degraded"]);

    // The first-response clock falls overdue while its trigger sits in an unreachable Redis.
    const prisma = t.app.db.prisma;
    const clock = await prisma.slaClock.findFirstOrThrow({
      where: { ticket: { number: created.body.number }, kind: "first_response" },
    });
    const past = new Date(Date.now() - 60_000);
    await prisma.slaClock.update({ where: { id: clock.id }, data: { warnAt: past, dueAt: past, nextFireAt: past } });
    // Time passes for its database timer row too (the sweep reads the Timer table, every kind alike).
    await prisma.timer.update({ where: { key: `sla:${clock.id}` }, data: { dueAt: past } });
    await expect
      .poll(async () => (await prisma.slaClock.findUniqueOrThrow({ where: { id: clock.id } })).state, {
        timeout: 40_000, // a last-resort bound, not a timing assertion
      })
      .toBe("breached");

    await proxy.restore();
    expect((await chat.say("谢谢")).length).toBeGreaterThan(0);
    await expect.poll(async () => parts(await readyz()), { timeout: 30_000 }).toEqual(["ready", "ready", "ready"]);
  });
});
