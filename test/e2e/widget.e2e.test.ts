import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contrastOf } from "../support/contrast.js";
import { staffPage, useE2e } from "../support/e2e.js";
import { login, staffApi } from "../support/staff.js";

// Issue 18: the widget a carrier embeds with one <script> tag. The carrier's page is served from
// another site (localhost vs the app's 127.0.0.1) with the broad CSS real sites have.
const DEMO = fs.readFileSync(new URL("../../src/web/widget/demo.html", import.meta.url), "utf8");

describe("embeddable web chat widget in Chromium (issue 18)", () => {
  const e = useE2e({ env: { DEMO_DATA: "false" } });
  let hostServer: http.Server;
  let hostUrl = "";
  beforeAll(async () => {
    hostServer = http.createServer((req, res) => {
      const attrs =
        req.url === "/en"
          ? 'data-lang="en" data-color="#0a7d32" data-title="SD Help" data-position="left"'
          : req.url === "/yellow"
            ? 'data-lang="zh-CN" data-color="#ffc800"'
            : 'data-lang="zh-CN"';
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.end(DEMO.replace('src="/widget.js" data-lang="zh-CN"', `src="${e.t.baseUrl}/widget.js" ${attrs}`));
    });
    await new Promise<void>((resolve) => hostServer.listen(0, "127.0.0.1", resolve));
    hostUrl = `http://localhost:${(hostServer.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => (hostServer ? hostServer.close(() => resolve()) : resolve())));

  const launcherOf = (page: Page) => page.locator("kuaidi-desk-widget .launcher");
  const panelOf = (page: Page) => page.locator("kuaidi-desk-widget .panel");
  const frameOf = (page: Page) => page.frameLocator("kuaidi-desk-widget iframe");

  it("a light brand colour (a carrier's yellow) gets dark text: the launcher, header, the customer's bubbles and buttons stay readable (session 12)", async () => {
    const context = await e.browser.newContext({ locale: "zh-CN", viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${hostUrl}/yellow`);
    const launcher = launcherOf(page);
    await expect.poll(() => launcher.isVisible()).toBe(true);
    expect(await launcher.evaluate(contrastOf)).toBeGreaterThanOrEqual(4.5);
    await launcher.click();
    const frame = frameOf(page);
    await expect.poll(() => frame.locator("#status").textContent()).toBe("在线");
    expect(await frame.locator(".chat-header").evaluate(contrastOf)).toBeGreaterThanOrEqual(4.5);
    await frame.locator("#input").fill("你好");
    await frame.locator("#input").press("Enter");
    await expect.poll(() => frame.locator(".msg.in").count()).toBe(1);
    // White on this yellow: 1.6.
    expect(await frame.locator(".msg.in").first().evaluate(contrastOf)).toBeGreaterThanOrEqual(4.5);
    await expect.poll(() => frame.locator(".quick button").count()).toBeGreaterThan(0);
    expect(await frame.locator(".quick button").first().evaluate(contrastOf)).toBeGreaterThanOrEqual(4.5);
    await context.close();
  });

  it("brand set in /admin; the carrier's CSS does not leak in; open, send, close; a reload keeps the session; an agent's reply while closed is counted on the badge", async () => {
    // The admin sets the colour and the title in /admin → 网页插件.
    const { context: adminContext, page: admin } = await staffPage(e, "/admin", "admin", "admin-pass-123");
    await admin.locator('[data-tab="widget"]').click();
    await admin.locator("#widget-form input[name=color]").fill("#0055aa");
    await admin.locator("#widget-form input[name=titleZh]").fill("顺达在线客服");
    await admin.locator("#widget-form button[type=submit]").click();
    await expect.poll(() => admin.locator(".toast").last().textContent()).toBe("已保存");
    expect(await admin.locator("#widget-snippet").textContent()).toBe(
      `<script src="${e.t.baseUrl}/widget.js" data-lang="zh-CN" async></script>`,
    );
    await adminContext.close();

    const context = await e.browser.newContext({ locale: "zh-CN", viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${hostUrl}/`);
    const launcher = launcherOf(page);
    await expect.poll(() => launcher.isVisible()).toBe(true);
    // The page's own button wears the page's style; the launcher does not.
    expect(await page.locator("#host-button").evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      "rgb(34, 34, 34)",
    );
    const look = await launcher.evaluate((el) => {
      const s = getComputedStyle(el);
      const icon = getComputedStyle(el.querySelector("svg.bubble") as Element);
      return {
        bg: s.backgroundColor,
        width: s.width,
        radius: s.borderRadius,
        border: s.borderTopWidth,
        icon: icon.width,
      };
    });
    expect(look).toEqual({ bg: "rgb(0, 85, 170)", width: "56px", radius: "50%", border: "0px", icon: "28px" });
    expect(await panelOf(page).isVisible()).toBe(false);
    expect(await page.locator("kuaidi-desk-widget .badge").isVisible()).toBe(false);

    // Open: the chat in the panel, in the admin's colour and title, untouched by the page's fonts.
    await launcher.click();
    const frame = frameOf(page);
    await expect.poll(() => frame.locator("#status").textContent()).toBe("在线");
    expect(await frame.locator(".brand [data-i18n=title]").textContent()).toBe("顺达在线客服");
    expect(await frame.locator(".chat-header").evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      "rgb(0, 85, 170)",
    );
    expect(await frame.locator("body").evaluate((el) => getComputedStyle(el).fontFamily)).not.toContain("Georgia");
    expect(await page.locator("kuaidi-desk-widget iframe").evaluate((el) => getComputedStyle(el).borderTopWidth)).toBe(
      "0px",
    );
    await frame.locator("#input").fill("你好");
    await frame.locator("#input").press("Enter");
    await expect.poll(() => frame.locator(".msg.in").allTextContents()).toEqual(["你好"]);
    await expect.poll(() => frame.locator(".msg.out").count()).toBeGreaterThanOrEqual(2);

    // Close with the launcher; a reload of the carrier's page keeps the conversation.
    await launcher.click();
    await expect.poll(() => panelOf(page).isVisible()).toBe(false);
    await page.reload();
    await expect.poll(() => launcherOf(page).isVisible()).toBe(true);
    await launcherOf(page).click();
    await expect.poll(() => frameOf(page).locator(".msg.in").allTextContents()).toEqual(["你好"]);

    // Ask for a person, close with the panel's own × and let an agent answer meanwhile.
    const answered = await frameOf(page).locator(".msg.out").count();
    await frameOf(page).locator("#input").fill("转人工");
    await frameOf(page).locator("#input").press("Enter");
    await expect.poll(() => frameOf(page).locator(".msg.in").count()).toBe(2);
    await expect.poll(() => frameOf(page).locator(".msg.out").count()).toBeGreaterThan(answered);
    await frameOf(page).locator(".chat-header .close").click();
    await expect.poll(() => panelOf(page).isVisible()).toBe(false);

    const token = await login(e.t.baseUrl, "admin", "admin-pass-123");
    let conversationId = "";
    await expect
      .poll(async () => {
        const list = await staffApi<{ conversations: { id: string }[] }>(
          e.t.baseUrl,
          token,
          "GET",
          "/api/conversations?filter=queued",
        );
        conversationId = list.body.conversations[0]?.id ?? "";
        return conversationId;
      })
      .not.toBe("");
    expect((await staffApi(e.t.baseUrl, token, "POST", `/api/conversations/${conversationId}/take`)).status).toBe(204);
    const reply = await staffApi(e.t.baseUrl, token, "POST", `/api/conversations/${conversationId}/reply`, {
      text: "您好，我来帮您查。",
    });
    expect(reply.status).toBe(201);

    const badge = page.locator("kuaidi-desk-widget .badge");
    // Two unread: the notice that she joined, and her answer.
    await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe("2");
    expect(await badge.isVisible()).toBe(true);
    expect(await launcherOf(page).getAttribute("aria-label")).toBe("在线客服 (2 条未读)");
    // Still counted after the carrier's page is reloaded.
    await page.reload();
    await expect.poll(() => page.locator("kuaidi-desk-widget .badge").textContent()).toBe("2");
    await launcherOf(page).click();
    await expect
      .poll(() => frameOf(page).locator('.msg.out[data-author="agent"]').allTextContents())
      .toEqual([expect.stringContaining("您好，我来帮您查。")]);
    expect(await badge.isVisible()).toBe(false);
    fs.mkdirSync("test-results", { recursive: true });
    await page.screenshot({ path: "test-results/widget-embedded.png" });
    await context.close();
  });

  it("data- attributes override the admin's settings: English, colour, title, left side", async () => {
    const context = await e.browser.newContext({ locale: "zh-CN", viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${hostUrl}/en`);
    const launcher = launcherOf(page);
    await expect.poll(() => launcher.isVisible()).toBe(true);
    expect(await launcher.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(10, 125, 50)");
    expect((await launcher.boundingBox())!.x).toBeLessThan(100);
    expect(await launcher.getAttribute("aria-label")).toBe("Chat with us");
    await launcher.click();
    const frame = frameOf(page);
    await expect.poll(() => frame.locator("#status").textContent()).toBe("Online");
    expect(await frame.locator(".brand [data-i18n=title]").textContent()).toBe("SD Help");
    expect(await frame.locator("#input").getAttribute("placeholder")).toBe("Type your question or waybill number");
    await context.close();
  });

  it("only the chat panel may be framed, and only by the sites set in /admin; settings are validated and admin-only", async () => {
    const admin = await login(e.t.baseUrl, "admin", "admin-pass-123");
    const bad = await staffApi<{ error: { code: string } }>(e.t.baseUrl, admin, "PUT", "/api/admin/widget", {
      color: "red",
      titleZh: "客服",
      titleEn: "Help",
      position: "right",
      embedOrigins: ["https://shop.example/path"],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("VALIDATION_FAILED");
    const saved = await staffApi(e.t.baseUrl, admin, "PUT", "/api/admin/widget", {
      color: "#0055aa",
      titleZh: "顺达在线客服",
      titleEn: "Shunda help",
      position: "right",
      embedOrigins: ["https://shop.example"],
    });
    expect(saved.status).toBe(200);
    expect((await staffApi(e.t.baseUrl, undefined, "GET", "/api/admin/widget")).status).toBe(401);

    const frame = await fetch(`${e.t.baseUrl}/widget/frame`);
    expect(frame.headers.get("content-security-policy")).toContain("frame-ancestors 'self' https://shop.example;");
    expect(frame.headers.get("x-frame-options")).toBeNull();
    const consolePage = await fetch(`${e.t.baseUrl}/console`);
    expect(consolePage.headers.get("content-security-policy")).toContain("frame-ancestors 'self'");
    expect(consolePage.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    const script = await fetch(`${e.t.baseUrl}/widget.js`);
    expect(script.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(script.headers.get("cross-origin-resource-policy")).toBe("cross-origin");

    // A site not on the list: the launcher shows, but the browser refuses to show the chat in it.
    const context = await e.browser.newContext({ locale: "zh-CN" });
    const page = await context.newPage();
    const refused = new Promise<void>((resolve) =>
      page.on("console", (m) => {
        if (/frame-ancestors/.test(m.text())) resolve();
      }),
    );
    await page.goto(`${hostUrl}/`);
    await launcherOf(page).click();
    await refused;
    await context.close();
  });
});
