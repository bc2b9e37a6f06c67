import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { login, staffApi } from "../support/staff.js";

describe("POST /api/nlu/parse", () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp("pglite", { DEMO_DATA: "false" });
    token = await login(t.baseUrl, "admin", "admin-pass-123");
  });
  afterAll(async () => {
    await t?.close();
  });

  it("returns the intent, ranking and normalised entities", async () => {
    const res = await staffApi<{
      intent: { name: string };
      ranking: unknown[];
      entities: { type: string; value: string; carrier?: string }[];
    }>(t.baseUrl, token, "POST", "/api/nlu/parse", { text: "sf 1438-8293 0157 6 到哪了" });
    expect(res.status).toBe(200);
    expect(res.body.intent.name).toBe("track");
    expect(res.body.ranking.length).toBeGreaterThan(0);
    expect(res.body.entities).toContainEqual(
      expect.objectContaining({ type: "waybill", value: "SF1438829301576", carrier: "SF" }),
    );
  });

  it("classifies a complaint's category", async () => {
    const res = await staffApi<{ intent: { name: string }; category?: { code: string } }>(
      t.baseUrl,
      token,
      "POST",
      "/api/nlu/parse",
      {
        text: "快递员没经过我同意就把快递放驿站了，我要投诉",
      },
    );
    expect(res.body.intent.name).toBe("complaint");
    expect(res.body.category?.code).toBe("DELIVERY_SERVICE");
  });

  it("needs a token and refuses text over 10,000 characters", async () => {
    expect((await staffApi(t.baseUrl, undefined, "POST", "/api/nlu/parse", { text: "hi" })).status).toBe(401);
    expect((await staffApi(t.baseUrl, token, "POST", "/api/nlu/parse", { text: "字".repeat(10_001) })).status).toBe(
      400,
    );
  });
});
