import fs from "node:fs";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { seedDemoShipments } from "../../src/tracking/demo-data.js";
import { consoleAs, customerChat, staffPage, useE2e } from "../support/e2e.js";
import { createStaff, login, staffApi } from "../support/staff.js";

// Monday 2026-11-30 11:30 in Shanghai (the requests' clock, as in requests.test.ts).
const NOW = new Date("2026-11-30T03:30:00Z");

type RequestJson = {
  type: string;
  status: string;
  outcome: string | null;
  groupCode: string;
  assignee: { username: string } | null;
  paidAmount: number | null;
  slaClocks: { kind: string; state: string; targetMinutes: number }[];
};

// Issue 15 end to end, one app and one Chromium for the file: each request type from the customer's
// first message in the web chat to the agent's completion in the console and the customer's notice,
// after an admin has set promises and a route in /admin (the cases run in order: the 催件, 预约取件
// and 派送偏好 cases see what the admin saved).
describe("service requests from the web chat to the console and back, in Chromium (issue 15)", () => {
  let token = "";
  const e = useE2e({ env: { DEMO_DATA: "false" }, build: { now: () => NOW } }, async (t) => {
    await seedDemoShipments(t.app.db.prisma, t.app.tracking.ingest, { force: true, now: NOW });
    // 小李 works in both groups requests go to by default: 物流配送 and 售后服务 (理赔).
    token = (
      await createStaff(t.app, t.baseUrl, {
        username: "xiaoli",
        displayName: "小李",
        groups: ["logistics", "after_sales"],
        password: "xiaoli-pass-1",
      })
    ).token;
  });

  const get = async (number: string) =>
    (await staffApi<RequestJson>(e.t.baseUrl, token, "GET", `/api/tickets/${number}`)).body;

  /** 小李's console, opened once and shared by the cases. */
  let agentPage: Page | undefined;
  const agent = async () => {
    agentPage ??= (await consoleAs(e, "xiaoli", "xiaoli-pass-1")).page;
    return agentPage;
  };

  /** The agent finds the request in the ticket list (live), checks its type, and opens it. */
  async function openInConsole(number: string, label: string): Promise<Page> {
    const page = await agent();
    await page.locator('[data-tab="tickets"]').click();
    const row = page.locator(`#list li[data-ticket="${number}"]`);
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    expect(await row.textContent()).toContain(label);
    await row.click();
    await expect.poll(() => page.locator("#ticket-type-badge").textContent()).toBe(label);
    return page;
  }

  /** Completes an open request in the console with a result the customer is told. */
  async function complete(number: string, label: string, resolution: string): Promise<void> {
    const page = await openInConsole(number, label);
    // Auto-assigned to the online agent of its group, so she completes it straight away.
    expect((await get(number)).assignee?.username).toBe("xiaoli");
    await page.locator("#request-complete").click();
    await page.fill("dialog input[name=resolution]", resolution);
    await page.locator("#dialog-ok").click();
    await expect.poll(() => get(number)).toMatchObject({ status: "resolved", outcome: "done" });
  }

  /** The customer's chat shows a message containing `words`, live. */
  const told = (page: Page, words: string) =>
    expect
      .poll(() => page.locator(".msg.out").allTextContents(), { timeout: 10_000 })
      .toContainEqual(expect.stringContaining(words));

  const numberIn = (text: string) => /\d{6}-\d{5}/.exec(text)?.[0] ?? "";

  it("/admin 服务请求: an admin sets a type's promise and group; a supervisor reads them; an agent is refused", async () => {
    const { context, page } = await staffPage(e, "/admin", "admin", "admin-pass-123");
    await page.waitForSelector("#agent-form"); // the admin's first tab, drawn after log-in
    await page.locator('[data-tab="requests"]').click();
    const routes = page.locator("#panel tr[data-route]");
    await expect.poll(() => routes.count()).toBe(5);
    const pickupRoute = page.locator('#panel tr[data-route="pickup"]');
    expect(await pickupRoute.locator("td").first().textContent()).toBe("预约取件");
    expect(await pickupRoute.locator("select").inputValue()).toBe("logistics");
    // Pickups to 售后服务 from now on.
    await pickupRoute.locator("select").selectOption("after_sales");
    await pickupRoute.locator("button").click();
    await expect.poll(() => page.locator('#panel tr[data-route="pickup"] td').nth(2).textContent()).toBe("已自定义");

    // 派送偏好: 4 hours instead of 2, round the clock; the hint says it in the bot's words.
    const pref = page.locator('#panel tr[data-policy="delivery_preference_resolution"]');
    expect(await pref.locator("select[name=calendarId]").inputValue()).toBe("24x7");
    // The calendars in the SLA tab's words, each hour range once (it read "工作日 09:00–18:00 09:00–18:00").
    expect(await pref.locator("select[name=calendarId] option").allTextContents()).toEqual([
      "全天候（24×7）",
      "工作日 09:00–18:00",
    ]);
    await pref.locator("input[name=targetMinutes]").fill("240");
    expect(await pref.locator(".promise-words").textContent()).toBe("4小时");
    await pref.locator("button").click();
    const adminToken = await login(e.t.baseUrl, "admin", "admin-pass-123");
    const policy = async (name: string) => {
      const { body } = await staffApi<{ items: { name: string; ticketType: string; targetMinutes: number }[] }>(
        e.t.baseUrl,
        adminToken,
        "GET",
        "/api/sla/policies",
      );
      return body.items.find((p) => p.name === name);
    };
    await expect
      .poll(() => policy("delivery_preference_resolution"))
      .toMatchObject({ ticketType: "delivery_preference", targetMinutes: 240 });
    // The claim steps are listed with their national targets.
    expect(await page.locator('#panel tr[data-policy="claim_claim_proposal"] .promise-words').textContent()).toBe(
      "30天",
    );
    // Saving a request's policy from the general SLA tab keeps it the request's (it became a complaint's).
    await page.locator('[data-tab="sla"]').click();
    const urgeRow = page.locator('#panel tr[data-policy="urge_resolution"]');
    await expect.poll(() => urgeRow.count()).toBe(1);
    await urgeRow.locator("input").fill("180");
    await urgeRow.locator("button").click();
    await expect.poll(async () => (await policy("urge_resolution"))?.targetMinutes).toBe(180);
    expect((await policy("urge_resolution"))?.ticketType).toBe("urge");
    await context.close();

    await createStaff(e.t.app, e.t.baseUrl, { username: "zhuguan", role: "supervisor", password: "zhuguan-pass-1" });
    const sup = await staffPage(e, "/admin", "zhuguan", "zhuguan-pass-1");
    await sup.page.locator('[data-tab="requests"]').click();
    await sup.page.waitForSelector("#requests-readonly");
    expect(await sup.page.locator('#panel tr[data-route="pickup"] select').inputValue()).toBe("after_sales");
    expect(await sup.page.locator('#panel tr[data-route="pickup"] select').isDisabled()).toBe(true);
    expect(await sup.page.locator("#panel button").count()).toBe(0);
    await sup.context.close();

    const li = await staffPage(e, "/admin", "xiaoli", "xiaoli-pass-1");
    await li.page.locator('[data-tab="requests"]').click();
    await expect.poll(() => li.page.locator("#panel .error").textContent()).toBe("需要管理员权限");
    await li.context.close();
  });

  it("催件: the customer gets a number, the agent sees 催件 and completes it, the customer is told", async () => {
    const customer = await customerChat(e);
    await customer.say("帮我催一下 75312345678901");
    await expect.poll(() => customer.last()).toContain("请确认催件信息");
    await customer.page.locator(".quick button", { hasText: "确认提交" }).click();
    await expect.poll(() => customer.last()).toContain("请求编号");
    const booked = await customer.last();
    expect(booked).toMatch(/已为您催促派送网点，3小时内给您回复。请求编号：\d{6}-\d{5}/); // the admin's 180 minutes
    const number = numberIn(booked);

    await complete(number, "催件", "网点今天下午派送");
    await told(customer.page, "已办理完成。网点今天下午派送");

    fs.mkdirSync("test-results", { recursive: true });
    await (await agent()).screenshot({ path: "test-results/requests-console.png" });
    await customer.context.close();
  });

  it("改地址: before out-for-delivery the new address is taken; the agent sees it in full and completes it", async () => {
    const customer = await customerChat(e);
    await customer.say("我想改一下收货地址");
    await expect.poll(() => customer.last()).toContain("运单号");
    await customer.say("YT7001234567891"); // arrived in the destination city: still changeable
    await expect.poll(() => customer.last()).toContain("新的收货地址");
    await customer.say("湖北省武汉市洪山区珞喻路1037号华中科技大学东校区");
    await expect.poll(() => customer.last()).toContain("请确认改地址信息");
    await customer.page.locator(".quick button", { hasText: "确认提交" }).click();
    await expect.poll(() => customer.last()).toContain("已提交改地址申请");
    const number = numberIn(await customer.last());

    const page = await openInConsole(number, "改地址");
    // The list masks the address; the agent's detail shows it in full.
    expect(await page.locator(`#list li[data-ticket="${number}"]`).textContent()).not.toContain("珞喻路");
    await expect.poll(() => page.locator(".request-info").textContent()).toContain("珞喻路1037号");
    // Issue 23: where and at which stage, from the parcel's tracking when the request was opened.
    expect(await page.locator("#ticket-region").textContent()).toBe("地区: 湖北省武汉市");
    expect(await page.locator("#ticket-stage").textContent()).toBe("环节: 分拣转运");
    // The agent corrects it: the parcel is already with the courier in 武汉.
    await page.locator("#ticket-place").click();
    await page.fill("dialog input[name=place]", "武汉市");
    await page.selectOption("dialog select[name=stage]", "delivery");
    await page.locator("#dialog-ok").click();
    await expect.poll(() => page.locator("#ticket-stage").textContent()).toBe("环节: 派送");
    await complete(number, "改地址", "网点已改派至新地址");
    await told(customer.page, "已办理完成。网点已改派至新地址");
    await customer.context.close();
  });

  it("预约取件: address, slot, item, weight and phone; it goes to the group the admin chose; the agent completes it", async () => {
    const customer = await customerChat(e);
    await customer.say("我要寄快递，上门取件");
    await expect.poll(() => customer.last()).toContain("上门取件的地址");
    await customer.say("上海市徐汇区漕溪北路88号3楼");
    await expect.poll(() => customer.last()).toContain("上门时间");
    // 11:30: this morning is gone; the quick replies offer what can still be booked.
    await expect
      .poll(() => customer.page.locator(".quick button").allTextContents())
      .toEqual(["今天下午", "明天上午", "明天下午"]);
    await customer.page.locator(".quick button", { hasText: "明天上午" }).click();
    await expect.poll(() => customer.last()).toContain("什么物品");
    await customer.say("衣服");
    await expect.poll(() => customer.last()).toContain("多重");
    await customer.say("3公斤");
    await expect.poll(() => customer.last()).toContain("联系电话");
    await customer.say("13912345678");
    await expect.poll(() => customer.last()).toContain("2026-12-01 明天上午");
    await customer.say("确认");
    await expect.poll(() => customer.last()).toContain("快递员将在2026-12-01 明天上午上门");
    const number = numberIn(await customer.last());
    expect((await get(number)).groupCode).toBe("after_sales"); // the admin's route

    await complete(number, "预约取件", "快递员已上门取件");
    await told(customer.page, "已办理完成。快递员已上门取件");
    await customer.context.close();
  });

  it("派送偏好: 放驿站 with the customer's consent, the promise the admin set, completed by the agent", async () => {
    const customer = await customerChat(e);
    await customer.say("75312345678918 放驿站吧");
    await expect.poll(() => customer.last()).toContain("需要您的同意");
    await customer.page.locator(".quick button", { hasText: /^同意$/ }).click();
    await expect.poll(() => customer.last()).toContain("同意放置：是");
    await customer.page.locator(".quick button", { hasText: "确认提交" }).click();
    await expect.poll(() => customer.last()).toContain("已记录您的派送要求（放驿站）");
    const booked = await customer.last();
    expect(booked).toContain("我们将在4小时内通知派送网点"); // the admin's 240 minutes
    const number = numberIn(booked);
    expect((await get(number)).slaClocks.map((c) => [c.kind, c.targetMinutes])).toEqual([["resolution", 240]]);

    const page = await openInConsole(number, "派送偏好");
    await expect.poll(() => page.locator(".request-info").textContent()).toContain("客户同意放置");
    await complete(number, "派送偏好", "已通知网点放驿站");
    await told(customer.page, "已办理完成。已通知网点放驿站");
    await customer.context.close();
  });

  it("理赔: the agent proposes, the customer answers 同意 in the chat, the agent records the payment, the customer is told", async () => {
    const customer = await customerChat(e);
    await customer.say("快递丢了，我要理赔");
    await expect.poll(() => customer.last()).toContain("运单号");
    await customer.say("SF1438829301590");
    await expect.poll(() => customer.last()).toContain("价值");
    await customer.say("800元");
    await expect.poll(() => customer.last()).toContain("保价");
    await customer.say("是");
    await expect.poll(() => customer.last()).toContain("描述");
    await customer.say("一副蓝牙耳机，物流显示在杭州后就没有动静了");
    await expect.poll(() => customer.last()).toContain("联系电话");
    await customer.say("13812345678");
    await expect.poll(() => customer.last()).toContain("请确认理赔信息");
    await customer.page.locator(".quick button", { hasText: "确认提交" }).click();
    await expect.poll(() => customer.last()).toContain("24小时内确认受理，30天内给出赔偿方案");
    const number = numberIn(await customer.last());

    // The agent of 售后服务 proposes 600 yuan in the console.
    let page = await openInConsole(number, "理赔");
    expect((await get(number)).assignee?.username).toBe("xiaoli");
    await page.locator("#request-propose").click();
    await page.fill("dialog input[name=amount]", "600");
    await page.locator("#dialog-ok").click();
    await told(customer.page, "赔偿方案为600元");

    // The customer agrees with the quick reply: the 7-day payment clock starts.
    await expect
      .poll(() => customer.page.locator(".quick button").allTextContents(), { timeout: 10_000 })
      .toEqual(["同意", "不同意"]);
    await customer.page.locator(".quick button", { hasText: /^同意$/ }).click();
    await expect.poll(() => customer.last()).toContain("已确认您同意赔偿方案（600元）");
    await expect
      .poll(async () => (await get(number)).slaClocks.find((c) => c.kind === "claim_payment"))
      .toMatchObject({ state: "running", targetMinutes: 10_080 });

    // The agent completes it with the amount paid.
    page = await openInConsole(number, "理赔");
    await page.locator("#request-complete").click();
    await page.fill("dialog input[name=paid]", "600");
    await page.locator("#dialog-ok").click();
    await expect.poll(() => get(number)).toMatchObject({ status: "resolved", outcome: "done", paidAmount: 600 });
    await told(customer.page, "赔偿款600元已支付");
    await customer.context.close();
  });
});
