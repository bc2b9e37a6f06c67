import { afterAll, describe, expect, it } from "vitest";
import { freshServerEnv, startServerProcess } from "../support/process.js";
import { login, staffApi } from "../support/staff.js";
import { webhookReceiver } from "../support/webhook-receiver.js";

// Issue 21: a webhook delivery is written in the same transaction as the change; the server is
// killed with SIGKILL after that commit and before any delivery round, and the next process sends
// it, once. The dispatcher's poll is an hour: its only rounds are the ones each start runs.
describe.each(["pglite", "postgres"] as const)("webhook delivery across SIGKILL on %s", (kind) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it("a ticket.created committed before the kill is delivered by the restarted server, once", async () => {
    const hook = webhookReceiver<{ id: string; event: string; ticket?: { number: string } }>();
    const url = await hook.start();
    cleanups.push(hook.stop);
    const received = hook.received;
    const env = await freshServerEnv(kind, cleanups, {
      WEBHOOK_ALLOW_PRIVATE_TARGETS: "true",
      WEBHOOK_POLL_MS: "3600000",
    });

    const doomed = await startServerProcess(env);
    cleanups.push(() => void doomed.kill("SIGKILL"));
    const token = await login(doomed.baseUrl, "admin", "admin-pass-123");
    const sub = await staffApi<{ id: string }>(doomed.baseUrl, token, "POST", "/api/admin/webhooks", {
      url,
      events: ["ticket.created"],
    });
    expect(sub.status).toBe(201);
    const created = await staffApi<{ number: string }>(doomed.baseUrl, token, "POST", "/api/tickets", {
      category: "LOSS",
      description: "崩溃前创建的工单",
      customerPhone: "13300008888",
    });
    expect(created.status).toBe(201);
    await doomed.kill("SIGKILL");
    expect(doomed.child.signalCode).toBe("SIGKILL");
    expect(received).toHaveLength(0); // committed, not yet sent

    const revived = await startServerProcess(env);
    cleanups.push(async () => void (await revived.kill("SIGTERM")));
    // The restarted server's start round sends it; 60 s is a last-resort bound for a loaded box.
    await expect.poll(() => received.length, { timeout: 60_000 }).toBe(1);
    expect(received[0]!.json).toMatchObject({ event: "ticket.created", ticket: { number: created.body.number } });
    // Recorded as delivered, in one attempt: no later round sends it again.
    const again = await login(revived.baseUrl, "admin", "admin-pass-123");
    const log = await staffApi<{ items: { status: string; attempts: number }[] }>(
      revived.baseUrl,
      again,
      "GET",
      `/api/admin/webhooks/${sub.body.id}/deliveries`,
    );
    expect(log.body.items.map((d) => [d.status, d.attempts])).toEqual([["delivered", 1]]);
    expect(await revived.kill("SIGTERM")).toBe(0);
  });
});
