import fs from "node:fs";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { seedReportFixture } from "../integration/report.fixture.js";
import { staffLogin } from "../integration/ticket.helpers.js";
import { useE2e } from "../support/e2e.js";

describe("supervisor dashboard in Chromium", () => {
  const e = useE2e({}, async (t) => {
    await staffLogin(t.app, t.baseUrl, "sup", "supervisor");
    const li = await staffLogin(t.app, t.baseUrl, "li", "agent", ["logistics"]);
    const wang = await staffLogin(t.app, t.baseUrl, "wang", "agent", ["after_sales"]);
    await seedReportFixture(t.app, li.id, wang.id);
    // Issue 23: one of the five complaints lies at 杭州's transfer centre; the others have no place.
    await t.app.db.prisma.ticket.update({
      where: { number: "202603-00001" },
      data: { provinceCode: "330000", cityCode: "330100", stage: "transit" },
    });
  });

  async function logIn(page: Page, username: string, password: string, query = "") {
    await page.goto(`${e.t.baseUrl}/dashboard?from=2026-03-02&to=2026-03-03${query}`);
    await page.fill("input[name=username]", username);
    await page.fill("input[name=password]", password);
    await page.click("#login button[type=submit]");
  }

  it("renders the figures, red line, charts and drill-down with data; keeps a screenshot", async () => {
    const page = await e.browser.newPage({ locale: "zh-CN", viewport: { width: 1440, height: 1000 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await logIn(page, "sup", "pw-sup-12345");
    await page.waitForSelector("body[data-loaded=true]");

    const sat = page.locator('[data-kpi="satisfactionRate"]');
    await expect.poll(() => sat.locator(".value").textContent()).toBe("66.7%");
    expect(await sat.getAttribute("class")).toContain("red"); // below the 80% red line
    expect(await page.locator('[data-kpi="complaints"] .value').textContent()).toBe("5");
    expect(await page.locator('[data-kpi="ratePer10k"] .value').textContent()).toBe("100.00");
    expect(await page.locator('.alert.red[data-code="SATISFACTION_RED_LINE"]').count()).toBe(1);
    // Issue 18: the alert banner in the viewer's language.
    const en = await e.browser.newPage({ locale: "en" });
    await logIn(en, "sup", "pw-sup-12345", "&lang=en");
    await en.waitForSelector("body[data-loaded=true]");
    expect(await en.locator('.alert.red[data-code="SATISFACTION_RED_LINE"]').textContent()).toMatch(
      /^Satisfaction 66\.7% is below the red line of 80%/,
    );
    await en.close();
    // ECharts drew every chart (served from the installed package).
    for (const id of ["chart-trend", "chart-category", "chart-satisfaction", "chart-sla"])
      await expect.poll(() => page.locator(`#${id} canvas`).count()).toBeGreaterThan(0);
    expect(await page.locator("#no-charts").isHidden()).toBe(true);
    expect(await page.locator("#agents-table tbody tr").count()).toBe(2);
    expect(await page.locator("#comments li").first().textContent()).toContain("=太慢了");
    // Where complaints come from (issue 23): the stage counts and the city table with shares.
    expect(await page.locator('#stages li[data-stage="transit"] .num').textContent()).toBe("1");
    expect(await page.locator('#stages li[data-stage="unknown"] .num').textContent()).toBe("4");
    expect(await page.locator('#places-table tr[data-city="330100"]').textContent()).toBe("浙江省杭州市120.0%");
    expect(await page.locator('#places-table tr[data-city="unknown"]').textContent()).toBe("地区未知480.0%");

    fs.mkdirSync("test-results", { recursive: true });
    await page.screenshot({ path: "test-results/dashboard.png", fullPage: true });

    // Drill-down: the complaints figure opens the five tickets behind it, linked to the console.
    await page.click('[data-kpi="complaints"]');
    await page.waitForSelector("#drill:not([hidden])");
    expect(await page.locator("#drill-table tbody tr").count()).toBe(5);
    expect(await page.locator("#drill-table tbody a").first().getAttribute("href")).toMatch(
      /^\/console\?ticket=202603-\d{5}$/,
    );
    await page.screenshot({ path: "test-results/dashboard-drill.png" });
    await page.click("#drill-close");
    // Filtering by an agent from the table.
    await page.locator("#agents-table tbody tr", { hasText: "wang" }).click();
    await expect.poll(() => page.locator('[data-kpi="complaints"] .value').textContent()).toBe("1");
    expect(errors).toEqual([]);
    await page.close();
  });

  // Issue 18: the satisfaction donut's labels stay whole (not cut to "…"), inside the chart and
  // clear of its legend and of each other, in both languages and on narrower screens — read
  // from the text ECharts drew.
  it("the donut's labels are not clipped and do not overlap the legend", async () => {
    type Box = { full: string; shown: string; x: number; y: number; w: number; h: number };
    for (const [query, width] of [
      ["", 1440],
      ["&lang=en", 1440],
      ["&lang=en", 1100],
      ["", 900],
    ] as const) {
      const page = await e.browser.newPage({ locale: "zh-CN", viewport: { width, height: 1000 } });
      await logIn(page, "sup", "pw-sup-12345", query);
      await page.waitForSelector("body[data-loaded=true]");
      await expect.poll(() => page.locator("#chart-satisfaction canvas").count()).toBeGreaterThan(0);
      const drawn = await page.evaluate(() => {
        const el = document.getElementById("chart-satisfaction")!;
        // biome-ignore lint/suspicious/noExplicitAny: ECharts' global and zrender's elements
        const chart = (window as any).echarts.getInstanceByDom(el);
        // biome-ignore lint/suspicious/noExplicitAny: zrender elements
        const texts = new Map<any, string[]>();
        for (const x of chart.getZr().storage.getDisplayList())
          if (x.type === "tspan" && x.parent?.type === "text" && !x.parent.ignore && !x.parent.invisible)
            texts.set(x.parent, [...(texts.get(x.parent) ?? []), String(x.style.text)]);
        return {
          width: el.clientWidth,
          height: el.clientHeight,
          texts: [...texts].map(([t, lines]) => {
            const r = t.getBoundingRect().clone();
            if (t.transform) r.applyTransform(t.transform);
            return { full: String(t.style.text), shown: lines.join("\n"), x: r.x, y: r.y, w: r.width, h: r.height };
          }),
        };
      });
      const labels: Box[] = drawn.texts.filter((t) => t.full.includes("%"));
      const legend: Box[] = drawn.texts.filter((t) => !t.full.includes("%"));
      const where = `${query || "zh"} ${width}px`;
      expect([where, labels.length, legend.length]).toEqual([where, 3, 3]);
      const overlaps = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
      for (const l of [...labels, ...legend]) expect([where, l.shown]).toEqual([where, l.full]);
      for (const l of labels) {
        const inside = l.x >= 0 && l.y >= 0 && l.x + l.w <= drawn.width && l.y + l.h <= drawn.height;
        expect([where, l.full, inside]).toEqual([where, l.full, true]);
        for (const g of legend) expect([where, l.full, g.full, overlaps(l, g)]).toEqual([where, l.full, g.full, false]);
        for (const o of labels)
          if (o !== l) expect([where, l.full, o.full, overlaps(l, o)]).toEqual([where, l.full, o.full, false]);
      }
      await page.close();
    }
  });

  // Tried as a new carrier on an empty period: the satisfaction ring showed equal thirds
  // (satisfied / basically / dissatisfied) for 0 surveys, and the SLA gauges pointed at 0%.
  it("a period with no complaints or surveys says so instead of drawing a ring of thirds and 0% gauges", async () => {
    const page = await e.browser.newPage({ locale: "zh-CN", viewport: { width: 1366, height: 768 } });
    await page.goto(`${e.t.baseUrl}/dashboard?from=2025-01-06&to=2025-01-07`);
    await page.fill("input[name=username]", "sup");
    await page.fill("input[name=password]", "pw-sup-12345");
    await page.click("#login button[type=submit]");
    await page.waitForSelector("body[data-loaded=true]");
    expect(await page.locator('[data-kpi="complaints"] .value').textContent()).toBe("0");
    for (const id of ["chart-trend", "chart-category", "chart-satisfaction", "chart-sla"]) {
      const note = page.locator(`.chart-empty[data-for="${id}"]`);
      await expect.poll(() => note.isVisible()).toBe(true);
      expect(await note.textContent()).toBe("所选期间暂无数据");
    }
    // Back to the period with data: the charts are drawn again and the notes are gone.
    await page.fill("#from", "2026-03-02");
    await page.fill("#to", "2026-03-03");
    await page.click("#filters button[type=submit]");
    await expect.poll(() => page.locator(".chart-empty").count()).toBe(0);
    await page.close();
  });

  it("speaks English with ?lang=en", async () => {
    const page = await e.browser.newPage({ locale: "zh-CN" });
    await logIn(page, "sup", "pw-sup-12345", "&lang=en");
    await page.waitForSelector("body[data-loaded=true]");
    expect(await page.locator('[data-kpi="satisfactionRate"] .label').textContent()).toBe("Satisfaction");
    expect(await page.title()).toBe("Dashboard");
    await page.close();
  });

  it("an agent is told the dashboard is for supervisors", async () => {
    const page = await e.browser.newPage({ locale: "zh-CN" });
    await logIn(page, "li", "pw-li-12345");
    await page.waitForSelector("#forbidden:not([hidden])");
    expect(await page.locator("#kpis .kpi").count()).toBe(0);
    // Issue 18: only the sentence, no empty charts, filters or export buttons that would answer 403.
    expect(await page.locator("#forbidden").textContent()).toContain("仅对主管和管理员开放");
    for (const hidden of [".charts", ".tables", "#filters", "#export-tickets", "#export-surveys", "#export-requests"])
      expect([hidden, await page.locator(hidden).first().isVisible()]).toEqual([hidden, false]);
    await page.close();
  });
});
