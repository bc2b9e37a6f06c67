import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { consoleAs, staffPage, useE2e } from "../support/e2e.js";
import { createStaff, login, staffApi } from "../support/staff.js";
import { WebchatClient } from "../support/webchat-client.js";

// Issue 18: a console agents would choose — conversations by name, in words.
describe("agent console: names and words (issue 18)", () => {
  let xiaoliId = "";
  const e = useE2e({ env: { DEMO_DATA: "false" } }, async (t) => {
    xiaoliId = (
      await createStaff(t.app, t.baseUrl, {
        username: "xiaoli",
        displayName: "小李",
        groups: ["after_sales"],
        password: "xiaoli-pass-1",
      })
    ).id;
  });

  /** A customer's conversation, queued for a person; returns its id. */
  async function queued(chat: WebchatClient, ask = "转人工"): Promise<string> {
    await chat.say(ask);
    const identity = await e.t.app.db.prisma.channelIdentity.findFirstOrThrow({
      where: { channel: "webchat", externalId: chat.sessionId },
    });
    return (await e.t.app.db.prisma.conversation.findFirstOrThrow({ where: { identityId: identity.id } })).id;
  }

  it("conversations are titled by name or masked phone, an anonymous visitor by channel and time, never an id; intent and channel in words", async () => {
    const db = e.t.app.db.prisma;
    const anonymous = await queued(await WebchatClient.open(e.t.baseUrl));
    const named = await queued(await WebchatClient.open(e.t.baseUrl));
    const namedConv = await db.conversation.findUniqueOrThrow({ where: { id: named } });
    await db.customer.update({ where: { id: namedConv.customerId }, data: { name: "王女士" } });
    // A phone given in a complaint (the ticket's contact phone), not on the customer record.
    const phoned = await queued(await WebchatClient.open(e.t.baseUrl));
    const phonedConv = await db.conversation.findUniqueOrThrow({ where: { id: phoned } });
    await db.ticket.create({
      data: {
        number: "202611-09001",
        category: "DELAY",
        description: "三天没到",
        groupCode: "after_sales",
        channel: "webchat",
        customerId: phonedConv.customerId,
        conversationId: phoned,
        contactPhone: "13900001111",
      },
    });

    const { context, page } = await consoleAs(e, "xiaoli", "xiaoli-pass-1");
    const title = (id: string) => page.locator(`#list li[data-conversation="${id}"] .title`);
    await expect.poll(() => title(named).textContent()).toBe("王女士");
    await expect.poll(() => title(phoned).textContent()).toBe("139****1111");
    expect(await title(anonymous).textContent()).toMatch(/^网页访客 \d{2}\/\d{2} \d{2}:\d{2}$/);
    const list = (await page.locator("#list").textContent()) ?? "";
    expect(list).not.toContain("13900001111");
    expect(list).not.toMatch(/webchat|[0-9a-f]{6}/);
    expect(await page.locator(`#list li[data-conversation="${anonymous}"] [data-channel]`).textContent()).toBe("网页");

    await page.locator(`#list li[data-conversation="${anonymous}"]`).click();
    await expect.poll(() => page.locator(".detail-head h2").textContent()).toMatch(/^网页访客 /);
    await expect.poll(() => page.locator("#context-intent").textContent()).toBe("转人工");
    expect(await page.locator("#context-intent").getAttribute("data-intent")).toBe("human");
    expect(await page.locator("#context-language").textContent()).toBe("中文");
    // An English customer is shown as one, so the agent answers in English (session 12: an agent
    // answered an English customer in Chinese).
    const english = await queued(await WebchatClient.open(e.t.baseUrl, "en"), "I want to talk to a human agent");
    await page.locator(`#list li[data-conversation="${english}"]`).click();
    await expect.poll(() => page.locator("#context-language").textContent()).toBe("英文（请用英文回复）");
    await context.close();

    // English: the same words in English.
    const en = await staffPage(e, "/console?lang=en", "xiaoli", "xiaoli-pass-1");
    await expect.poll(() => en.page.locator("#live").textContent()).toBe("live");
    const enTitle = en.page.locator(`#list li[data-conversation="${anonymous}"] .title`);
    await expect.poll(() => enTitle.textContent()).toMatch(/^Web visitor /);
    await en.page.locator(`#list li[data-conversation="${anonymous}"]`).click();
    await expect.poll(() => en.page.locator("#context-intent").textContent()).toBe("Asked for a person");
    await en.context.close();
  });

  /**
   * The browser's notification and sound APIs, recorded: Notification asks (permission "default"
   * until asked) and shows; every Web Audio oscillator is counted (a chime is two tones).
   */
  const recordAlerts = () => {
    const w = window as unknown as Record<string, unknown>;
    const shown: { title: string; body?: string }[] = [];
    w.__shown = shown;
    w.__asked = 0;
    w.__tones = 0;
    class FakeNotification {
      static permission = "default";
      static async requestPermission() {
        w.__asked = (w.__asked as number) + 1;
        FakeNotification.permission = "granted";
        return "granted";
      }
      onclick: (() => void) | null = null;
      constructor(title: string, opts?: { body?: string }) {
        shown.push({ title, body: opts?.body });
      }
      close() {}
    }
    w.Notification = FakeNotification;
    const tone = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function (this: AudioContext) {
      w.__tones = (w.__tones as number) + 1;
      return tone.call(this);
    };
  };
  const asked = (page: Page) => page.evaluate(() => (window as unknown as { __asked: number }).__asked);
  const chimes = (page: Page) => page.evaluate(() => (window as unknown as { __tones: number }).__tones / 2);
  const shown = (page: Page) =>
    page.evaluate(() => (window as unknown as { __shown: { title: string; body?: string }[] }).__shown);

  it("unread markers, a chime and a desktop notification (permission asked once) for a handoff and my customer's message; j/k, t, e and / from the keyboard", async () => {
    // An empty queue to start with (the case above left three).
    await e.t.app.db.prisma.conversation.updateMany({ where: { mode: "queued" }, data: { mode: "closed" } });
    const admin = await login(e.t.baseUrl, "admin", "admin-pass-123");
    const canned = await staffApi(e.t.baseUrl, admin, "POST", "/api/admin/canned-replies", {
      title: "运单跟进",
      text: "您好，我们正在跟进您的运单",
    });
    expect(canned.status).toBe(201);
    const context = await e.browser.newContext({ locale: "zh-CN", viewport: { width: 1400, height: 850 } });
    await context.addInitScript(recordAlerts);
    const page = await context.newPage();
    await page.goto(`${e.t.baseUrl}/console`);
    await page.fill("input[name=username]", "xiaoli");
    await page.fill("input[name=password]", "xiaoli-pass-1");
    await page.click("#login button[type=submit]");
    await expect.poll(() => page.locator("#live").textContent()).toBe("实时");
    // Asked at the first gesture, once.
    await page.locator("#me").click();
    expect(await asked(page)).toBe(1);
    await page.locator("#me").click();
    expect(await asked(page)).toBe(1);

    // A handoff: marked in the queue, a chime, a notification.
    const a = await WebchatClient.open(e.t.baseUrl);
    const aId = await queued(a);
    const aItem = page.locator(`#list li[data-conversation="${aId}"]`);
    await expect.poll(() => aItem.locator(".unread").textContent()).toBe("1");
    await expect.poll(() => chimes(page)).toBe(1);
    expect(await shown(page)).toEqual([{ title: "新的转人工会话", body: "客户要求" }]);

    // j opens it (the marker goes), t takes it.
    await page.keyboard.press("j");
    await expect.poll(() => aItem.getAttribute("class")).toContain("active");
    expect(await aItem.locator(".unread").count()).toBe(0);
    await page.keyboard.press("t");
    await expect.poll(() => page.locator("#composer-mode").inputValue()).toBe("reply");

    // Another handoff; j moves to it. Then the first customer writes in my chat meanwhile.
    const bId = await queued(await WebchatClient.open(e.t.baseUrl));
    await expect.poll(() => page.locator(`#list li[data-conversation="${bId}"] .unread`).textContent()).toBe("1");
    await page.locator("#me").click();
    await page.keyboard.press("j");
    await expect.poll(() => page.locator(".detail-head h2").textContent()).toMatch(/^网页访客 /);
    await expect
      .poll(() => page.locator(`#list li[data-conversation="${bId}"]`).getAttribute("class"))
      .toContain("active");
    await a.say("还在吗？");
    await expect.poll(() => chimes(page)).toBe(3);
    const last = (await shown(page)).at(-1)!;
    expect(last.title).toMatch(/^客户新消息 · 网页访客 /);
    expect(last.body).toBe("还在吗？");
    await page.locator('[data-tab="mine"]').click();
    await expect.poll(() => aItem.locator(".unread").textContent()).toBe("1");
    await page.keyboard.press("j");
    await expect.poll(() => aItem.getAttribute("class")).toContain("active");
    await expect.poll(() => aItem.locator(".unread").count()).toBe(0);

    // "/" lists the canned replies; typing filters; Enter fills the box.
    await page.locator("#me").click();
    await page.keyboard.press("/");
    await expect.poll(() => page.locator("#canned-picker").isVisible()).toBe(true);
    await page.keyboard.type("跟进");
    await expect
      .poll(() => page.locator("#canned-picker li[role=option]").allTextContents())
      .toEqual([expect.stringContaining("运单跟进")]);
    await page.keyboard.press("Enter");
    expect(await page.locator("#composer-text").inputValue()).toBe("您好，我们正在跟进您的运单");
    expect(await page.locator("#canned-picker").isVisible()).toBe(false);

    // e resolves the open ticket (its dialog opens).
    const conv = await e.t.app.db.prisma.conversation.findUniqueOrThrow({ where: { id: aId } });
    await e.t.app.db.prisma.ticket.create({
      data: {
        number: "202611-09002",
        category: "DELAY",
        status: "open",
        description: "三天没到",
        groupCode: "after_sales",
        channel: "webchat",
        customerId: conv.customerId,
        conversationId: aId,
        assigneeId: xiaoliId,
      },
    });
    await page.locator('[data-tab="tickets"]').click();
    await expect.poll(() => page.locator('#list li[data-ticket="202611-09002"]').count()).toBe(1);
    await page.keyboard.press("j");
    await expect.poll(() => page.locator("#ticket-resolve").isVisible()).toBe(true);
    await page.keyboard.press("e");
    await expect.poll(() => page.locator("dialog[open] h3").textContent()).toBe("解决");
    await page.keyboard.press("Escape");

    // A reload does not ask again.
    await page.reload();
    await expect.poll(() => page.locator("#live").textContent()).toBe("实时");
    await page.locator("#me").click();
    expect(await asked(page)).toBe(0);
    await context.close();
  });

  it("对方正在输入… both ways: the customer's typing shows in the console, the agent's in the chat; each goes when the message arrives", async () => {
    await e.t.app.db.prisma.conversation.updateMany({
      where: { mode: { in: ["queued", "agent"] } },
      data: { mode: "closed" },
    });
    const { context: agentContext, page: agent } = await consoleAs(e, "xiaoli", "xiaoli-pass-1");
    const customerContext = await e.browser.newContext({ locale: "zh-CN" });
    const customer = await customerContext.newPage();
    await customer.goto(`${e.t.baseUrl}/`);
    await expect.poll(() => customer.locator("#status").textContent()).toBe("在线");
    await customer.fill("#input", "转人工");
    await customer.press("#input", "Enter");
    const item = agent.locator("#list li[data-conversation]");
    await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1);
    await item.first().click();
    await agent.locator("#take").click();
    await expect.poll(() => agent.locator("#composer-mode").inputValue()).toBe("reply");
    expect(await agent.locator("#typing").isVisible()).toBe(false);

    // The customer types: the agent sees it; the message replaces it.
    await customer.fill("#input", "请问我的快递");
    await expect.poll(() => agent.locator("#typing").textContent()).toBe("对方正在输入…");
    expect(await agent.locator("#typing").isVisible()).toBe(true);
    await customer.press("#input", "Enter");
    await expect.poll(() => agent.locator("#messages .msg.in").last().textContent()).toContain("请问我的快递");
    await expect.poll(() => agent.locator("#typing").isVisible()).toBe(false);

    // The agent types: the customer sees it; her reply replaces it.
    expect(await customer.locator("#typing").isVisible()).toBe(false);
    await agent.fill("#composer-text", "您好，我来查一下");
    await expect.poll(() => customer.locator("#typing").textContent()).toBe("对方正在输入…");
    expect(await customer.locator("#typing").isVisible()).toBe(true);
    await agent.locator("#send").click();
    await expect
      .poll(() => customer.locator('.msg.out[data-author="agent"]').last().textContent())
      .toContain("您好，我来查一下");
    await expect.poll(() => customer.locator("#typing").isVisible()).toBe(false);
    await agentContext.close();
    await customerContext.close();
  });
});
