import { describe, expect, it } from "vitest";
import { consoleAs, staffPage, useE2e } from "../support/e2e.js";
import { createStaff } from "../support/staff.js";
import { WebchatClient } from "../support/webchat-client.js";

// Issue 18: a console agents would choose — conversations by name, in words.
describe("agent console: names and words (issue 18)", () => {
  const e = useE2e({ env: { DEMO_DATA: "false" } }, async (t) => {
    await createStaff(t.app, t.baseUrl, {
      username: "xiaoli",
      displayName: "小李",
      groups: ["after_sales"],
      password: "xiaoli-pass-1",
    });
  });

  /** A customer's conversation, queued for a person; returns its id. */
  async function queued(chat: WebchatClient): Promise<string> {
    await chat.say("转人工");
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
});
