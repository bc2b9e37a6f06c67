import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { consoleAs as openConsole, useE2e } from "../support/e2e.js";
import { renderLabel } from "../support/images.js";
import { createStaff, login, staffApi } from "../support/staff.js";
import { WebchatClient } from "../support/webchat-client.js";

// The agent's day in two browser contexts: a customer complains and asks for a person in the
// web chat; the agent sees it arrive live, takes it, replies (the customer sees it live), then
// resolves the ticket, which was auto-assigned to her as the online agent of its group.
describe("agent console in Chromium", () => {
  let agentToken = "";
  const e = useE2e({ env: { DEMO_DATA: "false" } }, async (t) => {
    agentToken = (
      await createStaff(t.app, t.baseUrl, {
        username: "xiaoli",
        displayName: "小李",
        groups: ["after_sales"],
        password: "xiaoli-pass-1",
      })
    ).token;
  });
  /** An agent logged in to the console in a browser context of its own, live updates connected. */
  const consoleAs = (username: string, password: string) => openConsole(e, username, password);

  it("handoff appears live, the reply reaches the customer live, the ticket is resolved", async () => {
    const { context: agentContext, page: agent } = await consoleAs("xiaoli", "xiaoli-pass-1");

    const customerContext = await e.browser.newContext({ locale: "zh-CN" });
    const customer = await customerContext.newPage();
    await customer.goto(`${e.t.baseUrl}/`);
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
    // Issue 18: the customer sees who answered.
    expect(await customer.locator('.msg.out[data-author="agent"] .who').textContent()).toBe("人工客服 · 小李");
    // …and their avatar: the name's last two characters on a colour.
    const avatar = customer.locator('.msg.out[data-author="agent"] .avatar');
    expect(await avatar.textContent()).toBe("小李");
    expect(await avatar.evaluate((el) => getComputedStyle(el).backgroundColor)).toMatch(/^rgb\(/);
    expect(await customer.locator('.msg.out[data-author="bot"] .avatar').count()).toBe(0);
    await customer.reload(); // from the history too
    await expect
      .poll(() => customer.locator('.msg.out[data-author="agent"] .who').textContent())
      .toBe("人工客服 · 小李");

    // Enter sends, as in any chat tool; Shift+Enter is a new line in the same message.
    expect(await agent.locator("#composer-text").getAttribute("placeholder")).toContain("Enter 发送");
    await agent.locator("#composer-text").click();
    await agent.keyboard.type("请问您方便接电话吗？");
    await agent.keyboard.press("Shift+Enter");
    await agent.keyboard.type("我们的电话号码是 95338。");
    await agent.keyboard.press("Enter");
    await expect
      .poll(() => customer.locator('.msg.out[data-author="agent"]').last().textContent(), { timeout: 10_000 })
      .toContain("请问您方便接电话吗？\n我们的电话号码是 95338。");
    // Cleared once the send is answered, which may come after the customer already has it live.
    await expect.poll(() => agent.locator("#composer-text").inputValue()).toBe("");

    // The ticket was auto-assigned to the online agent of its group (售后服务); she resolves it.
    const assigned = await staffApi<{ assignee: { username: string } | null }>(
      e.t.baseUrl,
      agentToken,
      "GET",
      `/api/tickets/${ticketNumber}`,
    );
    expect(assigned.body.assignee?.username).toBe("xiaoli");
    await agent.locator('[data-tab="tickets"]').click();
    await agent.locator(`#list li[data-ticket="${ticketNumber}"]`).click();
    // Issue 18: the ticket's events in words, not codes (created, sla.started, taken …).
    await expect.poll(() => agent.locator('ol.events li[data-type="created"]').count()).toBe(1);
    const events = (await agent.locator("ol.events li").allTextContents()).join("\n");
    expect(events).toContain("创建工单");
    expect(events).toContain("SLA 计时开始");
    expect(events).not.toMatch(/sla\.started|\btaken\b|\bcreated\b/);
    await agent.locator("#ticket-resolve").click();
    await agent.fill("dialog textarea[name=resolution]", "已联系网点，对快递员进行批评教育并向客户致歉。");
    // Issue 23 (001 第五条): the root cause is the agent's choice; nothing is preselected.
    await agent.selectOption("dialog select[name=rootCause]", "non_quality");
    await agent.locator("#dialog-ok").click();
    await expect
      .poll(
        async () =>
          (await staffApi<{ status: string }>(e.t.baseUrl, agentToken, "GET", `/api/tickets/${ticketNumber}`)).body
            .status,
      )
      .toBe("resolved");

    fs.mkdirSync("test-results", { recursive: true });
    await agent.screenshot({ path: "test-results/console.png" });
    await agentContext.close();
    await customerContext.close();
  });

  // Issue 17: a photo sent right after the complaint is the ticket's evidence; the agent sees it on
  // the ticket and in the conversation (thumbnail loaded with the staff token, OCR text beside it).
  it("evidence photos show on the ticket and in the conversation, with their OCR text", async () => {
    const chat = await WebchatClient.open(e.t.baseUrl);
    await chat.say("我要投诉，快递员态度太差了还骂人，单号YT7512345678901，电话13900001111");
    const confirmed = await chat.say("确认提交");
    const ticketNumber = confirmed
      .map((r) => r.text)
      .join("\n")
      .match(/\d{6}-\d{5}/)![0];
    const form = new FormData();
    const photo = await renderLabel(["BROKEN BOX", "YT7512345678901"], { format: "jpeg" });
    form.append("file", new Blob([new Uint8Array(photo)], { type: "image/jpeg" }), "box.jpg");
    const up = await fetch(`${e.t.baseUrl}/api/webchat/sessions/${chat.sessionId}/attachments`, {
      method: "POST",
      headers: { authorization: `Bearer ${chat.token}` },
      body: form,
    });
    const { replies } = (await up.json()) as { replies: { text: string }[] };
    expect(replies[0]!.text).toContain(`已作为凭证附到工单 ${ticketNumber}`);

    const { context, page: agent } = await consoleAs("xiaoli", "xiaoli-pass-1");
    await agent.locator('[data-tab="tickets"]').click();
    await agent.locator(`#list li[data-ticket="${ticketNumber}"]`).click();
    const evidence = agent.locator(".evidence img.thumb");
    await expect
      .poll(() => evidence.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBeGreaterThan(0);
    await expect.poll(() => agent.locator(".evidence figcaption").textContent()).toContain("YT7512345678901");
    await expect.poll(() => agent.locator(".messages .msg.in img.thumb").count()).toBe(1);
    fs.mkdirSync("test-results", { recursive: true });
    await agent.screenshot({ path: "test-results/console-evidence.png" });
    await context.close();
  });

  // Issue 19: the context panel shows the facts of THIS conversation, a canned reply is filled
  // with its waybill (and the audit log says it was used), and a ticket's countdown has the
  // same colour in the list as in the detail.
  it("context panel: masked phone, earlier tickets, the linked ticket's category and waybill; list and detail countdowns agree", async () => {
    const admin = await login(e.t.baseUrl, "admin", "admin-pass-123");
    const wang = await createStaff(e.t.app, e.t.baseUrl, {
      username: "xiaowang",
      displayName: "小王",
      groups: ["logistics"],
      password: "xiaowang-pass-1",
    });
    const canned = await staffApi<{ id: string }>(e.t.baseUrl, admin, "POST", "/api/admin/canned-replies", {
      title: "运单跟进",
      text: "您的运单{waybill}我们正在跟进",
    });
    expect(canned.status).toBe(201);

    const chat = await WebchatClient.open(e.t.baseUrl);
    await chat.say("转人工");
    const db = e.t.app.db.prisma;
    const identity = await db.channelIdentity.findFirstOrThrow({
      where: { channel: "webchat", externalId: chat.sessionId },
    });
    const conv = await db.conversation.findFirstOrThrow({ where: { identityId: identity.id } });
    // The bot's guess on the last message differs from the ticket's category (it showed 服务态度 for a 延误 ticket).
    await db.conversation.update({ where: { id: conv.id }, data: { lastCategory: "STAFF_ATTITUDE" } });
    await db.customer.update({ where: { id: identity.customerId }, data: { phone: "13912345678" } });
    const earlier = await staffApi<{ number: string }>(e.t.baseUrl, admin, "POST", "/api/tickets", {
      category: "LOSS",
      description: "上个月的包裹丢了",
      customerPhone: "13912345678",
    });
    expect(earlier.status).toBe(201);
    await db.ticket.update({ where: { number: earlier.body.number }, data: { status: "resolved" } });
    const linked = await staffApi<{ number: string }>(e.t.baseUrl, admin, "POST", "/api/tickets", {
      category: "DELAY",
      description: "快递三天没到",
      conversationId: conv.id,
      waybill: "SF1438829301576",
    });
    expect(linked.status).toBe(201);

    const { context, page } = await consoleAs("xiaowang", "xiaowang-pass-1");

    const queued = page.locator(`#list li[data-conversation="${conv.id}"]`);
    await expect.poll(() => queued.count(), { timeout: 10_000 }).toBe(1);
    // The queue's waiting time ticks without a reload.
    const waiting = queued.locator(".waiting");
    const first = await waiting.textContent();
    await expect.poll(() => waiting.textContent(), { timeout: 5_000 }).not.toBe(first);
    await queued.click();
    await page.locator("#take").click();
    await expect.poll(() => page.locator("#composer-mode").inputValue()).toBe("reply");

    const panel = page.locator("#context");
    await expect.poll(() => panel.textContent()).toContain("139****5678");
    expect(await panel.textContent()).not.toContain("13912345678");
    expect(await page.locator("#context-category").textContent()).toBe("延误");
    expect(await page.locator("#context-waybill").textContent()).toBe("SF1438829301576");
    expect(await page.locator("#context-ticket").textContent()).toBe(linked.body.number);
    const others = await panel.locator("ul.events li").allTextContents();
    expect(others).toEqual([expect.stringContaining(earlier.body.number)]);
    expect(others[0]).toContain("丢失短少");

    // A fresh 30-minute first-response clock: one colour in the list and in the detail.
    await page.locator('[data-tab="tickets"]').click();
    const row = page.locator(`#list li[data-ticket="${linked.body.number}"]`);
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    const listClass = await row.locator(".countdown").getAttribute("class");
    await row.click();
    const clock = page.locator('#clocks span[title*="first_response"] .countdown');
    await expect.poll(() => clock.count(), { timeout: 10_000 }).toBe(1);
    expect(listClass).toBe("badge countdown ok");
    expect(await clock.getAttribute("class")).toBe(listClass);

    // The ticket's composer: the canned reply is filled with the ticket's waybill and sent.
    await expect.poll(() => page.locator("#canned option").count()).toBeGreaterThan(1);
    await page.selectOption("#canned", { label: "运单跟进" });
    expect(await page.locator("#composer-text").inputValue()).toBe("您的运单SF1438829301576我们正在跟进");
    await page.locator("#send").click();
    await expect
      .poll(async () => (await chat.history()).map((m) => m.text), { timeout: 10_000 })
      .toContain("您的运单SF1438829301576我们正在跟进");
    await expect
      .poll(
        async () => (await db.auditEvent.findFirst({ where: { action: "canned_reply.used", actorId: wang.id } }))?.data,
      )
      .toEqual({ cannedReplyId: canned.body.id, title: "运单跟进", number: linked.body.number });

    // The admin's audit log names her: 小王, not an id.
    const adminPage = await context.newPage();
    await adminPage.goto(`${e.t.baseUrl}/admin`);
    await adminPage.fill("input[name=username]", "admin");
    await adminPage.fill("input[name=password]", "admin-pass-123");
    await adminPage.click("#login button[type=submit]");
    await adminPage.locator('[data-tab="audit"]').click();
    const usedRow = adminPage
      .locator("#panel tr", { has: adminPage.locator('[data-action="canned_reply.used"]') })
      .first();
    await expect.poll(() => usedRow.count(), { timeout: 10_000 }).toBe(1);
    expect(await usedRow.locator("td").nth(1).textContent()).toBe("小王");
    // In words (issue 18): the action, the ticket by number, the details as text, not JSON.
    expect(await usedRow.locator("td").nth(2).textContent()).toBe("使用快捷回复");
    expect(await usedRow.locator("td").nth(3).textContent()).toBe(`工单 ${linked.body.number}`);
    expect(await usedRow.locator("td").nth(4).textContent()).toBe(`标题：运单跟进；工单号：${linked.body.number}`);
    await context.close();
  });

  // Tried as a new carrier: a customer complained, then asked for a person before the bot had
  // registered it; the agent had no way to register the complaint from the chat (投诉量 stayed 0).
  it("the agent registers a complaint the bot left unfinished, from the chat, prefilled with its category, words and waybill", async () => {
    await createStaff(e.t.app, e.t.baseUrl, {
      username: "xiaozhao",
      displayName: "小赵",
      groups: ["logistics", "after_sales"],
      password: "xiaozhao-pass-1",
    });
    const chat = await WebchatClient.open(e.t.baseUrl);
    await chat.say("SF1438829301590 一个星期了还没到，我要投诉");
    await chat.say("转人工");
    const db = e.t.app.db.prisma;
    const identity = await db.channelIdentity.findFirstOrThrow({
      where: { channel: "webchat", externalId: chat.sessionId },
    });
    const conv = await db.conversation.findFirstOrThrow({ where: { identityId: identity.id } });
    expect(await db.ticket.count({ where: { conversationId: conv.id } })).toBe(0);

    const { context, page } = await consoleAs("xiaozhao", "xiaozhao-pass-1");
    const queued = page.locator(`#list li[data-conversation="${conv.id}"]`);
    await expect.poll(() => queued.count(), { timeout: 10_000 }).toBe(1);
    await queued.click();
    await page.locator("#take").click();
    await page.locator("#open-complaint").click();
    await expect.poll(() => page.locator("dialog[open] h3").textContent()).toBe("登记投诉");
    expect(await page.locator("dialog[open] select[name=category]").inputValue()).toBe("DELAY");
    expect(await page.locator("dialog[open] textarea[name=description]").inputValue()).toBe(
      "SF1438829301590 一个星期了还没到，我要投诉",
    );
    expect(await page.locator("dialog[open] input[name=waybill]").inputValue()).toBe("SF1438829301590");
    await page.locator("dialog[open] input[name=contactPhone]").fill("13900001111");
    await page.locator("#dialog-ok").click();

    await expect
      .poll(async () => (await db.ticket.findFirst({ where: { conversationId: conv.id } }))?.category, {
        timeout: 10_000,
      })
      .toBe("DELAY");
    const ticket = await db.ticket.findFirstOrThrow({ where: { conversationId: conv.id } });
    expect(ticket).toMatchObject({ waybill: "SF1438829301590", contactPhone: "13900001111" });
    // The chat now shows it as its ticket, and the button is gone.
    await expect.poll(() => page.locator("#context-ticket").textContent()).toBe(ticket.number);
    expect(await page.locator("#open-complaint").count()).toBe(0);
    await context.close();
  });

  // Tried at 420 px wide: 在线/退出 were cut off the top bar and the chat was a 15 px strip.
  it("at a phone's width the columns stack: nothing is cut off, the chat is as wide as the screen", async () => {
    await createStaff(e.t.app, e.t.baseUrl, {
      username: "xiaozhou",
      displayName: "小周",
      groups: ["after_sales"],
      password: "xiaozhou-pass-1",
    });
    const chat = await WebchatClient.open(e.t.baseUrl);
    await chat.say("转人工");
    const { context, page } = await consoleAs("xiaozhou", "xiaozhou-pass-1");
    await page.setViewportSize({ width: 420, height: 800 });
    await expect
      .poll(() => page.locator("#list li[data-conversation]").count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    const fits = async (selector: string) => {
      const box = await page.locator(selector).boundingBox();
      return !!box && box.x >= 0 && box.x + box.width <= 420;
    };
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    expect(await fits("#logout")).toBe(true);
    expect(await fits("#presence")).toBe(true);
    await page.locator("#list li[data-conversation]").first().click();
    await page.locator("#take").click();
    await expect.poll(() => page.locator("#composer-text").count()).toBe(1);
    expect((await page.locator("#detail").boundingBox())!.width).toBeGreaterThan(380);
    expect(await fits("#send")).toBe(true);
    await context.close();
  });
});
