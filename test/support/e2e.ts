import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import type { BuildOptions } from "../../src/app.js";
import { type DbKind, startTestApp, type TestApp } from "./app.js";
import { launchChromium } from "./browser.js";
import { createStaff } from "./staff.js";

/** The app and the browser a browser-test file shares across its cases (filled in by beforeAll). */
export interface E2e {
  t: TestApp;
  browser: Browser;
}

/**
 * One app and one Chromium per file (the suite's time budget): registers beforeAll/afterAll,
 * starts both at once, then runs `setup` on the app. Read the handle's fields inside tests only.
 */
export function useE2e(
  opts: { kind?: DbKind; env?: Record<string, string>; build?: BuildOptions } = {},
  setup?: (t: TestApp) => Promise<void>,
): E2e {
  const handle = {} as E2e;
  beforeAll(async () => {
    const [t, browser] = await Promise.all([
      startTestApp(opts.kind ?? "pglite", opts.env, opts.build),
      launchChromium(),
    ]);
    Object.assign(handle, { t, browser });
    await setup?.(t);
  });
  afterAll(async () => {
    await handle.browser?.close();
    await handle.t?.close();
  });
  return handle;
}

type StaffSpec = Parameters<typeof createStaff>[2];
type Account = Awaited<ReturnType<typeof createStaff>>;

/**
 * useE2e for a console test: an app without demo data and these staff in it (each with their
 * password, or staff-pass-123); `setup` then gets the accounts by username.
 */
export function consoleWith(
  staff: StaffSpec[],
  setup?: (t: TestApp, accounts: Record<string, Account>) => Promise<void>,
): E2e {
  return useE2e({ env: { DEMO_DATA: "false" } }, async (t) => {
    const accounts: Record<string, Account> = {};
    for (const s of staff) accounts[s.username] = await createStaff(t.app, t.baseUrl, s);
    await setup?.(t, accounts);
  });
}

/** A staff page (/console, /admin, /dashboard…) in a browser context of its own, logged in. */
export async function staffPage(
  e: E2e,
  path: string,
  username: string,
  password: string,
  viewport = { width: 1400, height: 900 },
  initScript?: () => void,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await e.browser.newContext({ locale: "zh-CN", viewport });
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  await page.goto(`${e.t.baseUrl}${path}`);
  await page.fill("input[name=username]", username);
  await page.fill("input[name=password]", password);
  await page.click("#login button[type=submit]");
  return { context, page };
}

/** The agent console, logged in with its live updates connected; `initScript` runs in the page first. */
export async function consoleAs(
  e: E2e,
  username: string,
  password: string,
  initScript?: () => void,
): Promise<{ context: BrowserContext; page: Page }> {
  const s = await staffPage(e, "/console", username, password, { width: 1400, height: 850 }, initScript);
  await expect.poll(() => s.page.locator("#live").textContent()).toBe("实时");
  return s;
}

/** A customer's web chat, connected; `say` types a message, `last` is the bot's latest message. */
export async function customerChat(e: E2e): Promise<{
  context: BrowserContext;
  page: Page;
  say(text: string): Promise<void>;
  last(): Promise<string>;
}> {
  const context = await e.browser.newContext({ locale: "zh-CN" });
  const page = await context.newPage();
  await page.goto(`${e.t.baseUrl}/`);
  await expect.poll(() => page.locator("#status").textContent()).toBe("在线");
  return {
    context,
    page,
    async say(text) {
      await page.fill("#input", text);
      await page.press("#input", "Enter");
    },
    async last() {
      return (await page.locator(".msg.out").last().textContent()) ?? "";
    },
  };
}
