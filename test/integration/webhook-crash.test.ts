import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { freshDataDir, freshPostgres } from "../support/databases.js";
import { freePort, startServerProcess } from "../support/process.js";
import { login, staffApi } from "../support/staff.js";

// Issue 21: a webhook delivery is written in the same transaction as the change; the server is
// killed with SIGKILL after that commit and before any delivery round, and the next process sends
// it, once. The dispatcher's poll is an hour: its only rounds are the ones each start runs.
describe.each(["pglite", "postgres"] as const)("webhook delivery across SIGKILL on %s", (kind) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it("a ticket.created committed before the kill is delivered by the restarted server, once", async () => {
    const received: { id: string; event: string; ticket?: { number: string } }[] = [];
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push(JSON.parse(body));
        res.end("ok");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

    const env: Record<string, string> = {
      PORT: String(await freePort()),
      ADMIN_PASSWORD: "admin-pass-123",
      WEBHOOK_ALLOW_PRIVATE_TARGETS: "true",
      WEBHOOK_POLL_MS: "3600000",
    };
    if (kind === "pglite") {
      const d = freshDataDir();
      cleanups.push(d.remove);
      env.DATA_DIR = d.dir;
    } else {
      const p = await freshPostgres();
      cleanups.push(p.drop);
      env.DATABASE_URL = p.url;
    }

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
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(1);
    expect(received[0]).toMatchObject({ event: "ticket.created", ticket: { number: created.body.number } });
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
