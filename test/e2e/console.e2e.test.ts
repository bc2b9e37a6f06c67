import fs from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { launchChromium } from "../support/browser.js";
import { createStaff, staffApi } from "../support/staff.js";

// The agent's day in two browser contexts: a customer complains and asks for a person in the
// web chat; the agent sees it arrive live, takes it, replies (the customer sees it live), then
// resolves the ticket, which was auto-assigned to her as the online agent of its group.
describe("agent console in Chromium", () => {
  let t: TestApp;
  let browser: Browser;
  let agentToken: string;
  beforeAll(async () => {
    t = await startTestApp("pglite", { DEMO_DATA: "false" });
    agentToken = (
      await createStaff(t.app, t.baseUrl, {
        username: "xiaoli",
        displayName: "小李",
        groups: ["after_sales"],
        password: "xiaoli-pass-1",
      })
    ).token;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("handoff appears live, the reply reaches the customer live, the ticket is resolved", async () => {
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
    await customer.fill("#input", "我要投诉，快递员态度太差了还骂人，单号YT7512345678901，电话13900001111");
    await customer.press("#input", "Enter");
    await expect.poll(() => customer.locator(".msg.out").last().textContent()).toContain("请确认投诉信息");
    await customer.locator(".quick button", { hasText: "确认提交" }).click();
    await expect.poll(() => customer.locator(".msg.out").last().textContent()).toMatch(/\d{6}-\d{5}/);
    const ticketNumber = ((await customer.locator(".msg.out").last().textContent()) ?? "").match(/\d{6}-\d{5}/)![0];

    await customer.fill("#input", "转人工");
    await customer.press("#input", "Enter");

    // Live: the queued conversation shows up without a reload.
    const queued = agent.locator("#list li[data-conversation]");
    await expect.poll(() => queued.count(), { timeout: 10_000 }).toBe(1);
    await queued.first().click();
    await agent.locator("#take").click();
    await expect.poll(() => agent.locator("#composer-mode").inputValue()).toBe("reply");
    await agent.fill("#composer-text", "您好，我是小李，已收到您的投诉，马上处理。");
    await agent.locator("#send").click();

    await expect
      .poll(() => customer.locator('.msg.out[data-author="agent"]').allTextContents(), { timeout: 10_000 })
      .toEqual([expect.stringContaining("已收到您的投诉")]);

    // The ticket was auto-assigned to the online agent of its group (售后服务); she resolves it.
    const assigned = await staffApi<{ assignee: { username: string } | null }>(
      t.baseUrl,
      agentToken,
      "GET",
      `/api/tickets/${ticketNumber}`,
    );
    expect(assigned.body.assignee?.username).toBe("xiaoli");
    await agent.locator('[data-tab="tickets"]').click();
    await agent.locator(`#list li[data-ticket="${ticketNumber}"]`).click();
    await agent.locator("#ticket-resolve").click();
    await agent.fill("dialog textarea[name=resolution]", "已联系网点，对快递员进行批评教育并向客户致歉。");
    await agent.locator("#dialog-ok").click();
    await expect
      .poll(
        async () =>
          (await staffApi<{ status: string }>(t.baseUrl, agentToken, "GET", `/api/tickets/${ticketNumber}`)).body
            .status,
      )
      .toBe("resolved");

    fs.mkdirSync("test-results", { recursive: true });
    await agent.screenshot({ path: "test-results/console.png" });
    await agentContext.close();
    await customerContext.close();
  });
});
