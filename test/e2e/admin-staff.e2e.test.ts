import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { staffPage, useE2e } from "../support/e2e.js";
import { createStaff, login, staffApi } from "../support/staff.js";

// Issue 18: the admin pages in words, not codes — roles, groups, presence, SLA policies and
// calendars, the audit log's actors, actions and details — in Chinese first and in English.
describe("admin pages in words (Chromium)", () => {
  let xiaoliId = "";
  const e = useE2e({ env: { DEMO_DATA: "false" } }, async (t) => {
    const admin = await login(t.baseUrl, "admin", "admin-pass-123");
    const xiaoli = await createStaff(t.app, t.baseUrl, {
      username: "xiaoli",
      displayName: "小李",
      role: "agent",
      password: "xiaoli-pass-1",
    });
    xiaoliId = xiaoli.id;
    // Groups by their real names (the seeded routing groups), and an audited change.
    const changed = await staffApi(t.baseUrl, admin, "PATCH", `/api/admin/agents/${xiaoli.id}`, {
      role: "supervisor",
      groups: ["logistics", "after_sales"],
    });
    expect(changed.status).toBe(200);
    const back = await staffApi(t.baseUrl, admin, "PATCH", `/api/admin/agents/${xiaoli.id}`, { role: "agent" });
    expect(back.status).toBe(200);
  });

  const open = async (path: string, lang = ""): Promise<Page> => {
    const { page } = await staffPage(e, `${path}${lang}`, "admin", "admin-pass-123");
    await expect.poll(() => page.locator("#me").textContent(), { timeout: 10_000 }).not.toBe("");
    return page;
  };

  it("staff: role, groups and presence in words; the header names the admin's role", async () => {
    const page = await open("/admin");
    expect(await page.locator("#me").textContent()).toBe("管理员（管理员）");
    const row = page.locator('#panel tr[data-agent="xiaoli"]');
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    const cells = await row.locator("td").allTextContents();
    expect(cells.slice(0, 5)).toEqual(["xiaoli", "小李", "坐席", "物流配送、售后服务", "离线"]);
    expect(await page.locator("#agent-form select[name=role] option").allTextContents()).toEqual([
      "坐席",
      "主管",
      "管理员",
    ]);
    await page.context().close();
  });

  it("SLA policies by name, clock, calendar in words", async () => {
    const page = await open("/admin");
    await page.locator('[data-tab="sla"]').click();
    const row = (name: string) => page.locator(`#panel tr[data-policy="${name}"] td`);
    await expect.poll(() => row("first_response").count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect((await row("first_response").allTextContents()).slice(0, 5)).toEqual([
      "投诉·首次响应",
      "首次响应",
      "全部",
      "全部",
      "全部",
    ]);
    expect(await row("appeal_mediation").nth(6).textContent()).toBe("工作日 09:00–18:00");
    expect(await row("urge_resolution").first().textContent()).toBe("催件·解决时限");
    expect(await row("resolution_urgent").nth(3).textContent()).toBe("紧急");
    await page.context().close();
  });

  it("the audit log: who by name, what in words, details as text (not JSON)", async () => {
    const page = await open("/admin");
    await page.locator('[data-tab="audit"]').click();
    const rows = page.locator("#panel tr", { has: page.locator('[data-action="agent.update"]') });
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    // Newest first: the role put back, then the first change.
    const first = await rows.nth(1).locator("td").allTextContents();
    expect(first.slice(1)).toEqual(["管理员", "修改账号", "账号 小李", "角色：主管；小组：物流配送、售后服务"]);
    const login = page.locator("#panel tr", { has: page.locator('[data-action="login"]') }).first();
    await expect.poll(() => login.count()).toBe(1);
    expect(await login.locator("td").nth(2).textContent()).toBe("登录");
    expect(await page.locator("#panel").textContent()).not.toContain("{");
    await page.context().close();
  });

  it("in English", async () => {
    const page = await open("/admin", "?lang=en");
    expect(await page.locator("#me").textContent()).toBe("管理员 (Administrator)");
    const row = page.locator('#panel tr[data-agent="xiaoli"]');
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    expect((await row.locator("td").allTextContents()).slice(2, 5)).toEqual([
      "Agent",
      "Logistics & delivery, After-sales service",
      "Offline",
    ]);
    await page.locator('[data-tab="sla"]').click();
    const policy = page.locator('#panel tr[data-policy="first_response"] td').first();
    await expect.poll(() => policy.textContent(), { timeout: 10_000 }).toBe("Complaint: first response");
    await page.locator('[data-tab="audit"]').click();
    const update = page.locator("#panel tr", { has: page.locator('[data-action="agent.update"]') }).nth(1);
    await expect.poll(() => update.count(), { timeout: 10_000 }).toBe(1);
    expect((await update.locator("td").allTextContents()).slice(2)).toEqual([
      "Changed an account",
      "Account 小李",
      "Role: Supervisor; Groups: Logistics & delivery, After-sales service",
    ]);
    await page.context().close();
  });

  it("the console's header names the agent's role in words", async () => {
    const { page } = await staffPage(e, "/console", "xiaoli", "xiaoli-pass-1");
    await expect.poll(() => page.locator("#me").textContent(), { timeout: 10_000 }).toBe("小李（坐席）");
    expect(xiaoliId).not.toBe("");
    await page.context().close();
  });
});
