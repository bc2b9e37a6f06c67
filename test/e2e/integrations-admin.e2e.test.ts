import { createHmac } from "node:crypto";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffPage, useE2e } from "../support/e2e.js";
import { login, staffApi } from "../support/staff.js";
import { webhookReceiver } from "../support/webhook-receiver.js";

// Issue 21 end to end: an admin manages webhook subscriptions (create with the secret shown once,
// test delivery, delivery log with replay, edit, disable, delete) and API keys (create with the key
// shown once, scopes and expiry, revoke) in /admin, in Chromium, against a local receiver.
describe("webhooks and API keys in /admin, in Chromium (issue 21)", () => {
  const hook = webhookReceiver<{ event: string }>();
  const { received, answers } = hook;
  let url = "";
  beforeAll(async () => {
    url = await hook.start();
  });
  afterAll(() => hook.stop());

  // Pinned, later than any real "now" (deliveries are stamped by the database's clock).
  const NOW = new Date("2031-03-04T02:00:00Z");
  const e = useE2e({
    env: { DEMO_DATA: "false", WEBHOOK_ALLOW_PRIVATE_TARGETS: "true", WEBHOOK_POLL_MS: "3600000" },
    build: { now: () => NOW },
  });
  let admin: Page;
  const token = () => login(e.t.baseUrl, "admin", "admin-pass-123");

  it("an admin subscribes a URL, sees the secret once, sends a test, replays a failed delivery, edits, disables and deletes", async () => {
    admin = (await staffPage(e, "/admin", "admin", "admin-pass-123")).page;
    admin.on("dialog", (d) => void d.accept());
    await admin.locator('[data-tab="webhooks"]').click();
    expect(await admin.locator('[data-tab="webhooks"]').textContent()).toBe("Webhook 订阅");
    const form = admin.locator("#webhook-form");
    await form.locator("input[name=url]").fill(url);
    await form.locator("input[name=description]").fill("订单系统回调");
    expect(await form.textContent()).toContain("工单创建");
    await form.locator('input[name=events][value="ticket.created"]').check();
    await form.locator('input[name=events][value="integration.outcome"]').check();
    await form.locator("button[type=submit]").click();

    const secretBox = admin.locator("#webhook-secret pre");
    await expect.poll(() => secretBox.count(), { timeout: 10_000 }).toBe(1);
    const secret = (await secretBox.textContent()) ?? "";
    expect(secret.length).toBeGreaterThanOrEqual(16);
    const list = await staffApi<{ items: { id: string; events: string[]; description: string; enabled: boolean }[] }>(
      e.t.baseUrl,
      await token(),
      "GET",
      "/api/admin/webhooks",
    );
    expect(list.body.items).toHaveLength(1);
    const sub = list.body.items[0]!;
    expect(sub).toMatchObject({ events: ["ticket.created", "integration.outcome"], description: "订单系统回调" });
    const row = admin.locator(`tr[data-webhook="${sub.id}"]`);
    expect(await row.textContent()).toContain(`…${secret.slice(-4)}`);
    // The secret is shown once: a fresh panel no longer has it.
    await admin.locator('[data-tab="apikeys"]').click();
    await admin.locator('[data-tab="webhooks"]').click();
    await expect.poll(() => row.count()).toBe(1);
    expect(await admin.locator("#webhook-secret").count()).toBe(0);

    // Test delivery: signed with that secret, logged as delivered with its HTTP status.
    await row.locator("button.test").click();
    const log = admin.locator("#webhook-deliveries tr[data-delivery]");
    await expect.poll(() => log.count(), { timeout: 10_000 }).toBe(1);
    expect(await log.first().getAttribute("data-status")).toBe("delivered");
    expect(await log.first().textContent()).toContain("200");
    expect(received).toHaveLength(1);
    const hit = received[0]!;
    expect(hit.json.event).toBe("webhook.test");
    expect(hit.headers["x-kd-signature"]).toBe(
      `sha256=${createHmac("sha256", secret).update(`${hit.headers["x-kd-timestamp"]}.${hit.body}`).digest("hex")}`,
    );

    // A receiver answering 500: the log says so; replay sends the same event again.
    answers.push(500);
    await row.locator("button.test").click();
    await expect.poll(() => log.count(), { timeout: 10_000 }).toBe(2);
    const failed = admin.locator("#webhook-deliveries tr[data-status=pending]");
    expect(await failed.count()).toBe(1);
    expect(await failed.textContent()).toContain("500");
    const failedId = await failed.getAttribute("data-delivery");
    await failed.locator("button.replay").click();
    await expect
      .poll(
        async () => {
          await row.locator("button.log").click();
          return admin.locator(`#webhook-deliveries tr[data-delivery="${failedId}"]`).getAttribute("data-status");
        },
        { timeout: 10_000 },
      )
      .toBe("delivered");
    expect(received).toHaveLength(3);
    expect(received[2]!.headers["x-kd-event-id"]).toBe(received[1]!.headers["x-kd-event-id"]);

    // Edit: another description, one event fewer.
    await row.locator("button.edit").click();
    const edit = admin.locator("form.webhook-edit");
    await edit.locator("input[name=description]").fill("订单系统（新）");
    await edit.locator('input[name=events][value="integration.outcome"]').uncheck();
    await edit.locator("button[type=submit]").click();
    await expect.poll(() => row.textContent()).toContain("订单系统（新）");
    const current = async () =>
      (
        await staffApi<{ events: string[]; description: string; enabled: boolean }>(
          e.t.baseUrl,
          await token(),
          "GET",
          `/api/admin/webhooks/${sub.id}`,
        )
      ).body;
    expect(await current()).toMatchObject({ events: ["ticket.created"], description: "订单系统（新）", enabled: true });

    // Disable and enable again.
    await row.locator("button.toggle").click();
    await expect.poll(() => row.getAttribute("data-enabled")).toBe("false");
    expect((await current()).enabled).toBe(false);
    expect(await row.locator(".webhook-state").textContent()).toBe("已停用");
    await row.locator("button.toggle").click();
    await expect.poll(() => row.getAttribute("data-enabled")).toBe("true");

    // Delete (confirmed).
    await row.locator("button.delete").click();
    await expect.poll(() => row.count()).toBe(0);
    const gone = await staffApi<{ items: unknown[] }>(e.t.baseUrl, await token(), "GET", "/api/admin/webhooks");
    expect(gone.body.items).toHaveLength(0);
  });

  it("an admin creates an API key shown once, with scopes and expiry, and revokes it", async () => {
    await admin.locator('[data-tab="apikeys"]').click();
    const form = admin.locator("#api-key-form");
    await expect.poll(() => form.count()).toBe(1);
    await form.locator("input[name=name]").fill("订单系统");
    await form.locator('input[name=scopes][value="tickets:read"]').check();
    await form.locator("input[name=expiresAt]").fill("2032-01-01T08:00");
    await form.locator("button[type=submit]").click();
    const keyBox = admin.locator("#api-key-once pre");
    await expect.poll(() => keyBox.count(), { timeout: 10_000 }).toBe(1);
    const key = (await keyBox.textContent()) ?? "";
    expect(key).toMatch(/^kd_[A-Za-z0-9_-]{32}$/);
    const row = admin.locator("tr[data-key]");
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain(`${key.slice(0, 7)}…`);
    expect(await row.textContent()).toContain("读取工单");
    expect(await row.textContent()).not.toContain(key.slice(7));
    expect(await row.getAttribute("data-state")).toBe("active");

    const stored = await e.t.app.db.prisma.apiKey.findFirstOrThrow({ where: { name: "订单系统" } });
    expect(stored.scopes).toEqual(["tickets:read"]);
    // The browser's local time (Chromium runs in the machine's zone): the instant it names.
    expect(stored.expiresAt?.getTime()).toBe(await admin.evaluate(() => new Date("2032-01-01T08:00").getTime()));
    expect((await staffApi(e.t.baseUrl, key, "GET", "/api/tickets")).status).toBe(200);
    expect((await staffApi(e.t.baseUrl, key, "GET", "/api/reports/summary")).status).toBe(403);

    await row.locator("button.revoke").click();
    await expect.poll(() => admin.locator("tr[data-key]").getAttribute("data-state")).toBe("revoked");
    expect(await admin.locator("tr[data-key] .key-state").textContent()).toBe("已撤销");
    expect((await staffApi(e.t.baseUrl, key, "GET", "/api/tickets")).status).toBe(401);
  });

  it("the pages are in English with ?lang=en", async () => {
    await admin.goto(`${e.t.baseUrl}/admin?lang=en`);
    await expect.poll(() => admin.locator('[data-tab="webhooks"]').textContent()).toBe("Webhooks");
    expect(await admin.locator('[data-tab="apikeys"]').textContent()).toBe("API keys");
    await admin.locator('[data-tab="apikeys"]').click();
    await expect.poll(() => admin.locator("#api-key-form").textContent()).toContain("Read tickets");
    expect(await admin.locator("tr[data-key] .key-state").textContent()).toBe("revoked");
    await admin.locator('[data-tab="webhooks"]').click();
    await expect
      .poll(() => admin.locator("#webhook-form").textContent())
      .toContain("Outcome of a handed-over complaint");
  });
});
