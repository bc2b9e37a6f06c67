import { describe, expect, it } from "vitest";
import { consoleAs, consoleWith } from "../support/e2e.js";
import { WebchatClient } from "../support/webchat-client.js";

// Issue 18: @mention of a colleague in an internal note — "@" offers colleagues, the mention is
// kept and shown, and the colleague is told live (a notice linking to the conversation, a chime,
// a desktop notification) though they watch nothing; one who may not see the chat is refused.
describe("@mention in a note (Chromium)", () => {
  const e = consoleWith([
    { username: "xiaoli", displayName: "小李", groups: ["after_sales"], password: "xiaoli-pass-1" },
    { username: "laowang", displayName: "主管老王", role: "supervisor", password: "laowang-pass-1" },
    { username: "xiaozhang", displayName: "小张", groups: ["after_sales"], password: "xiaozhang-pass-1" },
  ]);

  /** Notifications and chime tones, recorded (as in console-live). */
  const recordAlerts = () => {
    const w = window as unknown as Record<string, unknown>;
    const shown: { title: string; body?: string }[] = [];
    w.__shown = shown;
    w.__tones = 0;
    class FakeNotification {
      static permission = "granted";
      static async requestPermission() {
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

  it("@ lists colleagues, the note shows the mention, the supervisor is told live and opens the chat; a colleague who cannot see it is refused", async () => {
    const chat = await WebchatClient.open(e.t.baseUrl);
    await chat.say("转人工");

    // The supervisor's console is open on nothing in particular.
    const { context: bossContext, page: boss } = await consoleAs(e, "laowang", "laowang-pass-1", recordAlerts);

    const { context, page } = await consoleAs(e, "xiaoli", "xiaoli-pass-1");
    const item = page.locator("#list li[data-conversation]");
    await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1);
    const conversationId = (await item.first().getAttribute("data-conversation")) as string;
    await item.first().click();
    await page.locator("#take").click();
    await expect.poll(() => page.locator("#composer-mode").inputValue()).toBe("reply");
    await page.locator("#composer-mode").selectOption("note");

    // "@" offers colleagues (not me); typing filters; Enter puts the name in.
    await page.locator("#composer-text").click();
    await page.keyboard.type("请@");
    await expect.poll(() => page.locator("#mention-picker").isVisible()).toBe(true);
    const options = await page.locator("#mention-picker li[role=option]").allTextContents();
    expect(options.some((o) => o.includes("主管老王"))).toBe(true);
    expect(options.some((o) => o.includes("小李"))).toBe(false);
    await page.keyboard.type("主管");
    await expect
      .poll(() => page.locator("#mention-picker li[role=option]").allTextContents())
      .toEqual(["主管老王 @laowang"]);
    await page.keyboard.press("Enter");
    expect(await page.locator("#composer-text").inputValue()).toBe("请@主管老王 ");
    expect(await page.locator("#mention-picker").isVisible()).toBe(false);
    await page.keyboard.type("审批赔偿");
    await page.locator("#send").click();
    await expect
      .poll(() => page.locator("#messages .msg.internal mark.mention").allTextContents())
      .toEqual(["@主管老王"]);

    // The supervisor: a notice linking to the conversation, a chime, a desktop notification.
    const notice = boss.locator(`.toast.mention[data-conversation="${conversationId}"]`);
    await expect.poll(() => notice.count(), { timeout: 10_000 }).toBe(1);
    expect(await notice.textContent()).toContain("小李 在备注中提到了你");
    expect(await notice.textContent()).toContain("审批赔偿");
    await expect
      .poll(() => boss.evaluate(() => (window as unknown as { __tones: number }).__tones))
      .toBeGreaterThanOrEqual(2);
    expect(
      await boss.evaluate(() => (window as unknown as { __shown: { title: string; body?: string }[] }).__shown),
    ).toContainEqual({ title: "小李 在备注中提到了你", body: "请@主管老王 审批赔偿" });
    await notice.locator("a.open-mention").click();
    await expect
      .poll(() => boss.locator("#messages .msg.internal mark.mention").allTextContents())
      .toEqual(["@主管老王"]);
    expect(await notice.count()).toBe(0);

    // Another agent may not see a chat I hold: the note is refused, in words, and not stored.
    await page.locator("#composer-text").fill("@xiaozhang 帮忙看看");
    await page.locator("#send").click();
    await expect
      .poll(() => page.locator(".toast.breach").allTextContents())
      .toContain("被 @ 的同事无权查看此会话，备注未保存。");
    expect(await page.locator("#composer-text").inputValue()).toBe("@xiaozhang 帮忙看看");
    expect(await page.locator("#messages .msg.internal").count()).toBe(1);

    await context.close();
    await bossContext.close();
  });
});
