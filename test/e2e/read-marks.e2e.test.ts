import { describe, expect, it } from "vitest";
import { contrastOf } from "../support/contrast.js";
import { consoleAs, consoleWith, customerChat } from "../support/e2e.js";

// Issue 18: delivered/read marks in the customer's chat — 已送达 once the server has the
// message, 已读 once the agent holding the chat has it open; kept across a reload.
describe("read marks in the chat (Chromium)", () => {
  const e = consoleWith([
    { username: "xiaoli", displayName: "小李", groups: ["after_sales"], password: "xiaoli-pass-1" },
  ]);

  it("已送达, then 已读 when the holding agent sees it; after a reload too; Delivered in English", async () => {
    const { context: customerContext, page: customer, say } = await customerChat(e);
    await say("转人工");
    const mine = customer.locator(".msg.in");
    await expect.poll(() => mine.first().getAttribute("data-mark"), { timeout: 10_000 }).toBe("已送达");
    // Drawn beside the time.
    expect(await mine.first().evaluate((el) => getComputedStyle(el, "::after").content.replace(/^"|"$/g, ""))).toMatch(
      / · 已送达$/,
    );

    // The agent's console is open but the chat is not taken yet: still only delivered.
    const { context: agentContext, page: agent } = await consoleAs(e, "xiaoli", "xiaoli-pass-1");
    const item = agent.locator("#list li[data-conversation]");
    await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1);
    await item.first().click();
    await expect.poll(() => agent.locator("#take").count()).toBe(1);
    expect(await mine.first().getAttribute("data-mark")).toBe("已送达");
    await agent.locator("#take").click();
    await expect.poll(() => mine.first().getAttribute("data-mark"), { timeout: 10_000 }).toBe("已读");
    expect(await mine.first().getAttribute("data-read")).toBe("true");
    // Readable on the bubble's brand colour (WCAG AA for small text: 4.5).
    expect(await mine.first().evaluate(contrastOf, "::after")).toBeGreaterThanOrEqual(4.5);

    // A new message while the agent has the chat open: delivered, then read.
    await say("请问我的快递到哪了");
    const second = customer.locator(".msg.in", { hasText: "请问我的快递到哪了" });
    await expect.poll(() => agent.locator("#messages .msg.in").last().textContent()).toContain("请问我的快递到哪了");
    await expect.poll(() => second.getAttribute("data-mark"), { timeout: 10_000 }).toBe("已读");

    // Kept across a reload.
    await customer.reload();
    const again = customer.locator(".msg.in");
    await expect.poll(() => again.count(), { timeout: 10_000 }).toBe(2);
    await expect
      .poll(() => again.evaluateAll((els) => els.map((el) => el.getAttribute("data-mark"))))
      .toEqual(["已读", "已读"]);

    // In English (a chat of its own: the session is per language).
    const en = await customerContext.newPage();
    await en.goto(`${e.t.baseUrl}/?lang=en`);
    await expect.poll(() => en.locator("#status").textContent()).toBe("Online");
    await en.fill("#input", "hello");
    await en.press("#input", "Enter");
    await expect
      .poll(() => en.locator(".msg.in").first().getAttribute("data-mark"), { timeout: 10_000 })
      .toBe("Delivered");
    await agentContext.close();
    await customerContext.close();
  });
});
