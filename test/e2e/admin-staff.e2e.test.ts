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

  // Tried as a new carrier: every staff page logged "Failed to load resource: 404" (the browser's
  // /favicon.ico), which hides real errors from whoever opens the console's devtools.
  it("the staff pages load with no error in the browser console, and /admin fits 800 px", async () => {
    for (const path of ["/admin", "/console", "/dashboard"]) {
      // At 800 px (tried so: the thirteen admin tabs made the page 1,100 px wide, 发送失败 off screen).
      const context = await e.browser.newContext({ locale: "zh-CN", viewport: { width: 800, height: 900 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(`${path}: ${m.text()}`);
      });
      await page.goto(`${e.t.baseUrl}${path}`);
      await page.fill("input[name=username]", "admin");
      await page.fill("input[name=password]", "admin-pass-123");
      await page.click("#login button[type=submit]");
      await expect.poll(() => page.locator("#me").textContent(), { timeout: 10_000 }).not.toBe("");
      await page.waitForLoadState("networkidle");
      expect(errors).toEqual([]);
      if (path === "/admin") {
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(800);
        const last = await page.locator('[data-tab="dead"]').boundingBox();
        expect(last!.x + last!.width).toBeLessThanOrEqual(800);
      }
      await context.close();
    }
  });

  it("staff: role, groups and presence in words; the header names the admin's role", async () => {
    const page = await open("/admin");
    expect(await page.locator("#me").textContent()).toBe("管理员（管理员）");
    const row = page.locator('#panel tr[data-agent="xiaoli"]');
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    const cells = await row.locator("td").allTextContents();
    expect(cells.slice(0, 5)).toEqual(["xiaoli", "小李", "坐席", "售后服务、物流配送", "离线"]);
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
      "After-sales service, Logistics & delivery",
      "Offline",
    ]);
    expect(await row.locator("td.actions button").allTextContents()).toEqual(["Edit", "Reset password", "Disable"]);
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

  it("the groups of a new account: every group a visible checkbox, none clipped", async () => {
    const page = await open("/admin");
    const box = page.locator('#agent-form [data-field="groups"]');
    await expect.poll(() => box.locator("input[type=checkbox]").count(), { timeout: 10_000 }).toBe(4);
    expect(await box.locator("label").allTextContents()).toEqual(
      ["售后服务", "法务", "物流配送", "产品质量"].map((n) => ` ${n}`),
    );
    expect(await box.evaluate((el) => el.scrollHeight <= el.clientHeight && el.scrollWidth <= el.clientWidth)).toBe(
      true,
    );
    const outer = (await box.boundingBox())!;
    for (const label of await box.locator("label").all()) {
      const b = (await label.boundingBox())!;
      expect(b.y + b.height).toBeLessThanOrEqual(outer.y + outer.height + 0.5);
      expect(b.x + b.width).toBeLessThanOrEqual(outer.x + outer.width + 0.5);
    }
    await page.context().close();
  });

  it("an admin edits an account's name, role and groups in /admin", async () => {
    const page = await open("/admin");
    const row = page.locator('#panel tr[data-agent="xiaoli"]');
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    await row.locator('[data-do="edit"]').click();
    const form = page.locator('#agent-edit[data-agent="xiaoli"]');
    expect(await form.locator("input[name=displayName]").inputValue()).toBe("小李");
    expect(
      await form
        .locator("input[name=groups]:checked")
        .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)),
    ).toEqual(["after_sales", "logistics"]);
    await form.locator("input[name=displayName]").fill("李晓");
    await form.locator("select[name=role]").selectOption({ label: "主管" });
    await form.locator('input[name=groups][value="after_sales"]').uncheck();
    await form.locator('input[name=groups][value="legal"]').check();
    await form.locator("button[type=submit]").click();
    await expect
      .poll(async () => (await page.locator('#panel tr[data-agent="xiaoli"] td').allTextContents()).slice(1, 4), {
        timeout: 10_000,
      })
      .toEqual(["李晓", "主管", "法务、物流配送"]);
    expect(await page.locator("#agent-edit").count()).toBe(0);
    // The audit log has it, in words.
    await page.locator('[data-tab="audit"]').click();
    const latest = page.locator("#panel tr", { has: page.locator('[data-action="agent.update"]') }).first();
    await expect.poll(() => latest.count(), { timeout: 10_000 }).toBe(1);
    expect((await latest.locator("td").allTextContents()).slice(3)).toEqual([
      "账号 李晓",
      "角色：主管；小组：法务、物流配送；姓名：李晓",
    ]);
    // The account works with its new role at once.
    const token = await login(e.t.baseUrl, "xiaoli", "xiaoli-pass-1");
    const me = await staffApi<{ role: string; groups: string[] }>(e.t.baseUrl, token, "GET", "/api/auth/me");
    expect([me.body.role, [...me.body.groups].sort()]).toEqual(["supervisor", ["legal", "logistics"]]);
    await page.context().close();
  });

  it("an admin resets a password: a new one shown once, the old password and sessions stop working", async () => {
    const old = await login(e.t.baseUrl, "xiaoli", "xiaoli-pass-1");
    expect((await staffApi(e.t.baseUrl, old, "GET", "/api/auth/me")).status).toBe(200);
    const page = await open("/admin");
    const row = page.locator('#panel tr[data-agent="xiaoli"]');
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    let asked = "";
    page.once("dialog", (d) => {
      asked = d.message();
      void d.accept();
    });
    await row.locator('[data-do="reset"]').click();
    const shown = page.locator("#new-password pre.secret");
    await expect.poll(() => shown.count(), { timeout: 10_000 }).toBe(1);
    expect(asked).toContain("李晓");
    expect(await page.locator("#new-password p").textContent()).toBe("「李晓」的新密码（仅显示这一次，请转交本人）：");
    const fresh = (await shown.textContent()) ?? "";
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{16}$/);
    // The old session, at once; the old password; the new one works.
    expect((await staffApi<{ error: { code: string } }>(e.t.baseUrl, old, "GET", "/api/auth/me")).status).toBe(401);
    await expect(login(e.t.baseUrl, "xiaoli", "xiaoli-pass-1")).rejects.toThrow(/401/);
    expect(await login(e.t.baseUrl, "xiaoli", fresh)).toMatch(/.+/);
    // Shown once: not after a reload, and not in the audit log.
    await page.reload();
    await expect.poll(() => page.locator('#panel tr[data-agent="xiaoli"]').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator("#new-password").count()).toBe(0);
    await page.locator('[data-tab="audit"]').click();
    const reset = page.locator("#panel tr", { has: page.locator('[data-action="agent.password_reset"]') });
    await expect.poll(() => reset.count(), { timeout: 10_000 }).toBe(1);
    expect((await reset.locator("td").allTextContents()).slice(1)).toEqual([
      "管理员",
      "重置密码",
      "账号 李晓",
      "密码：已生成新密码",
    ]);
    expect(await page.locator("#panel").textContent()).not.toContain(fresh);
    await page.context().close();
  });

  it("the API: admins only, bad input 4xx with stable codes, the last admin stays one", async () => {
    const admin = await login(e.t.baseUrl, "admin", "admin-pass-123");
    const adminId = (await staffApi<{ id: string }>(e.t.baseUrl, admin, "GET", "/api/auth/me")).body.id;
    const call = (token: string, method: string, path: string, body?: unknown) =>
      staffApi<{ error: { code: string } }>(e.t.baseUrl, token, method, path, body);
    const nobody = "6f1c2d3e-0000-4000-8000-000000000000";
    expect((await call(admin, "POST", `/api/admin/agents/${nobody}/password-reset`)).body.error.code).toBe("NOT_FOUND");
    expect((await call(admin, "POST", "/api/admin/agents/not-a-uuid/password-reset")).status).toBe(400);
    const badRole = await call(admin, "PATCH", `/api/admin/agents/${xiaoliId}`, { role: "boss" });
    expect([badRole.status, badRole.body.error.code]).toEqual([400, "VALIDATION_FAILED"]);
    const emptyName = await call(admin, "PATCH", `/api/admin/agents/${xiaoliId}`, { displayName: "  " });
    expect(emptyName.status).toBe(400);
    const badGroup = await call(admin, "PATCH", `/api/admin/agents/${xiaoliId}`, { groups: ["nope"] });
    expect(badGroup.status).toBe(400);
    const last = await call(admin, "PATCH", `/api/admin/agents/${adminId}`, { role: "agent" });
    expect([last.status, last.body.error.code]).toEqual([409, "LAST_ADMIN"]);
    const off = await call(admin, "PATCH", `/api/admin/agents/${adminId}`, { active: false });
    expect([off.status, off.body.error.code]).toEqual([409, "LAST_ADMIN"]);
    // xiaoli is a supervisor now: may list staff, may not reset anyone's password.
    const pw = await call(admin, "POST", `/api/admin/agents/${xiaoliId}/password-reset`);
    const sup = await login(e.t.baseUrl, "xiaoli", (pw.body as unknown as { password: string }).password);
    const refused = await call(sup, "POST", `/api/admin/agents/${adminId}/password-reset`);
    expect([refused.status, refused.body.error.code]).toEqual([403, "FORBIDDEN"]);
    expect((await call(admin, "GET", "/api/auth/me")).status).toBe(200);
  });

  it("the console's header names the agent's role in words", async () => {
    await createStaff(e.t.app, e.t.baseUrl, {
      username: "xiaozhang",
      displayName: "小张",
      role: "agent",
      password: "xiaozhang-pass-1",
    });
    const { page } = await staffPage(e, "/console", "xiaozhang", "xiaozhang-pass-1");
    await expect.poll(() => page.locator("#me").textContent(), { timeout: 10_000 }).toBe("小张（坐席）");
    await page.context().close();
  });
});
