import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { api, staffLogin } from "../integration/ticket.helpers.js";
import { useE2e } from "../support/e2e.js";

// Issue 23: the dashboard's period comparison (003 §9.2.2), the sortable province and outlet tables
// and their drill-down to the tickets, over a pinned week and the one before.
describe("dashboard by place, outlet and period in Chromium", () => {
  const hz: string[] = [];
  const e = useE2e(
    { env: { DEMO_DATA: "false" }, build: { now: () => new Date("2026-11-30T03:30:00Z") } },
    async (t) => {
      const admin = await staffLogin(t.app, t.baseUrl, "dp-admin", "admin");
      await staffLogin(t.app, t.baseUrl, "dp-sup", "supervisor");
      const imported = await fetch(`${t.baseUrl}/api/admin/outlets/import`, {
        method: "POST",
        headers: { "content-type": "text/csv", authorization: `Bearer ${admin.token}` },
        // Per 10,000 parcels: HZ1 2 in 2,800 that week (7/30 of November: 7.14), BJ1 1 in 280 (35.71): fewer but worse.
        body: "code,name,month,shipments\nHZ1,杭州一号网点,2026-11,12000\nBJ1,北京一号网点,2026-11,1200\n",
      });
      expect(imported.status).toBe(200);
      let phone = 0;
      const open = async (category: string, place: Record<string, unknown>, createdAt?: string) => {
        const made = await api<{ number: string }>(t.baseUrl, "POST", "/api/tickets", admin.token, {
          category,
          description: `${category} 投诉`,
          customerPhone: `1390000${String(phone++).padStart(4, "0")}`,
        });
        await api(t.baseUrl, "PUT", `/api/tickets/${made.body.number}/place`, admin.token, place);
        if (createdAt)
          await t.app.db.prisma.ticket.update({
            where: { number: made.body.number },
            data: { createdAt: new Date(createdAt) },
          });
        return made.body.number;
      };
      hz.push(await open("DELAY", { place: "杭州", stage: "transit", outlet: "HZ1" }, "2026-11-25T02:00:00Z"));
      hz.push(await open("DELAY", { place: "杭州", stage: "transit", outlet: "HZ1" }, "2026-11-26T02:00:00Z"));
      await open("LOSS", { place: "北京", stage: "delivery", outlet: "BJ1" }, "2026-11-27T02:00:00Z");
      // The week before: 3 LOSS in 北京, none in 杭州.
      for (const day of ["18", "19", "20"])
        await open("LOSS", { place: "北京", stage: "delivery" }, `2026-11-${day}T02:00:00Z`);
    },
  );

  async function dashboard(): Promise<Page> {
    const page = await e.browser.newPage({ locale: "zh-CN", viewport: { width: 1440, height: 1000 } });
    // 24–30 November (Monday to Sunday, China time); the period before is 17–23 November.
    await page.goto(`${e.t.baseUrl}/dashboard?from=2026-11-24&to=2026-11-30`);
    await page.fill("input[name=username]", "dp-sup");
    await page.fill("input[name=password]", "pw-dp-sup-12345");
    await page.click("#login button[type=submit]");
    await page.waitForSelector("body[data-loaded=true]");
    return page;
  }

  it("compares this week with the last by category, stage and province, biggest rise first", async () => {
    const page = await dashboard();
    await expect.poll(() => page.locator("#compare-table").count()).toBe(1);
    expect(await page.locator("#compare-period").textContent()).toBe("上期：2026-11-17 – 2026-11-23（与本期等长）");
    const rows = page.locator("#compare-table tbody tr");
    expect(await rows.first().getAttribute("data-compare")).toMatch(/^(category:DELAY|stage:transit|province:330000)$/);
    expect(await page.locator('#compare-table tr[data-compare="category:DELAY"]').textContent()).toBe(
      "类别延误20+2 (↑)",
    );
    expect(await page.locator('#compare-table tr[data-compare="stage:delivery"]').textContent()).toBe(
      "环节派送13−2 (−66.7%)",
    );
    expect(await page.locator('#stages li[data-stage="transit"] .delta').textContent()).toBe(" +2 (↑)");
    // Provinces: most complaints first; sorted by the last period's count on a click.
    const provinces = () =>
      page.locator("#provinces-table tbody tr").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-province")));
    expect(await provinces()).toEqual(["330000", "110000"]);
    // Parcels and complaints per 10,000 come from the stored tracking: none here, so "—".
    expect(await page.locator('#provinces-table th[data-sort="ratePer10k"]').textContent()).toContain("每万件");
    expect(await page.locator('#provinces-table tr[data-province="330000"] td').allTextContents()).toEqual([
      "浙江省",
      "2",
      "66.7%",
      "—",
      "—",
      "0",
      "+2 (↑)",
    ]);
    await page.locator('#provinces-table th[data-sort="before"]').click();
    expect(await provinces()).toEqual(["110000", "330000"]);
    expect(await page.locator('#provinces-table th[data-sort="before"]').getAttribute("aria-sort")).toBe("descending");
    await page.close();
  });

  it("ranks outlets, sorts by complaints per 10,000 parcels on a click, and a row opens its tickets", async () => {
    const page = await dashboard();
    const outlets = () =>
      page.locator("#outlets-table tbody tr").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-outlet")));
    await expect.poll(outlets).toEqual(["HZ1", "BJ1"]);
    expect(await page.locator('#outlets-table tr[data-outlet="HZ1"]').textContent()).toBe(
      "HZ1杭州一号网点2002,8007.14",
    );
    await page.locator('#outlets-table th[data-sort="ratePer10k"]').click();
    expect(await outlets()).toEqual(["BJ1", "HZ1"]);
    await page.locator('#outlets-table th[data-sort="ratePer10k"]').click();
    expect(await outlets()).toEqual(["HZ1", "BJ1"]);
    await page.locator('#outlets-table tr[data-outlet="HZ1"]').click();
    await expect.poll(() => page.locator("#drill").isVisible()).toBe(true);
    expect(await page.locator("#drill-title").textContent()).toContain("HZ1");
    const listed = await page.locator("#drill-table tbody tr td:first-child").allTextContents();
    expect(listed.sort()).toEqual([...hz].sort());
    await page.close();
  });

  it("shades the provinces on a China map by complaints, keyed by GB/T 2260 code", async () => {
    const page = await dashboard();
    await expect
      .poll(() => page.locator("#provinces-map").getAttribute("data-provinces"), { timeout: 10_000 })
      .toBe("2");
    const data = await page.evaluate(() => {
      const w = window as unknown as {
        echarts: {
          getInstanceByDom(el: Element): {
            getOption(): { series: { map: string; data: { name: string; value: number }[] }[] };
          };
        };
      };
      const el = document.querySelector("#provinces-map");
      const series = el ? w.echarts.getInstanceByDom(el).getOption().series[0] : undefined;
      return series ? { map: series.map, data: series.data } : null;
    });
    expect(data?.map).toBe("china-gbt");
    // ECharts lists every region of the map; the provinces with complaints carry their count.
    expect(
      data?.data
        .filter((d) => typeof d.value === "number" && Number.isFinite(d.value))
        .map((d) => [d.name, d.value])
        .sort(),
    ).toEqual([
      ["110000", 1],
      ["330000", 2],
    ]);
    // The map is drawn from the package's provinces (34, 浙江 among them), keyed by GB/T 2260 code.
    const geo = (await (await fetch(`${e.t.baseUrl}/vendor/china-provinces.geojson`)).json()) as {
      features: { id: string; properties: { name: string } }[];
    };
    expect(geo.features).toHaveLength(34);
    expect(geo.features.find((f) => f.id === "330000")?.properties.name).toBe("浙江");
    await page.close();
  });

  it("a click on 浙江 on the map opens its cities and its tickets; a city opens its own", async () => {
    const page = await dashboard();
    await expect
      .poll(() => page.locator("#provinces-map").getAttribute("data-provinces"), { timeout: 10_000 })
      .toBe("2");
    await page.locator("#provinces-map").scrollIntoViewIfNeeded();
    // Where a supervisor would click: a point inside 浙江 (金华, 119.6°E 29.1°N), as the chart draws it.
    const at = await page.evaluate(() => {
      const w = window as unknown as {
        echarts: { getInstanceByDom(el: Element): { convertToPixel(f: object, v: number[]): number[] } };
      };
      const el = document.querySelector("#provinces-map");
      return el ? w.echarts.getInstanceByDom(el).convertToPixel({ seriesIndex: 0 }, [119.6, 29.1]) : null;
    });
    const box = await page.locator("#provinces-map").boundingBox();
    if (!at || !box) throw new Error("no map");
    await page.mouse.click(box.x + (at[0] ?? 0), box.y + (at[1] ?? 0));
    await expect.poll(() => page.locator("#drill").isVisible(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => page.locator("#drill-title").textContent(), { timeout: 10_000 }).toBe("全部投诉 · 浙江省");
    // Its cities, with complaints (and parcels and per 10,000 when tracking counted them: none here).
    expect(
      await page.locator("#drill-cities tbody tr").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-city"))),
    ).toEqual(["330100"]);
    expect(await page.locator('#drill-cities tr[data-city="330100"] td').allTextContents()).toEqual([
      "杭州市",
      "2",
      "—",
      "—",
    ]);
    const listed = () => page.locator("#drill-table tbody tr td:first-child").allTextContents();
    expect((await listed()).sort()).toEqual([...hz].sort());
    await page.locator('#drill-cities tr[data-city="330100"]').click();
    await expect
      .poll(() => page.locator("#drill-title").textContent(), { timeout: 10_000 })
      .toBe("全部投诉 · 浙江省 杭州市");
    expect((await listed()).sort()).toEqual([...hz].sort());
    expect(await page.locator("#drill-cities").count()).toBe(0);
    await page.close();
  });
});
