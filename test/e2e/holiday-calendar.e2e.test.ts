import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { BUILTIN_YEARS } from "../../src/sla/holidays.js";
import { staffPage, useE2e } from "../support/e2e.js";
import { createStaff, login, staffApi } from "../support/staff.js";

// Issue 19: on the last day of the holiday data the admin page and the dashboard say it runs
// out, and a ticket's clock counted Monday–Friday for want of data carries a note in the console.
describe("holiday calendar warnings in Chromium", () => {
  const LAST = Math.max(...BUILTIN_YEARS);
  let number = "";

  // Pinned: 31 December 17:00 of the last year chinese-days covers.
  const e = useE2e(
    { env: { DEMO_DATA: "false" }, build: { now: () => new Date(`${LAST}-12-31T17:00:00+08:00`) } },
    async (t) => {
      const admin = await login(t.baseUrl, "admin", "admin-pass-123");
      await createStaff(t.app, t.baseUrl, {
        username: "zhuguan",
        role: "supervisor",
        groups: ["logistics"],
        password: "zhuguan-pass-1",
      });
      const policy = await staffApi(t.baseUrl, admin, "PUT", "/api/sla/policies/biz_resolution", {
        kind: "resolution",
        targetMinutes: 120,
        calendarId: "business",
        rank: 100,
      });
      expect(policy.status).toBe(200);
      const created = await staffApi<{ number: string }>(t.baseUrl, admin, "POST", "/api/tickets", {
        category: "DELAY",
        description: "快递延误三天了",
        customerPhone: "13800138000",
      });
      expect(created.status).toBe(201);
      number = created.body.number;
    },
  );

  const logIn = async (path: string, username: string, password: string): Promise<Page> =>
    (await staffPage(e, path, username, password)).page;

  it("the admin page and the dashboard show the banner; the admin 节假日 tab says how far the data reaches", async () => {
    const admin = await logIn("/admin", "admin", "admin-pass-123");
    const banner = admin.locator(".calendar-banner");
    await expect.poll(() => banner.count(), { timeout: 10_000 }).toBe(1);
    expect(await banner.textContent()).toContain(`${LAST}-12-31`);
    expect(await banner.getAttribute("data-calendar")).toBe("warning");
    await admin.locator('[data-tab="holidays"]').click();
    await expect.poll(() => admin.locator("#panel").textContent()).toContain(`${LAST + 1}`);
    await admin.close();

    const dashboard = await logIn("/dashboard", "zhuguan", "zhuguan-pass-1");
    await expect.poll(() => dashboard.locator(".calendar-banner").count(), { timeout: 10_000 }).toBe(1);
    expect(await dashboard.locator(".calendar-banner").textContent()).toContain("周一至周五");
    await dashboard.close();
  });

  it("the console's ticket detail notes a clock counted Monday–Friday, and only that one", async () => {
    const page = await logIn("/console", "zhuguan", "zhuguan-pass-1");
    await expect.poll(() => page.locator("#live").textContent()).toBe("实时");
    await page.locator('[data-tab="tickets"]').click();
    const row = page.locator(`#list li[data-ticket="${number}"]`);
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    await row.click();
    const notes = page.locator("#clocks .calendar-fallback");
    await expect.poll(() => notes.count(), { timeout: 10_000 }).toBe(1);
    expect(await notes.textContent()).toBe("节假日数据缺失，按周一至周五及法定节假日计算（不含调休）");
    expect(await page.locator('#clocks span[title="biz_resolution"] .calendar-fallback').count()).toBe(1);
    await page.close();
  });

  it("an admin loads the next year in the 节假日 tab (one line per day): the banner goes, the clock loses its note", async () => {
    const next = LAST + 1;
    const admin = await logIn("/admin", "admin", "admin-pass-123");
    await admin.locator('[data-tab="holidays"]').click();
    await admin.fill("#panel input[name=year]", String(next));
    await admin.fill("#panel textarea[name=days]", `${next}-01-01 休 测试假日\n${next}-01-09 班 测试调休`);
    await admin.locator("#panel button", { hasText: "保存该年安排" }).click();
    await expect
      .poll(() => admin.locator("#panel tbody tr").allTextContents(), { timeout: 10_000 })
      .toEqual([expect.stringMatching(new RegExp(`^${next}11form`))]);
    await admin.reload();
    await admin.waitForSelector("#calendar-banner[data-checked]", { state: "attached" });
    expect(await admin.locator(".calendar-banner").count()).toBe(0);
    await admin.close();
    const ticket = await staffApi<{ slaClocks: { policy: string; calendarFallback: boolean }[] }>(
      e.t.baseUrl,
      await login(e.t.baseUrl, "admin", "admin-pass-123"),
      "GET",
      `/api/tickets/${number}`,
    );
    expect(ticket.body.slaClocks.find((c) => c.policy === "biz_resolution")?.calendarFallback).toBe(false);
  });
});
