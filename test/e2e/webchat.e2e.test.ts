import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { useE2e } from "../support/e2e.js";
import { renderLabel } from "../support/images.js";

describe("web chat page in Chromium", () => {
  const e = useE2e();

  it("a customer types a message and sees the bot's reply; history survives a reload", async () => {
    const page = await e.browser.newPage({ locale: "zh-CN" });
    await page.goto(`${e.t.baseUrl}/`);
    await expect.poll(() => page.locator("#status").textContent()).toBe("在线");
    await expect.poll(() => page.locator(".msg.out").count()).toBeGreaterThanOrEqual(1); // greeting
    await page.fill("#input", "你好");
    await page.press("#input", "Enter");
    await expect.poll(() => page.locator(".msg.in").allTextContents()).toEqual(["你好"]);
    await expect.poll(() => page.locator(".msg.out").count()).toBeGreaterThanOrEqual(2);
    const lastReply = await page.locator(".msg.out").last().textContent();
    expect(lastReply).toMatch(/快递|您好/);
    // Issue 18: each message shows when it was said (hours and minutes), outside its text.
    const said = page.locator(".msg.in").first();
    const at = await said.getAttribute("data-at");
    expect(at).toMatch(/\d{2}:\d{2}$/);
    // …and, on the customer's own message, that it was delivered (the read marks of issue 18).
    expect(await said.evaluate((el) => getComputedStyle(el, "::after").content)).toBe(`"${at} · 已送达"`);
    const answered = page.locator(".msg.out").last();
    expect(await answered.evaluate((el) => getComputedStyle(el, "::after").content)).toBe(
      `"${await answered.getAttribute("data-at")}"`,
    );

    fs.mkdirSync("test-results", { recursive: true });
    await page.screenshot({ path: "test-results/webchat.png" });

    await page.reload();
    await expect.poll(() => page.locator(".msg.in").allTextContents()).toEqual(["你好"]);
    await page.close();
  });

  it("a photo of a label is sent with the attach button: thumbnail in the history, the number answered (issue 17)", async () => {
    const page = await e.browser.newPage({ locale: "zh-CN" });
    await page.goto(`${e.t.baseUrl}/`);
    await expect.poll(() => page.locator("#status").textContent()).toBe("在线");
    const label = await renderLabel(["SF EXPRESS", "SF1438829301576"], { format: "jpeg", rotate: 5 });
    await page.setInputFiles("#file", { name: "label.jpg", mimeType: "image/jpeg", buffer: label });
    await expect
      .poll(() => page.locator(".msg.out").allTextContents(), { timeout: 30_000 })
      .toContain("智能客服识别到运单号 SF1438829301576");
    const thumb = page.locator(".msg.in img.thumb");
    await expect
      .poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBeGreaterThan(0);
    expect(await thumb.getAttribute("src")).toMatch(/^blob:/);
    fs.mkdirSync("test-results", { recursive: true });
    await page.screenshot({ path: "test-results/webchat-image.png" });
    await page.close();
  });

  it("a long message is counted, kept whole and not sent until shortened; a stale hint goes once the customer types (issue 18)", async () => {
    const page = await e.browser.newPage({ locale: "zh-CN" });
    await page.goto(`${e.t.baseUrl}/`);
    await expect.poll(() => page.locator("#status").textContent()).toBe("在线");
    // An empty send says so; typing clears it (it used to stay).
    await page.press("#input", "Enter");
    await expect.poll(() => page.locator("#hint").textContent()).toBe("请输入内容。");
    await page.type("#input", "a");
    await expect.poll(() => page.locator("#hint").isVisible()).toBe(false);
    await expect.poll(() => page.locator("#counter").isVisible()).toBe(false); // far from the limit

    // A 2,500-character paste stays whole (it was cut to 2,000 silently), is counted in red and
    // cannot be sent; Enter keeps it in the box.
    await page.fill("#input", "慢".repeat(2500));
    expect(await page.locator("#input").inputValue()).toHaveLength(2500);
    await expect.poll(() => page.locator("#counter").textContent()).toBe("2,500 / 2,000");
    expect(await page.locator("#counter").getAttribute("class")).toContain("over");
    expect(await page.locator("#send").isDisabled()).toBe(true);
    await expect.poll(() => page.locator("#hint").textContent()).toBe("消息太长了，请控制在2000字以内。");
    await page.press("#input", "Enter");
    expect(await page.locator("#input").inputValue()).toHaveLength(2500);
    expect(await page.locator(".msg.in").count()).toBe(0);

    // Shortened to 1,900: counted, sendable, the hint gone; sent whole.
    await page.fill("#input", "慢".repeat(1900));
    await expect.poll(() => page.locator("#counter").textContent()).toBe("1,900 / 2,000");
    expect(await page.locator("#counter").getAttribute("class")).not.toContain("over");
    expect(await page.locator("#send").isDisabled()).toBe(false);
    await expect.poll(() => page.locator("#hint").isVisible()).toBe(false);
    await page.press("#input", "Enter");
    await expect.poll(() => page.locator(".msg.in").allTextContents()).toEqual(["慢".repeat(1900)]);
    await expect.poll(() => page.locator("#counter").isVisible()).toBe(false);
    await page.close();
  });

  it("the newest message stays in view above a tall quick-reply bar on a phone screen (issue 18)", async () => {
    const page = await e.browser.newPage({ locale: "zh-CN", viewport: { width: 360, height: 560 } });
    await page.goto(`${e.t.baseUrl}/`);
    await expect.poll(() => page.locator("#status").textContent()).toBe("在线");
    for (const text of ["你好", "我要投诉"]) {
      await page.fill("#input", text);
      await page.press("#input", "Enter");
      await expect.poll(() => page.locator(".msg.in").count()).toBeGreaterThanOrEqual(text === "你好" ? 1 : 2);
    }
    await expect.poll(() => page.locator("#quick button").count()).toBeGreaterThanOrEqual(3);
    const hidden = () =>
      page.evaluate(() => {
        const list = document.getElementById("messages")!.getBoundingClientRect();
        const last = Array.from(document.querySelectorAll(".msg.out")).at(-1)!.getBoundingClientRect();
        return Math.round(last.bottom - list.bottom);
      });
    // Not below the list's visible bottom (it was hidden behind the bar).
    await expect.poll(hidden).toBeLessThanOrEqual(0);
    await page.close();
  });

  it("quick replies send their text", async () => {
    const page = await e.browser.newPage({ locale: "zh-CN" });
    await page.goto(`${e.t.baseUrl}/`);
    await expect.poll(() => page.locator(".quick button").count()).toBeGreaterThan(0);
    const first = (await page.locator(".quick button").first().textContent()) ?? "";
    await page.locator(".quick button").first().click();
    await expect.poll(() => page.locator(".msg.in").allTextContents()).toEqual([first]);
    await page.close();
  });

  it("shows English with ?lang=en", async () => {
    const page = await e.browser.newPage({ locale: "zh-CN" });
    await page.goto(`${e.t.baseUrl}/?lang=en`);
    await expect.poll(() => page.locator("#send").textContent()).toBe("Send");
    await expect.poll(() => page.locator(".msg.out").first().textContent()).toMatch(/Hello/);
    await page.close();
  });

  it("renders customer text as text, never as HTML", async () => {
    const page = await e.browser.newPage({ locale: "zh-CN" });
    let dialogs = 0;
    page.on("dialog", async (d) => {
      dialogs++;
      await d.dismiss();
    });
    await page.goto(`${e.t.baseUrl}/`);
    await expect.poll(() => page.locator("#status").textContent()).toBe("在线");
    const payload = `<img src=x onerror="alert(1)"><b>bold</b>`;
    await page.fill("#input", payload);
    await page.press("#input", "Enter");
    await expect.poll(() => page.locator(".msg.in").allTextContents()).toEqual([payload]);
    expect(await page.locator(".messages img, .messages b").count()).toBe(0);
    expect(dialogs).toBe(0);
    await page.close();
  });
});
