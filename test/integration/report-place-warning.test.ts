import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLLUP_KEY } from "../../src/reports/report.rollup.js";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { seedCitySpike } from "./report-cities.fixture.js";
import { staffLogin } from "./ticket.helpers.js";

/** The period ends at 12:00 on 20 October (China time): the window is 06:00–12:00, the baseline the 7 days before. */
const END = new Date("2026-10-20T12:00:00+08:00");

type Body = {
  earlyWarning: { category: string }[];
  earlyWarningByPlace: {
    cities: { cityCode: string; city: string; recent: number; expected: number }[];
    stages: { stage: string; recent: number; expected: number }[];
  };
  alerts: { code: string; message: string; messageEn: string; cityCode?: string; stage?: string }[];
};

// Issue 23 (003 §7.3.1): early warning by region and stage with the category detector. 30 cities
// complain steadily (4 a day each, every stage in turn); 金华 has a burst of 12 at its transfer
// centre in the last 6 hours. 金华 and 分拣转运 are flagged; the other 29 cities, the other stages
// and the category stay quiet.
describe.each(DB_KINDS)("early warning by region and stage on %s (issue 23)", (kind) => {
  let t: TestApp;
  let sup: { token: string };

  beforeAll(async () => {
    t = await startTestApp(kind, { DEMO_DATA: "false" });
    await t.app.scheduler.cancel(ROLLUP_KEY);
    sup = await staffLogin(t.app, t.baseUrl, "sup", "supervisor");
    await seedCitySpike(t.app.db.prisma, END, "13700002222");
  });
  afterAll(async () => {
    await t?.close();
  });

  it("flags the bursting city and its stage, nothing else", async () => {
    const res = await fetch(
      `${t.baseUrl}/api/reports/summary?from=2026-10-01&to=${encodeURIComponent("2026-10-20T12:00:00+08:00")}`,
      { headers: { authorization: `Bearer ${sup.token}` } },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as Body;
    expect(body.earlyWarningByPlace.cities).toEqual([
      expect.objectContaining({ cityCode: "330700", city: "金华市", recent: 13, expected: 1 }),
    ]);
    // 30 in the window as usual (≈ 7.5 a stage), plus 12 at 分拣转运.
    expect(body.earlyWarningByPlace.stages).toEqual([expect.objectContaining({ stage: "transit", expected: 7.5 })]);
    expect(body.earlyWarning).toEqual([]); // 42 DELAY against 30 expected: under twice
    const codes = body.alerts.map((a) => [a.code, a.cityCode ?? a.stage]);
    expect(codes).toEqual([
      ["COMPLAINT_SPIKE_REGION", "330700"],
      ["COMPLAINT_SPIKE_STAGE", "transit"],
    ]);
    expect(body.alerts[0]!.message).toBe("投诉预警：浙江省金华市 近 6 小时 13 件，基线预期 1 件");
    expect(body.alerts[1]!.message).toMatch(/^投诉预警：分拣转运环节 近 6 小时 \d+ 件，基线预期 7.5 件$/);
    // Issue 18: the banner in English too.
    expect(body.alerts[0]!.messageEn).toBe(
      "Complaint spike in 浙江省金华市 (330700): 13 in the last 6 hours, 1 expected",
    );
    expect(body.alerts[1]!.messageEn).toMatch(
      /^Complaint spike at the .+ stage: \d+ in the last 6 hours, 7.5 expected$/,
    );
  });
});
