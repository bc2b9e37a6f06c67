import fs from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoShipments } from "../../src/tracking/demo-data.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { launchChromium } from "../support/browser.js";
import { createStaff, staffApi } from "../support/staff.js";

// Monday 2026-11-30 11:30 in Shanghai (the requests' clock, as in requests.test.ts).
const NOW = new Date("2026-11-30T03:30:00Z");

// Issue 15 end to end in two browser contexts: a customer books a 催件 in the web chat and gets
// its number; the agent of 物流配送 sees it in the console with its type and completes it; the
// customer's chat shows the outcome.
describe("a service request from the web chat to the console and back, in Chromium (issue 15)", () => {
  let t: TestApp;
  let browser: Browser;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp("pglite", { DEMO_DATA: "false" }, { now: () => NOW });
    await seedDemoShipments(t.app.db.prisma, t.app.tracking.ingest, { force: true });
    token = (
      await createStaff(t.app, t.baseUrl, {
        username: "xiaoli",
        displayName: "小李",
        groups: ["logistics"],
        password: "xiaoli-pass-1",
      })
    ).token;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("催件: the customer gets a number, the agent sees 催件 and completes it, the customer is told", async () => {
    const agentContext = await browser.newContext({ locale: "zh-CN", viewport: { width: 1400, height: 850 } });
    const agent = await agentContext.newPage();
    await agent.goto(`${t.baseUrl}/console`);
    await agent.fill("input[name=username]", "xiaoli");
    await agent.fill("input[name=password]", "xiaoli-pass-1");
    await agent.click("#login button[type=submit]");
    await expect.poll(() => agent.locator("#live").textContent()).toBe("实时");

    const customerContext = await browser.newContext({ locale: "zh-CN" });
    const customer = await customerContext.newPage();
    await customer.goto(`${t.baseUrl}/`);
    await expect.poll(() => customer.locator("#status").textContent()).toBe("在线");
    await customer.fill("#input", "帮我催一下 75312345678901");
    await customer.press("#input", "Enter");
    await expect.poll(() => customer.locator(".msg.out").last().textContent()).toContain("请确认催件信息");
    await customer.locator(".quick button", { hasText: "确认提交" }).click();
    await expect.poll(() => customer.locator(".msg.out").last().textContent()).toContain("请求编号");
    const booked = (await customer.locator(".msg.out").last().textContent()) ?? "";
    expect(booked).toMatch(/已为您催促派送网点，2小时内给您回复。请求编号：\d{6}-\d{5}/);
    const number = /\d{6}-\d{5}/.exec(booked)![0];

    // The console lists it with its type; the agent opens it and completes it.
    await agent.locator('[data-tab="tickets"]').click();
    const row = agent.locator(`#list li[data-ticket="${number}"]`);
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    expect(await row.textContent()).toContain("催件");
    await row.click();
    await expect.poll(() => agent.locator("#ticket-type-badge").textContent()).toBe("催件");
    // Auto-assigned to the online agent of its group (物流配送), so she completes it straight away.
    const assigned = await staffApi<{ assignee: { username: string } | null }>(
      t.baseUrl,
      token,
      "GET",
      `/api/tickets/${number}`,
    );
    expect(assigned.body.assignee?.username).toBe("xiaoli");
    await agent.locator("#request-complete").click();
    await agent.fill("dialog input[name=resolution]", "网点今天下午派送");
    await agent.locator("#dialog-ok").click();
    await expect
      .poll(
        async () =>
          (
            await staffApi<{ status: string; outcome: string | null }>(
              t.baseUrl,
              token,
              "GET",
              `/api/tickets/${number}`,
            )
          ).body,
      )
      .toMatchObject({ status: "resolved", outcome: "done" });

    // The customer's chat shows the outcome live.
    await expect
      .poll(() => customer.locator(".msg.out").allTextContents(), { timeout: 10_000 })
      .toContainEqual(expect.stringContaining("已办理完成。网点今天下午派送"));

    fs.mkdirSync("test-results", { recursive: true });
    await agent.screenshot({ path: "test-results/requests-console.png" });
    await agentContext.close();
    await customerContext.close();
  });
});
