import { describe, expect, it } from "vitest";
import { ROLLUP_KEY } from "../../src/reports/report.rollup.js";
import { seedCitySpike } from "../integration/report-cities.fixture.js";
import { staffLogin } from "../integration/ticket.helpers.js";
import { useE2e } from "../support/e2e.js";

const HOUR = 3_600_000;
const END = new Date("2026-10-20T12:00:00+08:00");

// Issue 23: a supervisor with the dashboard open sees 投诉预警 for a city and a stage appear as the
// check detects them, without reloading.
describe("early-warning alerts live on the dashboard in Chromium", () => {
  let now = new Date(END.getTime() - 7 * HOUR);
  const e = useE2e({ env: { DEMO_DATA: "false" }, build: { now: () => now } }, async (t) => {
    await t.app.scheduler.cancel(ROLLUP_KEY);
    await t.app.scheduler.cancel("early-warning:check");
    await staffLogin(t.app, t.baseUrl, "ew-sup", "supervisor");
    await seedCitySpike(t.app.db.prisma, END, "13700004444");
  });

  it("the city's and the stage's alerts appear on the open dashboard", async () => {
    const page = await e.browser.newPage({ locale: "zh-CN", viewport: { width: 1440, height: 1000 } });
    await page.goto(`${e.t.baseUrl}/dashboard?from=2026-10-01&to=2026-10-19`);
    await page.fill("input[name=username]", "ew-sup");
    await page.fill("input[name=password]", "pw-ew-sup-12345");
    await page.click("#login button[type=submit]");
    await page.waitForSelector("body[data-loaded=true]");
    await page.waitForSelector("body[data-live=true]");
    expect(await page.locator(".alert.live").count()).toBe(0);
    now = END;
    expect((await e.t.app.earlyWarning.check()).length).toBe(2);
    const city = page.locator('.alert.live[data-code="COMPLAINT_SPIKE_REGION"][data-city="330700"]');
    await expect.poll(() => city.count(), { timeout: 10_000 }).toBe(1);
    expect(await city.textContent()).toMatch(/^投诉预警：浙江省金华市 近 6 小时 13 件/);
    await expect
      .poll(() => page.locator('.alert.live[data-code="COMPLAINT_SPIKE_STAGE"][data-stage="transit"]').count())
      .toBe(1);
    await page.close();
  });
});
