/**
 * `npm run screenshots` (issue 18): PNGs anyone can look at, of the widget embedded on the demo
 * carrier page, the agent console in a live conversation and the admin pages, in ./screenshots/
 * (git-ignored). Runs the product on a fresh PGlite folder in a temp directory and drives Debian's
 * Chromium through playwright-core (`apt-get install chromium`; `fonts-noto-cjk` for Chinese).
 * Every step waits on what the page shows, never on a timer.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import type { Page } from "playwright-core";
import { buildApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { launchChromium } from "../test/support/browser.js";

const OUT = path.resolve(process.argv[2] ?? "screenshots");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "kd-screenshots-"));
const adminPassword = randomBytes(12).toString("base64url");
const agentPassword = randomBytes(12).toString("base64url");

/** Polls `read` until it satisfies `ok` (pages update live; 15 s at most). */
async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const v = await read().catch(() => undefined as T);
    if (v !== undefined && ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`screenshots: timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

async function logIn(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(url);
  await page.fill("input[name=username]", username);
  await page.fill("input[name=password]", password);
  await page.click("#login button[type=submit]");
}

const config = loadConfig({
  PORT: "0",
  HOST: "127.0.0.1",
  LOG_LEVEL: "silent",
  DATA_DIR: dataDir,
  ADMIN_PASSWORD: adminPassword,
});
const app = await buildApp(config, { logger: pino({ level: "silent" }) });
await app.listen();
const address = app.server.server.address();
const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
const browser = await launchChromium();
try {
  fs.mkdirSync(OUT, { recursive: true });
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(OUT, name) });

  // An agent, through the admin API.
  const adminToken = (
    (await (
      await fetch(`${base}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "admin", password: adminPassword }),
      })
    ).json()) as { token: string }
  ).token;
  const auth = { authorization: `Bearer ${adminToken}`, "content-type": "application/json" };
  const { groups } = (await (await fetch(`${base}/api/groups`, { headers: auth })).json()) as {
    groups: { code: string }[];
  };
  const created = await fetch(`${base}/api/admin/agents`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({
      username: "xiaoli",
      displayName: "小李",
      password: agentPassword,
      role: "agent",
      groups: groups.map((g) => g.code),
    }),
  });
  if (!created.ok) throw new Error(`screenshots: creating the agent failed (${created.status})`);

  // The customer on the carrier's page: a tracking question, then a person.
  const site = await browser.newPage({ locale: "zh-CN", viewport: { width: 1280, height: 800 } });
  await site.goto(`${base}/widget-demo`);
  await site.locator("kuaidi-desk-widget .launcher").click();
  const chat = site.frameLocator("kuaidi-desk-widget iframe");
  await until(
    "the widget to connect",
    () => chat.locator("#status").textContent(),
    (t) => t === "在线",
  );
  await chat.locator("#input").fill("SF1438829301576 到哪了");
  await chat.locator("#input").press("Enter");
  await until(
    "the tracking answer",
    () => chat.locator(".msg.out").count(),
    (n) => n >= 2,
  );
  const answered = await chat.locator(".msg.out").count();
  await chat.locator("#input").fill("转人工");
  await chat.locator("#input").press("Enter");
  await until(
    "the handoff answer",
    () => chat.locator(".msg.out").count(),
    (n) => n > answered,
  );

  // The agent takes it and answers.
  const desk = await browser.newPage({ locale: "zh-CN", viewport: { width: 1400, height: 850 } });
  await logIn(desk, `${base}/console`, "xiaoli", agentPassword);
  await until(
    "the console to go live",
    () => desk.locator("#live").textContent(),
    (t) => t === "实时",
  );
  const item = desk.locator("#list li[data-conversation]").first();
  await until(
    "the handoff in the queue",
    () => item.count(),
    (n) => n === 1,
  );
  await item.click();
  await desk.locator("#take").click();
  await until(
    "the conversation to be mine",
    () => desk.locator("#composer-mode").inputValue(),
    (v) => v === "reply",
  );
  await desk.locator("#composer-text").fill("您好，我是小李。您的快递 SF1438829301576 正在派送，预计今天送达。");
  await desk.locator("#send").click();
  await until(
    "the reply in the widget",
    () => chat.locator('.msg.out[data-author="agent"]').count(),
    (n) => n >= 1,
  );
  await desk.locator('[data-tab="mine"]').click();
  await until(
    "my conversations",
    () => desk.locator("#list li[data-conversation]").count(),
    (n) => n === 1,
  );
  await chat.locator("#input").fill("好的，谢谢");
  await until(
    "the customer typing in the console",
    () => desk.locator("#typing").isVisible(),
    (v) => v,
  );
  await shot(desk, "console.png");
  await shot(site, "widget-embedded.png");

  // The launcher with its badge: closed, then an agent's message.
  await site.locator("kuaidi-desk-widget .launcher").click();
  await desk.locator("#composer-text").fill("还有其他问题随时找我。");
  await desk.locator("#send").click();
  await until(
    "the unread badge",
    () => site.locator("kuaidi-desk-widget .badge").textContent(),
    (t) => t === "1",
  );
  await shot(site, "widget-launcher.png");

  // The admin pages: staff, and the widget's settings with the snippet.
  const admin = await browser.newPage({ locale: "zh-CN", viewport: { width: 1400, height: 850 } });
  await logIn(admin, `${base}/admin`, "admin", adminPassword);
  await until(
    "the staff list",
    () => admin.locator('tr[data-agent="xiaoli"]').count(),
    (n) => n === 1,
  );
  await shot(admin, "admin.png");
  await admin.locator('[data-tab="widget"]').click();
  await until(
    "the widget settings",
    () => admin.locator("#widget-snippet").count(),
    (n) => n === 1,
  );
  await shot(admin, "admin-widget.png");

  for (const f of fs
    .readdirSync(OUT)
    .filter((f) => f.endsWith(".png"))
    .sort())
    console.log(path.join(path.relative(process.cwd(), OUT), f));
} finally {
  await browser.close();
  await app.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
