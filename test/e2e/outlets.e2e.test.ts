import { describe, expect, it } from "vitest";
import { consoleAs, staffPage, useE2e } from "../support/e2e.js";
import { createStaff, login, staffApi } from "../support/staff.js";

// Issue 23: the admin's 网点 tab (CSV import with its row errors, the list, each outlet's group) and
// the outlet on a ticket in the console, where the agent corrects it.
describe("outlets (网点) in Chromium", () => {
  let number = "";
  const e = useE2e(
    { env: { DEMO_DATA: "false" }, build: { now: () => new Date("2026-11-30T03:30:00Z") } },
    async (t) => {
      await createStaff(t.app, t.baseUrl, {
        username: "xiaozhang",
        role: "agent",
        groups: ["logistics"],
        password: "xiaozhang-pass-1",
      });
      const admin = await login(t.baseUrl, "admin", "admin-pass-123");
      const created = await staffApi<{ number: string }>(t.baseUrl, admin, "POST", "/api/tickets", {
        category: "DELAY",
        description: "快递三天没动",
        customerPhone: "13800138023",
      });
      number = created.body.number;
    },
  );

  it("an admin imports a CSV: a bad row is shown with its line and nothing stored; the fixed file lists the outlets", async () => {
    const { page, context } = await staffPage(e, "/admin", "admin", "admin-pass-123");
    await page.locator('[data-tab="outlets"]').click();
    await expect.poll(() => page.locator("#outlet-list").textContent()).toContain("暂无网点");
    const file = (text: string) => ({ name: "outlets.csv", mimeType: "text/csv", buffer: Buffer.from(text) });
    const bad =
      "网点编码,网点名称,地区,客服组,月份,件量\nHZ001,杭州西湖网点,杭州,,2026-11,30000\nHZ002,滨江网点,杭洲,,2026-11,abc\n";
    await page.setInputFiles("#outlet-import input[type=file]", file(bad));
    await page.locator("#outlet-import button[type=submit]").click();
    const errors = page.locator("#outlet-import-result tr[data-line]");
    await expect.poll(() => errors.count()).toBe(2);
    expect(await errors.evaluateAll((rows) => rows.map((r) => `${r.dataset.line} ${r.dataset.code}`))).toEqual([
      "3 REGION_UNKNOWN",
      "3 SHIPMENTS_INVALID",
    ]);
    expect(await page.locator("#outlet-import-result [role=alert]").textContent()).toContain("未导入任何数据");
    expect(await page.locator("#outlet-list").textContent()).toContain("暂无网点");

    await page.setInputFiles(
      "#outlet-import input[type=file]",
      file(bad.replace("杭洲", "杭州").replace("abc", "12000")),
    );
    await page.locator("#outlet-import button[type=submit]").click();
    const row = page.locator('#outlet-list tr[data-outlet="HZ002"]');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain("浙江省杭州市");
    expect(await row.textContent()).toContain("2026-11: 12,000");
    // The outlet's complaints go to 物流配送 from now on.
    await row.locator("select").selectOption("logistics");
    await expect
      .poll(async () => (await e.t.app.db.prisma.outlet.findUnique({ where: { code: "HZ002" } }))?.groupCode)
      .toBe("logistics");
    await context.close();
  });

  it("the console shows the ticket's outlet, the agent sets it by a part of its name, and resolves with root cause and responsible outlet", async () => {
    const { page, context } = await consoleAs(e, "xiaozhang", "xiaozhang-pass-1");
    await page.locator('[data-tab="tickets"]').click();
    await page.locator(`#list li[data-ticket="${number}"]`).click();
    await expect.poll(() => page.locator("#ticket-outlet").textContent()).toBe("网点: 未知");
    await page.locator("#ticket-place").click();
    // Names are accepted (src/outlets/outlet.match.ts), and the field says so.
    const outletField = page.locator("dialog label").filter({ has: page.locator("input[name=outlet]") });
    expect(await outletField.locator("span").textContent()).toBe("责任网点（网点名称或编码，留空为未知）");
    expect(await page.getAttribute("dialog input[name=outlet]", "placeholder")).toBe("网点名称或编码");
    await page.fill("dialog input[name=outlet]", "西湖");
    await page.locator("#dialog-ok").click();
    await expect.poll(() => page.locator("#ticket-outlet").textContent()).toBe("网点: 杭州西湖网点（HZ001）");

    // At resolution (001 第五条): no root cause preselected — the dialog will not close without one;
    // the responsible outlet starts as the ticket's and the agent changes it.
    // Hers since she came online (waiting tickets of her group are assigned then).
    await expect.poll(() => page.locator("#ticket-resolve").count()).toBe(1);
    await page.locator("#ticket-resolve").click();
    await page.fill("dialog textarea[name=resolution]", "网点分拣时压坏，已赔付");
    expect(await page.inputValue("dialog input[name=outlet]")).toBe("HZ001");
    await page.locator("#dialog-ok").click();
    expect(await page.locator("dialog[open]").count()).toBe(1);
    await page.selectOption("dialog select[name=rootCause]", "quality");
    expect(await outletField.locator("span").textContent()).toBe("责任网点（网点名称或编码，可留空）");
    await page.fill("dialog input[name=outlet]", "滨江网点");
    await page.locator("#dialog-ok").click();
    await expect.poll(() => page.locator("#ticket-root-cause").textContent()).toBe("原因归属: 质量原因");
    expect(await page.locator("#ticket-outlet").getAttribute("data-outlet")).toBe("HZ002");
    await context.close();
  });
});
