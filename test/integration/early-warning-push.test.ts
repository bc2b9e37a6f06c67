import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { ROLLUP_KEY } from "../../src/reports/report.rollup.js";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { seedCitySpike } from "./report-cities.fixture.js";
import { staffLogin } from "./ticket.helpers.js";

const HOUR = 3_600_000;
/** 12:00 on 20 October (China time): the window is 06:00–12:00, the baseline the 7 days before. */
const END = new Date("2026-10-20T12:00:00+08:00");

type Pushed = { type: string; alert?: { code: string; cityCode?: string; stage?: string; message: string } };

// Issue 23 (003 §7.3.1): 投诉预警 by region and stage pushed live to supervisors — the bursting city
// and stage reach a supervisor's and an admin's socket once per window, an agent's never.
describe.each(DB_KINDS)("early-warning alerts pushed to supervisors on %s (issue 23)", (kind) => {
  let t: TestApp;
  let now = new Date(END.getTime() - 7 * HOUR); // before the burst
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    t = await startTestApp(kind, { DEMO_DATA: "false" }, { now: () => now });
    await t.app.scheduler.cancel(ROLLUP_KEY);
    await t.app.scheduler.cancel("early-warning:check"); // the test runs the check itself
    await seedCitySpike(t.app.db.prisma, END, "13700003333");
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t?.close();
  });

  async function listen(username: string, role: "agent" | "supervisor" | "admin"): Promise<Pushed[]> {
    const { token } = await staffLogin(t.app, t.baseUrl, username, role, role === "agent" ? ["logistics"] : []);
    const ws = new WebSocket(`${t.baseUrl.replace("http", "ws")}/api/agents/ws?token=${encodeURIComponent(token)}`);
    sockets.push(ws);
    const events: Pushed[] = [];
    await new Promise<void>((resolve) => {
      ws.on("message", (raw) => {
        const e = JSON.parse(raw.toString()) as Pushed;
        events.push(e);
        if (e.type === "ready") resolve();
      });
    });
    return events;
  }

  it("the burst's city and stage reach supervisors and admins once per window, agents never", async () => {
    const [sup, admin, agent] = await Promise.all([
      listen("ew-sup", "supervisor"),
      listen("ew-admin", "admin"),
      listen("ew-agent", "agent"),
    ]);
    // Before the burst: nothing to push.
    expect(await t.app.earlyWarning.check()).toEqual([]);
    now = END;
    const pushed = await t.app.earlyWarning.check();
    expect(pushed.map((a) => [a.code, a.cityCode ?? a.stage])).toEqual([
      ["COMPLAINT_SPIKE_REGION", "330700"],
      ["COMPLAINT_SPIKE_STAGE", "transit"],
    ]);
    const alertsOf = (events: Pushed[]) =>
      events
        .filter((e) => e.type === "alert.early_warning")
        .map((e) => [e.alert?.code, e.alert?.cityCode ?? e.alert?.stage]);
    await expect.poll(() => alertsOf(sup).length).toBe(2);
    await expect.poll(() => alertsOf(admin).length).toBe(2);
    expect(alertsOf(sup)).toEqual(pushed.map((a) => [a.code, a.cityCode ?? a.stage]));
    expect(sup.find((e) => e.alert?.cityCode === "330700")?.alert?.message).toMatch(
      /^投诉预警：浙江省金华市 近 6 小时 13 件/,
    );
    // Checked again in the same window (another instance, the next run): not pushed twice.
    now = new Date(END.getTime() + 5 * 60_000);
    expect(await t.app.earlyWarning.check()).toEqual([]);
    expect(alertsOf(sup).length).toBe(2); // and still 2 once a later push has arrived (below)
    expect(alertsOf(agent)).toEqual([]);
    expect(await t.app.db.prisma.earlyWarningAlert.count()).toBe(2);
    // 14:00:30 China time is 06:00:30 UTC, past the 6-hour bucket's boundary: the same burst is
    // still flagged (08:00:30–14:00:30 holds 11 of its 12) but was pushed 2 hours ago — not again.
    now = new Date("2026-10-20T14:00:30+08:00");
    expect((await t.app.reports.placeSpikes(now)).cities.map((c) => c.cityCode)).toEqual(["330700"]);
    expect(await t.app.earlyWarning.check()).toEqual([]);
    expect(await t.app.db.prisma.earlyWarningAlert.count()).toBe(2);
    // A burst still going a whole window after its alert is pushed again (at most once a window).
    now = new Date(END.getTime() + 6 * HOUR + 60_000);
    await t.app.db.prisma.ticket.updateMany({
      where: { cityCode: "330700", createdAt: { gte: new Date(END.getTime() - 4 * HOUR) } },
      data: { createdAt: new Date(END.getTime() + 3 * HOUR) },
    });
    const again = await t.app.earlyWarning.check();
    expect(again.map((a) => a.cityCode)).toContain("330700");
    // Events reach a socket in order: once this push has arrived, anything the checks in between
    // had pushed would have arrived before it — they pushed nothing, and agents got nothing.
    await expect.poll(() => alertsOf(sup).length).toBe(2 + again.length);
    expect(alertsOf(sup).slice(2)).toEqual(again.map((a) => [a.code, a.cityCode ?? a.stage]));
    expect(alertsOf(agent)).toEqual([]);
  });
});
