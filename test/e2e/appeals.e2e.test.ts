import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { staffLogin } from "../integration/ticket.helpers.js";
import { useE2e } from "../support/e2e.js";
import { staffApi } from "../support/staff.js";

// Issue 21: a complaint the postal regulator transfers (12305 申诉) shows its own clocks in the
// console, red from their warning on, and is counted apart on the dashboard. The app's clock and
// the browser's are pinned to the same instant (2031-03-04 is a Tuesday).
const NOW = new Date("2031-03-04T02:00:00Z");
const DAY = 86_400_000;

describe("12305 appeals in Chromium", () => {
  let number = "";
  const e = useE2e({ build: { now: () => NOW } }, async (t) => {
    const sup = await staffLogin(t.app, t.baseUrl, "sup", "supervisor");
    // Transferred nine days ago: the 10-day report is due tomorrow, inside its warning.
    const res = await staffApi<{ number: string }>(t.baseUrl, sup.token, "POST", "/api/integrations/tickets", {
      source: "spb12305",
      externalId: "SS-E2E-0001",
      externalRef: "申诉单 2031022300123",
      customer: { name: "王女士", phone: "13900001111" },
      waybill: "SF1438829301576",
      category: "LOSS",
      text: "快递丢了，向快递公司投诉七天没有结果，现向12305申诉",
      transferredAt: new Date(NOW.getTime() - 9 * DAY).toISOString(),
    });
    expect(res.status).toBe(201);
    number = res.body.number;
  });

  async function logIn(page: Page, path: string) {
    await page.clock.setFixedTime(NOW);
    await page.goto(`${e.t.baseUrl}${path}`);
    await page.fill("input[name=username]", "sup");
    await page.fill("input[name=password]", "pw-sup-12345");
    await page.click("#login button[type=submit]");
  }

  it("the console shows the regulator's report clock by name, red once it warns", async () => {
    const page = await e.browser.newPage({ locale: "zh-CN", viewport: { width: 1400, height: 900 } });
    await logIn(page, "/console");
    await page.locator('[data-tab="tickets"]').click();
    await page.locator(`#list li[data-ticket="${number}"]`).click();
    const clock = page.locator("#clocks > span", { hasText: "12305 申诉·10日内报送处理情况" });
    await expect.poll(() => clock.count()).toBe(1);
    expect(await clock.locator(".badge.countdown").getAttribute("class")).toContain("breach");
    await page.close();
  });

  it("the dashboard counts appeals apart: total, open and overdue", async () => {
    const page = await e.browser.newPage({ locale: "zh-CN", viewport: { width: 1440, height: 1000 } });
    await logIn(page, "/dashboard?from=2031-03-01&to=2031-03-31");
    await page.waitForSelector("body[data-loaded=true]");
    const kpi = page.locator('[data-kpi="appeals"]');
    await expect.poll(() => kpi.locator(".value").textContent()).toBe("1");
    expect(await kpi.textContent()).toContain("12305 申诉");
    expect(await kpi.textContent()).toContain("未结 1");
    await page.close();
  });
});
