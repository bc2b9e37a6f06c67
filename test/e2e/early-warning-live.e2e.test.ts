import { describe, expect, it } from "vitest";
import { STAGES } from "../../src/places/stage.js";
import { ROLLUP_KEY } from "../../src/reports/report.rollup.js";
import { CITIES } from "../integration/report-cities.fixture.js";
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
    const db = t.app.db.prisma;
    const customer = await db.customer.create({ data: { phone: "13700004444" } });
    let seq = 0;
    const rows = [];
    const windowStart = END.getTime() - 6 * HOUR;
    const row = (createdAt: Date, city: (typeof CITIES)[number], stage: string) => ({
      number: `202610-${String(++seq).padStart(5, "0")}`,
      category: "DELAY",
      groupCode: "logistics",
      customerId: customer.id,
      channel: "webchat",
      description: "快递延误",
      provinceCode: city.provinceCode,
      cityCode: city.cityCode,
      stage,
      createdAt,
    });
    for (const [c, city] of CITIES.entries()) {
      for (let i = 0; i < 28; i++)
        rows.push(row(new Date(windowStart - (i + 1) * 6 * HOUR + c * 60_000), city, STAGES[(c + i) % 4]!));
      rows.push(row(new Date(windowStart + HOUR + c * 60_000), city, STAGES[c % 4]!));
    }
    for (let i = 0; i < 12; i++) rows.push(row(new Date(windowStart + 2 * HOUR + i * 60_000), CITIES[29]!, "transit"));
    await db.ticket.createMany({ data: rows });
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
